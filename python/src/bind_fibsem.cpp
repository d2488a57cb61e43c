// FIB/SEM stack preparation, step by step (the steps of `emorph fibsem-prep`): curtaining removal,
// shading along y, contrast along z, slice alignment. Stacks come in as float32 (read in place) or
// any other volume dtype (converted to a float32 copy), and go out as float32.
#include <pybind11/stl.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "args.hpp"
#include "bindings.hpp"
#include "emorph/filter/destripe.hpp"
#include "emorph/filter/drift_track.hpp"
#include "emorph/filter/fibsem_prep_options.hpp"
#include "emorph/filter/intensity_normalise.hpp"
#include "emorph/filter/shading.hpp"
#include "emorph/filter/shift.hpp"
#include "numpy_volume.hpp"

namespace emorph::python {

namespace {

// A float32 stack: a view of the numpy buffer, or of a float32 copy of another dtype.
struct FloatStack {
  Volume<float> owned;
  VolumeView<const float> view;
};

FloatStack float_stack(const py::handle& obj, const char* name) {
  FloatStack s;
  visit_array(obj, name, Spacing{}, [&](auto v) {
    using T = element_t<decltype(v)>;
    if constexpr (std::is_same_v<T, float>) {
      s.view = v;
    } else {
      py::gil_scoped_release release;
      s.owned = Volume<float>(v.shape(), v.spacing());
      const T* src = v.data();
      float* dst = s.owned.data();
      const int64_t n = v.size();
#pragma omp parallel for schedule(static)
      for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<float>(src[i]);
      s.view = s.owned.view();
    }
  });
  return s;
}

py::array drift_array(const std::vector<std::array<double, 2>>& drift) {
  py::array_t<double> out({static_cast<py::ssize_t>(drift.size()), py::ssize_t{2}});
  auto r = out.mutable_unchecked<2>();
  for (std::size_t z = 0; z < drift.size(); ++z) r(z, 0) = drift[z][0], r(z, 1) = drift[z][1];
  return out;
}

constexpr const char* kStackDoc = R"doc(stack : numpy.ndarray
    C-contiguous (z, y, x) FIB/SEM stack, slices along z. float32 is read in place (no NaN allowed);
    uint8, uint16 and the other integer dtypes are converted to a float32 copy.)doc";

}  // namespace

void bind_fibsem(py::module_& m) {
  m.def(
      "align_slices",
      [](const py::handle& stack, int reference, const std::vector<int>& lags,
         const std::optional<std::pair<std::pair<int64_t, int64_t>, std::pair<int64_t, int64_t>>>& region,
         bool fill_zero) {
        const FloatStack s = float_stack(stack, "stack");
        DriftTrackParams p;
        p.reference_slice = reference;
        p.lags = lags;
        if (region) {
          Box box;
          box.y0 = region->first.first, box.y1 = region->first.second;
          box.x0 = region->second.first, box.x1 = region->second.second;
          p.region = box;
        }
        ShiftParams shift;
        shift.constant_fill = fill_zero;
        DriftTrack track;
        Volume<float> aligned;
        {
          py::gil_scoped_release release;
          track = estimate_drift(s.view, p);
          aligned = apply_drift(s.view, track.drift_px, shift);
        }
        double largest = 0;
        for (const auto& d : track.drift_px) largest = std::max({largest, std::abs(d[0]), std::abs(d[1])});
        py::dict info;
        info["drift_px"] = drift_array(track.drift_px);
        info["drift_max_px"] = largest;
        info["pairs"] = track.pairs.size();
        info["rejected_pairs"] = track.rejected_pairs;
        info["unreliable_slices"] = track.unreliable_slices;
        info["featureless_slices"] = track.featureless_slices;
        info["residual_rms_px"] = track.residual_rms_px;
        info["reference_slice"] = reference;
        return py::make_tuple(to_numpy(std::move(aligned)), info);
      },
      py::arg("stack"), py::arg("reference") = DriftTrackParams{}.reference_slice,
      py::arg("lags") = DriftTrackParams{}.lags,
      py::arg("region") = py::none(), py::arg("fill_zero") = false,
      (std::string(R"doc(Register the slices of a FIB/SEM stack and remove the drift (``emorph fibsem-prep --align``).

Method: phase correlation (Kuglin & Hines 1975) of each slice with the slices `lags` before it,
combined by robust least squares (Huber then Tukey IRLS) into one position per slice; slices are then
shifted by separable cubic convolution (Keys 1981).

Parameters
----------
)doc") + kStackDoc + "\n" + params_doc(fibsem_prep_tables().drift) + R"doc(lags : sequence of int
    Register each slice to these earlier ones (longer lags outvote a bad pair).
region : ((y0, y1), (x0, x1)), optional
    Register only this part of the slices, in pixels (fiducials, protective layer); >= 16 x 16.
fill_zero : bool
    Fill pixels shifted in from outside with 0 (default: nearest edge).

Returns
-------
aligned : numpy.ndarray of float32
info : dict
    ``drift_px``: (nz, 2) array of [dy, dx] in pixels, each slice's content relative to the reference
    (the CLI's ``results.drift_px``); ``drift_max_px``, ``pairs``, ``rejected_pairs``,
    ``unreliable_slices``, ``featureless_slices`` (no texture to register: inside one particle),
    ``residual_rms_px``, ``reference_slice``.)doc")
          .c_str());

  m.def(
      "correct_shading",
      [](const py::handle& stack, int order, const std::string& mode, double row_quantile, bool per_slice) {
        const FloatStack s = float_stack(stack, "stack");
        if (mode != "divide" && mode != "subtract")
          throw py::value_error("mode: expected 'divide' or 'subtract', got '" + mode + "'");
        ShadingParams p;
        p.order = order;
        p.subtract = mode == "subtract";
        p.row_quantile = row_quantile;
        p.per_slice = per_slice;
        ShadingResult r;
        {
          py::gil_scoped_release release;
          r = emorph::correct_shading(s.view, p);
        }
        py::dict info;
        info["background"] = py::array_t<double>(static_cast<py::ssize_t>(r.background.size()), r.background.data());
        return py::make_tuple(to_numpy(std::move(r.stack)), info);
      },
      py::arg("stack"), py::arg("order") = ShadingParams{}.order, py::arg("mode") = "divide",
      py::arg("row_quantile") = ShadingParams{}.row_quantile, py::arg("per_slice") = ShadingParams{}.per_slice,
      (std::string(R"doc(Correct the shading along y of a FIB/SEM stack (first half of ``emorph fibsem-prep --flatten``).

Method: a polynomial in y of degree `order` fitted to a row statistic (a high quantile, or the mean),
divided out (multiplicative shading) or subtracted.

Parameters
----------
)doc") + kStackDoc + "\n" + params_doc(fibsem_prep_tables().shading) + R"doc(mode : str
    "divide" (normalised fit of mean 1) or "subtract" (fit of mean 0) (default "divide").

Returns
-------
corrected : numpy.ndarray of float32
info : dict
    ``background``: the fitted relative background per row (per slice when per_slice: row z * ny + y).)doc")
          .c_str());

  m.def(
      "normalise_intensity",
      [](const py::handle& stack, const std::string& method, int64_t reference) {
        const FloatStack s = float_stack(stack, "stack");
        IntensityNormaliseParams p;
        p.method = parse_intensity_method(method, "method");
        p.reference_slice = reference;
        IntensityNormaliseResult r;
        {
          py::gil_scoped_release release;
          r = emorph::normalise_intensity(s.view, p);
        }
        py::dict info;
        info["target_mean"] = r.target_mean;
        info["target_std"] = r.target_std;
        info["slice_mean_before"] = r.slice_mean;
        info["slice_std_before"] = r.slice_std;
        return py::make_tuple(to_numpy(std::move(r.stack)), info);
      },
      py::arg("stack"), py::arg("method") = "meanstd",
      py::arg("reference") = IntensityNormaliseParams{}.reference_slice,
      (std::string(R"doc(Normalise the contrast of the slices along z (second half of ``emorph fibsem-prep --flatten``).

Parameters
----------
)doc") + kStackDoc + "\n" + params_doc(fibsem_prep_tables().intensity) + R"doc(method : str
    "meanstd" (the default here; the CLI's is modes): each slice's mean and standard deviation matched
    to the target; "histogram": each slice's histogram matched to the reference slice's; "modes": the
    phases' grey levels.

Returns
-------
normalised : numpy.ndarray of float32
info : dict
    ``target_mean``, ``target_std``, ``slice_mean_before``, ``slice_std_before`` (grey units).)doc")
          .c_str());

  m.def(
      "destripe",
      [](const py::handle& stack, std::optional<std::string> method, double angle, std::optional<double> alpha,
         std::optional<double> stripe_length, std::optional<double> stripe_width, std::optional<int> iterations,
         std::optional<int> levels, std::optional<double> sigma, std::optional<int> wavelet,
         std::optional<std::vector<int>> offset_lags, std::optional<double> mode_window) {
        const FloatStack s = float_stack(stack, "stack");
        DestripeParams p;  // unset keywords keep the library's defaults, as the CLI's options do
        if (method) p.method = parse_destripe_method(*method, "method");
        p.angle_deg = angle;
        if (alpha) p.alpha = *alpha;
        if (stripe_length) p.stripe_length_px = *stripe_length;
        if (stripe_width) p.stripe_width_px = *stripe_width;
        if (iterations) p.iterations = *iterations;
        if (levels) p.levels = *levels;
        if (sigma) p.sigma = *sigma;
        if (wavelet) p.wavelet_order = *wavelet;
        if (offset_lags) p.offset_lags = *offset_lags;
        if (mode_window) p.mode_window = *mode_window;
        Volume<float> out;
        double before = 0, after = 0;
        {
          py::gil_scoped_release release;
          before = stripe_band_power(s.view, angle);
          out = emorph::destripe(s.view, p);
          after = stripe_band_power(out.view(), angle);
        }
        py::dict info;
        info["stripe_band_power_before"] = before;
        info["stripe_band_power_after"] = after;
        info["stripe_band_power_removed_percent"] = before > 0 ? 100 * (1 - after / before) : 0.0;
        return py::make_tuple(to_numpy(std::move(out)), info);
      },
      py::arg("stack"), py::arg("method") = py::none(), py::arg("angle") = DestripeParams{}.angle_deg,
      py::arg("alpha") = py::none(),
      py::arg("stripe_length") = py::none(), py::arg("stripe_width") = py::none(), py::arg("iterations") = py::none(),
      py::arg("levels") = py::none(), py::arg("sigma") = py::none(), py::arg("wavelet") = py::none(),
      py::arg("offset_lags") = py::none(), py::arg("mode_window") = py::none(),
      (std::string(R"doc(Remove curtaining stripes from a FIB/SEM stack (``emorph fibsem-prep --destripe``).

Methods (``emorph fibsem-prep --destripe-method``; see docs/benchmarks.md, FIB/SEM, for their
measured stripe removal): "column-offsets" (the default: one offset per column, from the mode of
column differences at several lags, fitted by weighted least squares; 92-98% of the stripe energy
removed on synthetic stacks), "variational" (a stationary-noise model after Fehrenbach et al. 2012,
VSNR) and "wavelet-fft" (the wavelet-Fourier filter of Muench et al. 2009).

Parameters
----------
)doc") + kStackDoc + "\n" + params_doc(fibsem_prep_tables().destripe) + R"doc(method : str, optional
    Default: the CLI's default method; or a name ``--destripe-method`` accepts.
offset_lags : list of int, optional
    Column offsets: the column lags fitted (default [1, 2, 4, 8]).

None for a numeric keyword other than angle keeps its default, as the CLI's unset options do.

Returns
-------
destriped : numpy.ndarray of float32
info : dict
    ``stripe_band_power_before``, ``stripe_band_power_after`` (spectral power in the stripes' band),
    ``stripe_band_power_removed_percent``.)doc")
          .c_str());
}

}  // namespace emorph::python
