// Synthetic electrodes with exact ground truth (the paper's samples A..K) and imaging simulators.
#include <pybind11/stl.h>

#include <cmath>
#include <optional>

#include "bindings.hpp"
#include "emorph/synth/electrode.hpp"
#include "emorph/synth/imaging_params.hpp"
#include "json_python.hpp"
#include "numpy_volume.hpp"
#include "param_keywords.hpp"

namespace emorph::python {

namespace {

void set_if(double& target, const std::optional<double>& value) {
  if (value) target = *value;
}

// name(labels, spacing=None, *args, **kwargs) -> (image, truth): an imaging simulator whose keywords,
// defaults and their docs come from its parameter table. `summary` opens the docstring, `returns` ends it.
template <class Params, class Result>
void def_simulator(py::module_& m, const char* name, const ParamTable<Params>& table,
                   Result (*simulate)(VolumeView<const uint8_t>, const Params&), const std::string& summary,
                   const std::string& returns) {
  const std::string doc = summary + R"doc(
Parameters
----------
labels : numpy.ndarray of uint8
    Label volume (default phase table).
spacing : float or (dz, dy, dx), optional
    Voxel size in um (default 1).
)doc" + params_doc(table) + "\nReturns\n-------\n" + returns;
  m.def(
      name,
      [name, &table, simulate](const py::handle& labels, const py::object& spacing, const py::args& args,
                               const py::kwargs& kwargs) {
        const auto view = u8_arg(labels, "labels", spacing_arg(spacing));
        Params p;
        set_params(p, table, args, kwargs, name);
        Result r;
        {
          py::gil_scoped_release release;
          r = simulate(view, p);
        }
        py::object truth = to_python(r.truth);
        return py::make_tuple(to_numpy(std::move(r.image)), truth);
      },
      py::arg("labels"), py::arg("spacing") = py::none(), doc.c_str());
}

}  // namespace

void bind_synth(py::module_& m) {
  m.def("synth_presets", &synth::preset_names, "Names of the synthetic sample presets (the paper's samples A..K).");

  m.def(
      "synth",
      [](const std::string& preset_name, int size, const std::optional<std::tuple<int64_t, int64_t, int64_t>>& shape,
         double voxel_um, uint64_t seed, std::optional<double> nmc, std::optional<double> lfp,
         std::optional<double> cbd, std::optional<double> gradient, std::optional<double> size_gradient,
         std::optional<double> depleted, std::optional<double> dense_surface, std::optional<double> cracked,
         std::optional<double> cavities, std::optional<double> collector, std::optional<double> domain) {
        synth::SynthParams p = synth::preset(preset_name, size, voxel_um, seed);
        if (shape) p.shape = {std::get<0>(*shape), std::get<1>(*shape), std::get<2>(*shape)};
        set_if(p.nmc_fraction, nmc);
        set_if(p.lfp_fraction, lfp);
        set_if(p.cbd_fraction, cbd);
        set_if(p.nmc_slope_per_um, gradient);
        set_if(p.nmc_size_slope_per_um, size_gradient);
        set_if(p.depleted_layer_um, depleted);
        set_if(p.dense_surface_um, dense_surface);
        set_if(p.cracked_surface_um, cracked);
        set_if(p.cavity_fraction, cavities);
        set_if(p.collector_um, collector);
        set_if(p.domain_lateral_um, domain);
        synth::SynthResult r;
        {
          py::gil_scoped_release release;
          synth::validate(p);
          r = synth::generate_electrode(p);
        }
        py::object truth = to_python(r.truth);
        return py::make_tuple(to_numpy(std::move(r.labels)), truth);
      },
      py::arg("preset") = "F", py::arg("size") = 128, py::arg("shape") = py::none(), py::arg("voxel_um") = 0.32,
      py::arg("seed") = 1, py::kw_only(), py::arg("nmc") = py::none(), py::arg("lfp") = py::none(),
      py::arg("cbd") = py::none(), py::arg("gradient") = py::none(), py::arg("size_gradient") = py::none(),
      py::arg("depleted") = py::none(), py::arg("dense_surface") = py::none(), py::arg("cracked") = py::none(),
      py::arg("cavities") = py::none(), py::arg("collector") = py::none(), py::arg("domain") = py::none(),
      R"doc(Generate a synthetic Li-ion cathode with exact ground truth (as ``emorph synth``).

Method: NMC spheres with a log-normal size distribution packed by collective rearrangement
(Jodrey & Tory 1985; Bezrukov et al. 2002), LFP and CB+PVdF placed in the remaining space by exact rank
selection of correlated random fields; presets follow Etiemble et al. 2017, Table 1 (samples A..K).
Deterministic: the same parameters and seed give the same volume whatever the thread count.

Parameters
----------
preset : str
    Sample A..K (see :func:`synth_presets`).
size : int
    Cube side in voxels (ignored when `shape` is given).
shape : (nz, ny, nx), optional
    Box shape; z is the thickness axis (collector at z = 0).
voxel_um : float
    Isotropic voxel size in um.
seed : int
    Random seed.
nmc, lfp, cbd : float, optional
    Target volume fractions (0..1) of the electrode overriding the preset's.
gradient : float, optional
    NMC settling slope d(fraction)/dz in 1/um. size_gradient: relative change of NMC diameter per um.
depleted, dense_surface, cracked, collector, domain : float, optional
    Depleted layer above the collector, densified surface layer, cracked surface depth, collector
    thickness and lateral size of the virtual electrode, in um. cavities: volume fraction of large voids.

Returns
-------
labels : numpy.ndarray of uint8, (z, y, x)
    0 pore, 1 NMC, 2 LFP, 3 CBD, 4 collector. Spacing is (voxel_um,) * 3.
truth : dict
    The truth.json content: exact phase fractions (``phases[name].volume_fraction``), particles, profiles,
    size distributions and surface areas, and the parameters.)doc");

  def_simulator(m, "simulate_xct", synth::xct_param_table(), &synth::simulate_xct,
                R"doc(Simulate a synchrotron X-ray CT grey volume from a label volume (as ``emorph synth --xct``).

Per-phase attenuation (NMC brightest, CBD close to pores), partial volume and Gaussian point spread,
optional propagation phase contrast, Gaussian or photon-counting noise.
)doc",
                R"doc(image : numpy.ndarray of uint8 or uint16
truth : dict
    Parameters, grey of each phase before blur and noise, noise level in grey units.)doc");

  def_simulator(m, "simulate_fibsem", synth::fibsem_param_table(), &synth::simulate_fibsem,
                R"doc(Simulate a FIB/SEM BSE stack from a label volume (as ``emorph synth --fibsem``).

Each z slice becomes a BSE-like image of the section: shine-through in pores, vertical curtaining
stripes, x-y drift between slices, contrast decay along z, shading along y, probe blur and noise.
)doc",
                R"doc(image : numpy.ndarray of uint8
truth : dict
    Includes the drift per slice [dy, dx] in pixels and the curtain profile.)doc");
}

}  // namespace emorph::python
