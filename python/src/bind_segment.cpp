// Grey volumes -> phase maps: histograms, thresholds, the `emorph segment` pipeline, watershed,
// particle separation; and the denoising filters it uses.
#include <pybind11/stl.h>

#include <optional>

#include "args.hpp"
#include "bindings.hpp"
#include "emorph/filter/bilateral.hpp"
#include "emorph/filter/gaussian.hpp"
#include "emorph/filter/median.hpp"
#include "emorph/io.hpp"
#include "emorph/results/segment_results.hpp"
#include "emorph/segment/phase_map.hpp"
#include "emorph/segment/histogram_options.hpp"
#include "emorph/segment/segment.hpp"
#include "emorph/segment/segment_options.hpp"
#include "emorph/segment/separate_particles.hpp"
#include "emorph/segment/watershed.hpp"
#include "json_python.hpp"
#include "numpy_volume.hpp"
#include "param_keywords.hpp"

namespace emorph::python {

namespace {

HistogramParams histogram_params(int bins, const std::optional<std::pair<double, double>>& range) {
  HistogramParams p;
  p.bins = bins;
  if (range) {
    if (!(range->first < range->second)) throw py::value_error("range must be (lo, hi) with lo < hi");
    p.range_min = range->first;
    p.range_max = range->second;
  }
  return p;
}

// histogram's and threshold's range: None, (lo, hi) or a list of two, or "LO,HI" as --range.
std::optional<std::pair<double, double>> histogram_range_arg(const py::object& range, const std::string& function) {
  if (range.is_none()) return std::nullopt;
  if (py::isinstance<py::str>(range)) {
    const std::vector<double> r = parse_double_list(range.cast<std::string>(), "range");
    if (r.size() != 2) throw py::value_error("range must be (lo, hi) with lo < hi");
    return std::pair{r[0], r[1]};
  }
  try {
    return range.cast<std::pair<double, double>>();
  } catch (const py::cast_error&) {
    throw py::type_error(function + "(): range must be (lo, hi), a list of two or \"LO,HI\", got " +
                         std::string(py::str(range.get_type().attr("__name__"))));
  }
}

// An optional uint8 mask of the image's shape.
std::optional<VolumeView<const uint8_t>> mask_arg(const py::object& mask, const Shape& shape) {
  if (mask.is_none()) return std::nullopt;
  auto v = u8_arg(mask, "mask", Spacing{});
  if (!(v.shape() == shape))
    throw py::value_error("mask has shape " + v.shape().str() + ", the image " + shape.str());
  return v;
}

// emorph.segment's keywords, its positional arguments after `image` named in their order before the
// parameter table (method, classes, denoise, bins, range, mask, phases, spacing, pore_grey), so that
// positional calls keep working; mask, phases and spacing are not table parameters.
py::dict segment_keywords(const py::args& args, const py::kwargs& kwargs) {
  static const char* const positional[] = {"method", "classes", "denoise", "bins",     "range",
                                           "mask",   "phases",  "spacing", "pore_grey"};
  constexpr std::size_t count = sizeof(positional) / sizeof(positional[0]);
  if (args.size() > count)
    throw py::type_error("segment() takes at most " + std::to_string(count + 1) + " positional arguments");
  py::dict keywords;
  for (std::size_t i = 0; i < args.size(); ++i) keywords[positional[i]] = args[i];
  for (const auto& [key, value] : kwargs) {
    if (keywords.contains(key))
      throw py::type_error("segment() got multiple values for argument '" + std::string(py::str(key)) + "'");
    keywords[key] = value;
  }
  return keywords;
}

// segment's mask: None, an array of the image's shape, or the path of a uint8 volume (as --mask).
std::optional<Volume<uint8_t>> segment_mask(const py::object& mask, const Shape& shape) {
  if (py::isinstance<py::str>(mask)) {
    const std::string path = mask.cast<std::string>();
    AnyVolume any = read_volume(path);
    if (!any.holds<uint8_t>()) throw InputError("mask: " + path + " must be a uint8 volume (0 = outside)");
    if (!(any.as<uint8_t>().shape() == shape))
      throw py::value_error("mask has shape " + any.as<uint8_t>().shape().str() + ", the image " + shape.str());
    return std::move(any.as<uint8_t>());
  }
  const auto view = mask_arg(mask, shape);
  if (!view) return std::nullopt;
  return to_volume(*view);
}

// A copy of a view into an owning volume, for library calls that take one (segment's denoise/fibsem paths).
template <class T>
AnyVolume owned_copy(VolumeView<const T> v) {
  return AnyVolume(to_volume(v));
}

// The docstring entries of histogram's and threshold's bins, range (the parameter table's) and mask.
std::string histogram_keywords_doc() {
  return params_doc(histogram_param_table()) +
         "``range`` is (lo, hi), a list of two, or \"LO,HI\" as ``--range`` (inclusive); None or \"\": the data's "
         "min..max.\nmask : numpy.ndarray of uint8 or bool, optional\n    Only voxels where mask != 0 are counted "
         "(same shape).";
}

// filter(view) over any dtype of `image`, run without the GIL, as a numpy array.
template <class Filter>
py::object filter_array(const py::handle& image, const Spacing& spacing, Filter&& filter) {
  return visit_array(image, "image", spacing, [&](auto view) {
    decltype(filter(view)) out;
    {
      py::gil_scoped_release release;
      out = filter(view);
    }
    return to_numpy(std::move(out));
  });
}

}  // namespace

void bind_segment(py::module_& m) {
  m.def(
      "histogram",
      [](const py::handle& image, int bins, const py::object& range, const py::object& mask) {
        const HistogramParams p = histogram_params(bins, histogram_range_arg(range, "histogram"));
        Histogram h;
        visit_array(image, "image", Spacing{}, [&](auto view) {
          using T = element_t<decltype(view)>;
          const auto mv = mask_arg(mask, view.shape());
          py::gil_scoped_release release;
          h = histogram<T>(view, p, mv ? *mv : VolumeView<const uint8_t>{});
        });
        py::dict d;
        d["counts"] = py::array_t<int64_t>(static_cast<py::ssize_t>(h.counts.size()), h.counts.data());
        const auto centers = h.centers();
        d["bin_centers"] = py::array_t<double>(static_cast<py::ssize_t>(centers.size()), centers.data());
        d["lower"] = h.lower;
        d["bin_width"] = h.bin_width;
        d["min"] = h.min_value;
        d["max"] = h.max_value;
        d["excluded"] = h.excluded;
        return d;
      },
      py::arg("image"), py::arg("bins") = 0, py::arg("range") = py::none(), py::arg("mask") = py::none(),
      (std::string(R"doc(Grey-value histogram (parallel, deterministic).

For integer data the bin edges sit half-way between grey values, so with one bin per value the centre
of bin i is the grey value (scikit-image's convention).

Parameters
----------
image : numpy.ndarray
    C-contiguous (z, y, x) array of dtype uint8, int8, uint16, int16, uint32, int32 or float32 (no NaN).
)doc") + histogram_keywords_doc() + R"doc(

Returns
-------
dict
    ``counts`` (int64 array), ``bin_centers``, ``lower`` (first edge), ``bin_width``, ``min``, ``max``
    (of the counted voxels), ``excluded`` (voxels outside the range).)doc")
          .c_str());

  m.def(
      "threshold",
      [](const py::handle& image, const std::string& method, int bins, const py::object& range,
         const py::object& mask) {
        const HistogramParams p = histogram_params(bins, histogram_range_arg(range, "threshold"));
        const ThresholdMethod tm = parse_threshold_method(method, "method");
        ThresholdResult r;
        visit_array(image, "image", Spacing{}, [&](auto view) {
          using T = element_t<decltype(view)>;
          const auto mv = mask_arg(mask, view.shape());
          py::gil_scoped_release release;
          r = compute_threshold(histogram<T>(view, p, mv ? *mv : VolumeView<const uint8_t>{}), tm);
        });
        py::dict d;
        d["method"] = r.method;
        d["thresholds"] = r.thresholds;
        d["threshold_bins"] = r.threshold_bins;
        d["histogram"] = py::array_t<double>(static_cast<py::ssize_t>(r.histogram.size()), r.histogram.data());
        d["bin_centers"] = py::array_t<double>(static_cast<py::ssize_t>(r.bin_centers.size()), r.bin_centers.data());
        d["peak_bins"] = r.peak_bins;
        d["smoothing_iterations"] = r.smoothing_iterations;
        return d;
      },
      py::arg("image"), py::arg("method") = "otsu", py::arg("bins") = 0, py::arg("range") = py::none(),
      py::arg("mask") = py::none(),
      (std::string(R"doc(Histogram thresholds of a grey volume.

Methods: "otsu" (Otsu 1979, as skimage.filters.threshold_otsu), "minimum" (Prewitt & Mendelsohn 1966,
two-peak minimum: the paper's method, ImageJ "Minimum", skimage.filters.threshold_minimum),
"intermodes", "multiotsu:N" (Liao et al. 2001, as skimage.filters.threshold_multiotsu with N classes),
"manual:T1,T2,...". A threshold is the centre of the last bin of the lower class: voxel v belongs to
class k = number of thresholds t with v > t.

Parameters
----------
image : numpy.ndarray
    C-contiguous (z, y, x) grey volume (uint8 ... int32 or float32 without NaN).
method : str
)doc") + histogram_keywords_doc() + R"doc(

Returns
-------
dict
    ``thresholds`` (grey units, increasing), ``threshold_bins``, ``histogram`` (the counts searched,
    smoothed for two-peak methods), ``bin_centers``, ``peak_bins``, ``smoothing_iterations``, ``method``.)doc")
          .c_str());

  m.def(
      "segment",
      [](const py::handle& image, const py::args& args, const py::kwargs& kwargs) {
        py::dict keywords = segment_keywords(args, kwargs);
        const py::object mask = keywords.attr("pop")("mask", py::none());
        const py::object phases = keywords.attr("pop")("phases", py::none());
        const py::object spacing = keywords.attr("pop")("spacing", py::none());
        SegmentOptions options;
        set_params(options, segment_param_table(), py::args(), py::reinterpret_borrow<py::kwargs>(keywords), "segment",
                   1);
        const PhaseTable table = phase_table_arg(phases, py::none());
        const SegmentParams p = with_keyword_spelling([&] { return segment_params(options); });
        SegmentResult r;
        visit_array(image, "image", spacing_arg(spacing), [&](auto view) {
          // The library's pipeline (default pre-filter and bands included) on one copy of the input.
          std::optional<Volume<uint8_t>> owned_mask = segment_mask(mask, view.shape());
          py::gil_scoped_release release;
          r = emorph::segment(owned_copy(view), p, table, owned_mask ? &*owned_mask : nullptr);
        });
        py::object results = to_python(segment_results(r, true));
        return py::make_tuple(to_numpy(std::move(r.labels)), results);
      },
      py::arg("image"),
      (std::string(R"doc(Grey volume -> phase map (uint8 labels of the phase table), as ``emorph segment``.

Method (Etiemble et al. 2017, 3.1.2): histogram thresholds; class k (darkest first) gets the label of
the k-th name of `classes`. "fibsem": shine-through-robust pores, then thresholds of the solid voxels.
Positional arguments after `image` keep their earlier order: method, classes, denoise, bins, range, mask,
phases, spacing, pore_grey; the FIB/SEM parameters are keywords.

Parameters
----------
image : numpy.ndarray
    C-contiguous (z, y, x) grey volume (the library's pipeline works on one copy).
mask : numpy.ndarray of uint8 or bool, or str, optional
    Only voxels where mask != 0 are counted and classified, the others get label 0 (same shape); a str is
    the path of a uint8 volume, as ``--mask``.
phases : dict or str, optional
    Phase table.
spacing : float or (dz, dy, dx), optional
    Voxel size in um (for "gaussian:SIGMAum").
)doc") + params_doc(segment_param_table()) +
       R"doc(``range`` is (lo, hi), a list, or "LO,HI" as ``--range``; with ``pore_grey``, the mixture methods raise
ValueError for an LFP-only electrode, where the CLI exits 2.

Returns
-------
labels : numpy.ndarray of uint8
results : dict
    The ``results`` of ``emorph segment --json``: ``method``, ``thresholds``, ``classes``,
    ``phases[name]`` (label, voxels, volume_fraction), ``counted_voxels``, ``peaks``, ``histogram``.)doc")
          .c_str());

  m.def(
      "watershed",
      [](const py::handle& relief, const py::handle& markers, const py::object& mask, int connectivity) {
        check_volume_array(relief, "relief");
        const auto r = f32_arg(relief, "relief", Spacing{});
        check_volume_array(markers, "markers");
        const auto ma = py::reinterpret_borrow<py::array>(markers);
        if (!has_dtype<uint32_t>(ma)) throw_dtype(ma, "markers", "uint32", "np.uint32");
        const auto mk = view_of<uint32_t>(ma, Spacing{});
        if (!(mk.shape() == r.shape())) throw py::value_error("markers has shape " + mk.shape().str() + ", relief " + r.shape().str());
        const auto mv = mask_arg(mask, r.shape());
        WatershedParams p;
        p.connectivity = connectivity;
        Volume<uint32_t> out;
        {
          py::gil_scoped_release release;
          out = emorph::watershed(r, mk, mv ? *mv : VolumeView<const uint8_t>{}, p);
        }
        return to_numpy(std::move(out));
      },
      py::arg("relief"), py::arg("markers"), py::arg("mask") = py::none(), py::arg("connectivity") = 6,
      R"doc(Marker-controlled watershed by priority flooding (Meyer 1991; Beucher & Meyer 1993).

Markers grow in order of increasing relief, ties first-in first-out (deterministic), as
skimage.segmentation.watershed(relief, markers, mask=mask).

Parameters
----------
relief : numpy.ndarray of float32 (no NaN)
markers : numpy.ndarray of uint32
    0 = no marker.
mask : numpy.ndarray of uint8 or bool, optional
    Only voxels where mask != 0 are labelled.
connectivity : int
    6 (scikit-image's connectivity=1), 18 or 26.

Returns
-------
numpy.ndarray of uint32)doc");

  m.def(
      "separate_particles",
      [](const py::handle& mask, const py::object& spacing, std::optional<double> h_um, bool exclude_border) {
        const auto view = u8_arg(mask, "mask", spacing_arg(spacing));
        SeparateParticlesParams p;
        p.h_um = h_um;
        p.exclude_border = exclude_border;
        SeparateParticlesResult r;
        {
          py::gil_scoped_release release;
          r = emorph::separate_particles(view, p);
        }
        const uint32_t count = r.count, excluded = r.excluded_border;
        return py::make_tuple(to_numpy(std::move(r.labels)), count, excluded);
      },
      py::arg("mask"), py::arg("spacing") = py::none(), py::arg("h_um") = py::none(),
      py::arg("exclude_border") = false,
      R"doc(Separate touching particles: watershed of the inverted distance map from h-maxima markers
(Beucher & Lantuejoul 1979; Soille 2003), the "distance transform watershed" of MorphoLibJ.

Parameters
----------
mask : numpy.ndarray of uint8 or bool
    The phase (mask != 0).
spacing : float or (dz, dy, dx), optional
    Voxel size in um.
h_um : float, optional
    Depth in um a distance maximum needs to seed its own particle (default 2 voxels).
exclude_border : bool
    Drop particles touching a face of the volume.

Returns
-------
labels : numpy.ndarray of uint32 (0 outside, 1..count)
count : int
excluded_border : int)doc");

  m.def(
      "median_filter",
      [](const py::handle& image, int radius) {
        MedianParams p;
        p.radius = radius;
        return filter_array(image, Spacing{}, [&](auto view) { return median_filter<element_t<decltype(view)>>(view, p); });
      },
      py::arg("image"), py::arg("radius") = 1,
      R"doc(3D median filter over the (2 radius + 1)^3 cube (pruned sorting network), same dtype out;
edges replicated. radius: 1 (3x3x3) or 2 (5x5x5).)doc");

  m.def(
      "gaussian_filter",
      [](const py::handle& image, const py::object& sigma, const py::object& spacing, bool sigma_in_um,
         double truncate) {
        GaussianParams p;
        p.truncate = truncate;
        p.sigma_in_um = sigma_in_um;
        if (py::isinstance<py::sequence>(sigma)) {
          const auto s = sigma.cast<std::array<double, 3>>();
          if (sigma_in_um) throw py::value_error("sigma_in_um needs one sigma, not three");
          p.sigma_voxels = s;
        } else {
          p.sigma = sigma.cast<double>();
        }
        return filter_array(image, spacing_arg(spacing),
                            [&](auto view) { return gaussian_filter<element_t<decltype(view)>>(view, p); });
      },
      py::arg("image"), py::arg("sigma") = 1.0, py::arg("spacing") = py::none(), py::arg("sigma_in_um") = false,
      py::arg("truncate") = 4.0,
      R"doc(Separable 3D Gaussian smoothing to float32, edges reflected (as
scipy.ndimage.gaussian_filter(image.astype(float32), sigma, mode="reflect", truncate=truncate)).

Parameters
----------
sigma : float or (sz, sy, sx)
    Standard deviation in voxels, or in um with sigma_in_um=True (converted per axis with `spacing`).)doc");

  m.def(
      "bilateral_filter",
      [](const py::handle& image, double sigma_spatial, double sigma_range) {
        BilateralParams p;
        p.sigma_spatial = sigma_spatial;
        p.sigma_range = sigma_range;
        return filter_array(image, Spacing{}, [&](auto view) { return bilateral_filter<element_t<decltype(view)>>(view, p); });
      },
      py::arg("image"), py::arg("sigma_spatial") = 1.0, py::arg("sigma_range"),
      R"doc(Edge-preserving bilateral filter to float32 (Tomasi & Manduchi 1998): window radius
ceil(2 sigma_spatial) voxels; sigma_range in grey units (> 0).)doc");
}

}  // namespace emorph::python
