// Transport: percolation classes (connectivity) and tortuosity / effective diffusivity.
#include <pybind11/stl.h>

#include "args.hpp"
#include "bindings.hpp"
#include "emorph/measure/granulometry.hpp"
#include "emorph/measure/components.hpp"
#include "emorph/measure/fractions.hpp"
#include "emorph/measure/phase_selection.hpp"
#include "emorph/measure/report_param_tables.hpp"
#include "emorph/results/measure_results.hpp"
#include "emorph/results/transport_results.hpp"
#include "emorph/transport/connectivity.hpp"
#include "emorph/transport/connectivity_options.hpp"
#include "emorph/transport/tortuosity.hpp"
#include "emorph/transport/tortuosity_options.hpp"
#include "json_python.hpp"
#include "numpy_volume.hpp"
#include "param_keywords.hpp"

namespace emorph::python {

void bind_transport(py::module_& m) {
  static const std::string tortuosity_doc = R"doc(Tortuosity factor and effective diffusivity of a phase along an axis (as ``emorph tortuosity``).

Method: steady-state diffusion on the voxel grid (finite volumes, harmonic face conductances), c = 1
and 0 on the two faces normal to `axis`, solved by conjugate gradients with an aggregation multigrid
preconditioner; D_eff/D0 = J L / (A D0) and tau = eps / (D_eff/D0) (TauFactor's definitions).

Parameters
----------
labels : numpy.ndarray of uint8
)doc" + params_doc(tortuosity_param_table()) + R"doc(spacing : float or (dz, dy, dx), optional
    Voxel size in um (tau and D_eff/D0 depend only on its ratios).
phases : dict or str, optional
    Phase table {name: label} or "pore=0,NMC=1,...".
conductivity : dict or str, optional
    Relative diffusivities {name: D/D0} of several conducting phases (default: only `phase`, with 1).

Returns
-------
dict
    ``tau`` (inf when nothing percolates, with a UserWarning; null in the CLI JSON), ``deff_over_d0``, ``volume_fraction``,
    ``percolating_fraction``, ``percolating``, ``macmullin_number``, ``weighted_volume_fraction``,
    ``flux_mismatch``, ``relative_residual``, ``iterations``, ``converged``, ``unknowns``,
    ``multigrid_levels``, ``seconds``, ``phase``, ``axis``, ``conductivity``.)doc";
  m.def(
      "tortuosity",
      [](const py::handle& labels, const py::args& args, const py::object& spacing, const py::object& phases,
         const py::object& conductivity, const py::kwargs& kwargs) {
        const auto view = u8_arg(labels, "labels", spacing_arg(spacing));
        TortuosityOptions options;
        set_params(options, tortuosity_param_table(), args, kwargs, "tortuosity", 1, 2);  // phase, axis; spacing was 4th
        options.conductivity = name_values_arg(conductivity, "conductivity");
        const PhaseTable table = phase_table_arg(phases, py::none());
        const auto setup = with_keyword_spelling([&] { return tortuosity_setup(options, table); });
        TortuosityResult r;
        {
          py::gil_scoped_release release;
          r = emorph::tortuosity(view, setup.params);
        }
        const std::string warning = tortuosity_warning(r, "labels", options.phase, options.axis);
        if (!warning.empty()) warn_all({warning});
        const Json results = tortuosity_results(r, options, setup);
        py::dict out = to_python(results);
        if (options.keep_fields) {
          out["concentration"] = to_numpy(std::move(r.concentration));
          out["flux_magnitude"] = to_numpy(std::move(r.flux_magnitude));
        }
        return out;
      },
      py::arg("labels"), py::arg("spacing") = py::none(), py::arg("phases") = py::none(),
      py::arg("conductivity") = py::none(), tortuosity_doc.c_str());

  static const std::string connectivity_doc = R"doc(Percolation of each phase along an axis (as ``emorph connectivity``).

Each connected component of a phase (6 or 26 connectivity) is percolating (touches both faces normal to
`axis`), dead-end (one face) or isolated (none).

Parameters
----------
labels : numpy.ndarray of uint8
    C-contiguous (z, y, x) label volume.
phases : dict or str, optional
    Phase table {name: label} or "pore=0,NMC=1,...".
)doc" + params_doc(connectivity_param_table()) + R"doc(
Returns
-------
dict
    ``phases[name]``: ``volume_fraction``, ``percolating_fraction``, ``dead_end_fraction``,
    ``isolated_fraction`` (fractions of the phase), voxel counts, ``components``,
    ``percolating_components``; ``axis``, ``connectivity``; with return_classes (one `phase`) also
    ``classes``: uint8 array, 0 not phase, 1 percolating, 2 dead-end, 3 isolated.)doc";
  m.def(
      "connectivity",
      [](const py::handle& labels, const py::args& args, const py::object& phases, const py::kwargs& kwargs) {
        const auto view = u8_arg(labels, "labels", Spacing{});
        ConnectivityOptions options;
        // axis, connectivity; phases was 4th (now phase)
        set_params(options, connectivity_param_table(), args, kwargs, "connectivity", 1, 2);
        const PhaseTable table = phase_table_arg(phases, py::none());
        const int axis = options.axis, connectivity = options.connectivity;
        const std::vector<std::string>& only = options.only;
        const bool return_classes = options.return_classes;
        axis_arg(axis);
        if (return_classes && only.size() != 1) throw py::value_error("return_classes needs exactly one phase=");
        py::dict out;
        py::dict phase_dicts;
        std::vector<int64_t> voxels(256, 0);
        {
          py::gil_scoped_release release;
          const PhaseFractions f = phase_fractions(view);
          std::copy(f.voxels.begin(), f.voxels.end(), voxels.begin());
        }
        for (const auto& ph : select_phases(table, voxels, only, "phase")) {
          ConnectivityParams p;
          p.axis = axis;
          p.connectivity = connectivity;
          p.phase_labels = {ph.label};
          ConnectivityResult r;
          {
            py::gil_scoped_release release;
            r = emorph::connectivity(view, p);
          }
          const Json j = connectivity_phase_json(r, ph.label, view.size());
          phase_dicts[py::str(ph.name)] = to_python(j);
          if (return_classes) out["classes"] = to_numpy(std::move(r.classes));
        }
        out["axis"] = axis;
        out["connectivity"] = connectivity;
        out["phases"] = phase_dicts;
        return out;
      },
      py::arg("labels"), py::arg("phases") = py::none(), connectivity_doc.c_str());

  static const std::string granulometry_doc = R"doc(Size distribution of a phase by openings with growing discrete balls (as ``emorph granulometry``).

Method: Matheron 1975 / Serra 1982 granulometry, openings computed exactly from distance transforms
(Coeurjolly & Montanvert 2007); the ball of radius r is the set of voxel offsets with
(oz dz)^2 + (oy dy)^2 + (ox dx)^2 <= r^2, so values equal brute-force openings with skimage ``ball(r)``.

Parameters
----------
)doc" + std::string(kPhaseMaskParamsDoc) + params_doc(granulometry_param_table()) + R"doc(
Returns
-------
dict
    ``radius_um``, ``diameter_um``, ``opening_voxels``, ``volume_fraction_removed``,
    ``cumulative_fraction``, ``d50_um``, ``phase_voxels``, ``phase``.)doc";
  m.def(
      "granulometry",
      [](const py::handle& labels, const py::object& phase_arg, const py::object& spacing, const py::object& phases,
         const py::args& args, const py::kwargs& kwargs) {
        const auto view = u8_arg(labels, "labels", spacing_arg(spacing));
        // No phase: `labels` is a mask (boolean or 0/1), like particles.
        const std::string phase = phase_arg.is_none() ? "" : phase_arg.cast<std::string>();
        const uint8_t label = phase.empty() ? 0 : phase_table_arg(phases, py::none()).at(phase, "phase").label;
        GranulometryParams p;
        set_params(p, granulometry_param_table(), args, kwargs, "granulometry", 4);
        GranulometryResult g;
        {
          py::gil_scoped_release release;
          if (phase.empty()) {
            g = emorph::granulometry(view, p);
          } else {
            const Volume<uint8_t> mask = label_mask(view, label);
            g = emorph::granulometry(mask.view(), p);
          }
        }
        const Json results = granulometry_results(g, phase.empty() ? Json(nullptr) : Json(phase));
        py::dict out = to_python(results);
        if (p.local_thickness) out["local_thickness_um"] = to_numpy(std::move(g.local_thickness_um));
        return out;
      },
      py::arg("labels"), py::arg("phase") = py::none(), py::arg("spacing") = py::none(), py::arg("phases") = py::none(),
      granulometry_doc.c_str());
}

}  // namespace emorph::python
