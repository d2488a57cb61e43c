// The whole analysis of one sample (`emorph analyze`): a grey or label volume, or the built-in
// synthetic sample, to a results folder; returns the `results` object of its results.json.
#include <pybind11/stl.h>

#include <optional>

#include "args.hpp"
#include "bindings.hpp"
#include "emorph/error.hpp"
#include "emorph/parse.hpp"
#include "emorph/report/analyze.hpp"
#include "json_python.hpp"
#include "numpy_volume.hpp"

namespace emorph::python {

namespace {

std::string path_arg(const py::object& obj, const char* keyword) {
  try {
    return py::str(py::module_::import("os").attr("fspath")(obj)).cast<std::string>();
  } catch (const py::error_already_set&) {
    throw py::type_error(std::string(keyword) + " must be a path (str or os.PathLike)");
  }
}

}  // namespace

void bind_report(py::module_& m) {
  m.def(
      "analyze",
      [](const py::object& input, const py::object& out_dir, bool demo, const py::object& config,
         const py::object& spacing, std::optional<std::string> preset, std::optional<int> size,
         std::optional<int64_t> seed, std::optional<int> axis, std::optional<std::string> method,
         const py::object& classes, const py::object& phases, const py::object& density,
         const py::object& lfp_calibration, std::optional<double> lfp_mean, std::optional<double> pore_grey,
         const py::object& composition, std::optional<double> porosity, const py::object& bet) {
        // The same resolution as the CLI: config file, then keywords (emorph::resolve_analysis_config).
        AnalysisOverrides o;
        if (!config.is_none()) o.config = path_arg(config, "config");
        // A numpy array is analysed in memory; it names itself "numpy array" in the results.
        const bool array = py::isinstance<py::array>(input);
        std::optional<AnyVolume> volume;
        if (array) {
          if (spacing.is_none())
            throw py::value_error("analyze: a numpy array needs spacing= (its voxel size in um; emorph never assumes 1 um)");
          volume = visit_array(input, "input", spacing_arg(spacing), [](auto view) { return AnyVolume(to_volume(view)); });
          o.input = "numpy array";
        } else if (!input.is_none()) {
          o.input = path_arg(input, "input");
        }
        o.demo = demo;
        if (!spacing.is_none()) o.voxel = spacing_arg(spacing);
        if (!out_dir.is_none()) o.out_dir = path_arg(out_dir, "out_dir");
        if (preset) o.demo_preset = *preset;
        if (size) o.demo_size = *size;
        if (seed) {
          if (*seed < 0) throw py::value_error("seed must be >= 0");
          o.demo_seed = static_cast<uint64_t>(*seed);
        }
        if (axis) o.axis = axis_arg(*axis);
        if (method) o.method = *method;
        if (!classes.is_none()) o.classes = names_arg(classes, "classes");
        if (!phases.is_none()) o.phases = spec_arg(phases, "phases");
        if (!density.is_none()) o.density = spec_arg(density, "density");
        if (!lfp_calibration.is_none()) o.lfp.calibration = path_arg(lfp_calibration, "lfp_calibration");
        o.lfp.mean = lfp_mean;
        o.lfp.pore_grey = pore_grey;
        if (!composition.is_none()) o.lfp.composition = spec_arg(composition, "composition");
        o.lfp.porosity_percent = porosity;
        if (!bet.is_none()) o.lfp.bet = spec_arg(bet, "bet");
        const AnalysisConfig c = resolve_analysis_config(o);

        AnalysisOutcome outcome;
        {
          py::gil_scoped_release release;
          outcome = volume ? run_analysis(c, analysis_config_json(c), std::move(*volume))
                           : run_analysis(c, analysis_config_json(c));
        }
        warn_all(outcome.warnings);
        throw_if_steps_failed(outcome);
        return to_python(outcome.results);
      },
      py::arg("input") = py::none(), py::arg("out_dir") = py::none(), py::arg("demo") = false,
      py::arg("config") = py::none(), py::arg("spacing") = py::none(), py::arg("preset") = py::none(),
      py::arg("size") = py::none(), py::arg("seed") = py::none(), py::arg("axis") = py::none(),
      py::arg("method") = py::none(), py::arg("classes") = py::none(), py::arg("phases") = py::none(),
      py::arg("density") = py::none(), py::arg("lfp_calibration") = py::none(), py::arg("lfp_mean") = py::none(),
      py::arg("pore_grey") = py::none(), py::arg("composition") = py::none(), py::arg("porosity") = py::none(),
      py::arg("bet") = py::none(),
      R"doc(Full characterisation of one sample into a results folder (as ``emorph analyze``).

Reads the volume (grey: denoised and segmented; labels: used as they are), then measures fractions,
thickness profiles, surfaces, granulometry, particles and tortuosity as configured, and writes
``results.json``, CSV tables, PNG slices, ``labels.tif`` and a self-contained ``report.html``.

Parameters
----------
input : str, os.PathLike or numpy.ndarray, optional
    Grey or label volume (any format ``emorph.read`` reads), or a C-contiguous (z, y, x) array (uint8 labels
    or a grey volume of the dtypes ``emorph.read`` returns) with its voxel size in ``spacing``. Omit with
    ``demo=True`` or a config that names it.
out_dir : str or os.PathLike, optional
    Results folder (default "emorph-results").
demo : bool
    Analyse the built-in synthetic sample (`preset`, `size`, `seed`, `spacing`).
config : str or os.PathLike, optional
    TOML configuration (``emorph init-config`` writes a commented example); keywords override it.
spacing : float or (dz, dy, dx), optional
    Voxel size in um (default: from the file; 0.32 for the demo, whose voxels are cubic: dz is used).
preset, size, seed : str, int, int, optional
    Synthetic sample (A..K, default F), its edge in voxels (128) and random seed (7) for the demo.
axis : int, optional
    Thickness axis (current collector at index 0).
method : str, optional
    Threshold method for grey inputs: mixture:otsu-volume (default, as ``emorph segment``), mixture:otsu, mixture, otsu, minimum, intermodes,
    multiotsu:N, manual:T1,T2, fibsem.
classes : list of str, optional
    Phase of each grey class, darkest first, e.g. ["pore", "LFP", "NMC"].
phases, density : dict or str, optional
    Phase table {name: label} and densities {name: g/cm3}.
lfp_calibration, lfp_mean, pore_grey : str, float, float, optional
    The LFP profile from the matrix grey (XCT): a calibration JSON (``emorph calibrate --lfp-fraction``),
    or the electrode's known LFP volume fraction with the grey of zero LFP (default: air above the
    electrode); results in ``profiles.phases.LFP`` with "source": "grey_calibration".
composition, porosity, bet : dict or str, float, dict or str, optional
    Composition in wt% with the porosity (the known LFP fraction through the composition calculator, and
    measured against composition vol% in ``composition_check``), and the powders' BET areas (m2/g).

Returns
-------
dict
    The ``results`` object of ``<out_dir>/results.json`` (per-step figures with units in the key
    names). A failed step raises ``emorph.InputError``; nothing but ``<out_dir>/analyze.log`` is written
    then, and an earlier results folder at ``out_dir`` keeps its results. Labels outside the phase
    table are measured as ``label_<n>`` with a warning.)doc");
}

}  // namespace emorph::python
