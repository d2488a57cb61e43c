// Particle and pore sizes: particle separation + per-particle table + size distributions (as
// `emorph particles`), the local-thickness map (as `emorph localthickness`), size distributions of
// given diameters. The particles results object is the CLI's (emorph::particle_analysis_results)
// (python/tests/test_sizes.py checks the parity with the CLI's JSON and CSV).
#include <pybind11/stl.h>

#include <optional>

#include "args.hpp"
#include "bindings.hpp"
#include "emorph/measure/components.hpp"
#include "emorph/measure/granulometry.hpp"
#include "emorph/results/measure_results.hpp"
#include "emorph/measure/size_distribution.hpp"
#include "emorph/report/analysis_config.hpp"
#include "emorph/results/particle_results.hpp"
#include "json_python.hpp"
#include "numpy_volume.hpp"
#include "param_keywords.hpp"
#include "emorph/segment/particle_options.hpp"

namespace emorph::python {

namespace {

Json distribution_json(const SizeDistribution& d) {
  Json j = {{"count", d.count}};
  j.update(size_quantiles_json(d));
  j.update(size_curves_json(d));
  return j;
}

template <class T, class F>
py::array_t<T> column(const std::vector<ParticleRecord>& records, F&& field) {
  py::array_t<T> out(static_cast<py::ssize_t>(records.size()));
  auto* p = out.mutable_data();
  for (std::size_t i = 0; i < records.size(); ++i) p[i] = static_cast<T>(field(records[i]));
  return out;
}

// The per-particle table: one numpy column per CSV column of `emorph particles --csv` (but `phase`).
py::dict particle_table(const std::vector<ParticleRecord>& r) {
  py::dict t;
  t["label"] = column<uint32_t>(r, [](const auto& p) { return p.label; });
  t["volume_um3"] = column<double>(r, [](const auto& p) { return p.volume_um3; });
  t["equivalent_diameter_um"] = column<double>(r, [](const auto& p) { return p.equivalent_diameter_um; });
  t["surface_area_um2"] = column<double>(r, [](const auto& p) { return p.surface_area_um2; });
  t["sphericity"] = column<double>(r, [](const auto& p) { return p.sphericity; });
  t["centroid_z_um"] = column<double>(r, [](const auto& p) { return p.centroid_um[0]; });
  t["centroid_y_um"] = column<double>(r, [](const auto& p) { return p.centroid_um[1]; });
  t["centroid_x_um"] = column<double>(r, [](const auto& p) { return p.centroid_um[2]; });
  t["touches_border"] = column<bool>(r, [](const auto& p) { return p.touches_border; });
  t["voxels"] = column<int64_t>(r, [](const auto& p) { return p.voxels; });
  const char* bbox[] = {"bbox_z0", "bbox_z1", "bbox_y0", "bbox_y1", "bbox_x0", "bbox_x1"};
  for (std::size_t k = 0; k < 6; ++k) t[bbox[k]] = column<int64_t>(r, [k](const auto& p) { return p.bbox[k]; });
  return t;
}

// The phase's mask: a label volume with `phase` named, or the array itself as a mask (phase None).
struct PhaseMask {
  Volume<uint8_t> owned;  // the extracted phase when a phase is named
  VolumeView<const uint8_t> view;
};

PhaseMask phase_mask(const py::handle& labels, const py::object& phase, const py::object& phases,
                     const py::object& spacing) {
  PhaseMask m;
  m.view = u8_arg(labels, "labels", spacing_arg(spacing));
  if (phase.is_none()) return m;
  const PhaseTable table = phase_table_arg(phases, py::none());
  const uint8_t label = table.at(phase.cast<std::string>(), "phase").label;
  {
    py::gil_scoped_release release;
    m.owned = label_mask(m.view, label);
  }
  m.view = m.owned.view();
  return m;
}

}  // namespace

void bind_sizes(py::module_& m) {
  static const std::string particles_doc = R"doc(Separate, measure and size the particles of a phase (as ``emorph particles``).

Method: touching particles are split by a watershed of the distance map seeded by its h-maxima
(Beucher & Lantuejoul 1979; Soille 2003), each particle is measured (volume, equivalent sphere
diameter (6 V / pi)^(1/3), Crofton surface area, Wadell sphericity, centroid, bounding box), and the
equivalent diameters give volume- and number-weighted size distributions (ISO 9276-2).

Parameters
----------
)doc" + std::string(kPhaseMaskParamsDoc) + params_doc(particles_param_table()) + R"doc(
``min_volume=None`` leaves out 27 voxels (3x3x3) and smaller, as ``emorph.analyze`` ([measure]
min_particle_voxels); ``excluded_small`` counts them.

Returns
-------
dict
    The ``results`` of ``emorph particles --json``: ``count``, ``d10_um``, ``d50_um``, ``d90_um``
    (volume-weighted equivalent diameters), ``number_d10_um`` .. ``number_d90_um``, ``mean_diameter_um``,
    ``total_volume_um3``, ``excluded_border``, ``excluded_small``, ``distribution`` (sorted diameters, cumulative curves,
    histogram) and ``size_classes``; plus ``table``: a dict of numpy columns, one row per particle
    (``label``, ``volume_um3``, ``equivalent_diameter_um``, ``surface_area_um2``, ``sphericity``,
    ``centroid_z_um``/``_y_um``/``_x_um``, ``touches_border``, ``voxels``, ``bbox_z0`` .. ``bbox_x1``
    in voxels, half-open), e.g. ``pandas.DataFrame(r["table"])``.)doc";
  m.def(
      "particles",
      [](const py::handle& labels, const py::object& phase, const py::object& spacing, const py::object& phases,
         const py::args& args, const py::kwargs& kwargs) {
        const PhaseMask mask = phase_mask(labels, phase, phases, spacing);
        ParticlesOptions options;
        set_params(options, particles_param_table(), args, kwargs, "particles", 4, 4);  // min_volume was after quantile
        // Default: analyze's rule ([measure] min_particle_voxels, 3x3x3 voxels), so both give the same particles.
        static const AnalysisConfig analyze_defaults;
        if (!options.min_volume_um3)
          options.min_volume_um3 =
              static_cast<double>(analyze_defaults.min_particle_voxels) * mask.view.spacing().voxel_volume_um3();
        const ParticleAnalysisParams p = with_keyword_spelling([&] { return particle_analysis_params(options); });
        ParticleAnalysis a;
        {
          py::gil_scoped_release release;
          a = analyse_particles(mask.view, p);
        }
        const Json results = particle_analysis_results(a, phase.is_none() ? Json(nullptr) : Json(phase.cast<std::string>()),
                                                       options.quantile);
        py::dict out = to_python(results);
        out["table"] = particle_table(a.particles);
        if (options.return_labels) out["labels"] = to_numpy(std::move(a.labels));
        return out;
      },
      py::arg("labels"), py::arg("phase") = py::none(), py::arg("spacing") = py::none(), py::arg("phases") = py::none(),
      particles_doc.c_str());

  static const std::string local_thickness_doc =
      R"doc(Local-thickness map of a phase, in um (as ``emorph localthickness``).

Per voxel of the phase, the diameter 2 r of the largest ball that fits in the phase and covers the
voxel (Hildebrand & Rueegsegger 1997), with the discrete balls of the granulometry: the voxel
offsets o with (oz dz)^2 + (oy dy)^2 + (ox dx)^2 <= r^2, r a multiple of the smallest voxel size.
Computed exactly from distance transforms (Coeurjolly & Montanvert 2007), so the values equal
brute-force openings with scikit-image ``ball(r)``.

Parameters
----------
)doc" + std::string(kPhaseMaskParamsDoc) + R"doc(max_radius : float, optional
    Largest ball radius in um (default: until the phase is empty).

Returns
-------
numpy.ndarray of float32, same shape
    Local thickness in um on the phase, 0 elsewhere.)doc";
  m.def(
      "local_thickness",
      [](const py::handle& labels, const py::object& phase, const py::object& spacing, const py::object& phases,
         std::optional<double> max_radius) {
        const PhaseMask mask = phase_mask(labels, phase, phases, spacing);
        GranulometryParams p;
        p.max_radius_um = max_radius;
        p.local_thickness = true;
        GranulometryResult g;
        {
          py::gil_scoped_release release;
          g = granulometry(mask.view, p);
        }
        return to_numpy(std::move(g.local_thickness_um));
      },
      py::arg("labels"), py::arg("phase") = py::none(), py::arg("spacing") = py::none(), py::arg("phases") = py::none(),
      py::arg("max_radius") = py::none(),
      local_thickness_doc.c_str());

  m.def(
      "size_distribution",
      [](const std::vector<double>& diameters, const std::vector<double>& volumes, int bins, bool log_bins) {
        SizeDistributionParams p;
        p.bins = bins;
        p.log_bins = log_bins;
        return to_python(distribution_json(size_distribution(diameters, volumes, p)));
      },
      py::arg("diameters"), py::arg("volumes"), py::arg("bins") = 30, py::arg("log_bins") = true,
      R"doc(Size distribution of particles by number and by volume (ISO 9276-2 conventions).

Parameters
----------
diameters : sequence of float
    Particle diameters in um (e.g. ``particles(...)["table"]["equivalent_diameter_um"]``).
volumes : sequence of float
    Their volumes in um3 (> 0): the weights of the volume distribution.
bins : int
    Histogram bins between the smallest and the largest diameter.
log_bins : bool
    Logarithmic bins (default) or linear.

Returns
-------
dict
    ``count``; ``d10_um``, ``d50_um``, ``d90_um`` (volume-weighted quantiles, midpoint rule),
    ``number_d10_um`` .. ``number_d90_um``, ``mean_diameter_um``; ``diameter_um`` (sorted),
    ``cumulative_number``, ``cumulative_volume``; ``bin_edges_um`` (bins + 1), ``number_fraction``,
    ``volume_fraction``.)doc");
}

}  // namespace emorph::python
