// Measurements on masks and label volumes: distance transform, connected components, phase fractions,
// thickness profiles, surface areas.
#include <pybind11/stl.h>

#include "bindings.hpp"
#include <cmath>
#include <iostream>
#include <optional>

#include "args.hpp"
#include "emorph/measure/components.hpp"
#include "emorph/measure/composition.hpp"
#include "emorph/measure/depleted_layer.hpp"
#include "emorph/measure/edt.hpp"
#include "emorph/measure/electrode_region.hpp"
#include "emorph/measure/fractions.hpp"
#include "emorph/measure/phase_ratios.hpp"
#include "emorph/measure/phase_selection.hpp"
#include "emorph/measure/profile.hpp"
#include "emorph/measure/profile_stats.hpp"
#include "emorph/measure/specific_surface.hpp"
#include "emorph/measure/surface_area.hpp"
#include "json_python.hpp"
#include "numpy_volume.hpp"

namespace emorph::python {

// The results objects below are assembled as in apps/emorph/cmd_fractions.cpp, cmd_profile.cpp,
// cmd_surface.cpp and cmd_composition.cpp (same keys, same values); python/tests check the parity.
namespace {

Json number_or_null(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }
Json optional_json(const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); }

Json region_json(const ElectrodeRegion& r) {
  return {{"first_slice", r.first_slice}, {"last_slice", r.last_slice}, {"collector_slices", r.collector_slices},
          {"start_um", r.start_um},       {"end_um", r.end_um},         {"thickness_um", r.thickness_um}};
}

Json ratios_json(const std::vector<PhaseRatio>& ratios) {
  Json j = Json::object();
  for (const auto& r : ratios) j[r.name] = r.ratio;
  return j;
}

Json named_json(const NamedValues& v) {
  Json j = Json::object();
  for (const auto& [name, x] : v) j[name] = x;
  return j;
}

Json fractions_results(VolumeView<const uint8_t> labels, const PhaseTable& table, int axis,
                       const std::vector<std::string>& only, const std::string& ratios) {
  const auto counts = slice_label_counts(labels, {axis});
  const auto all = phase_fractions(counts, 0, counts.slices - 1);
  std::optional<ElectrodeRegion> region;
  try {
    region = electrode_region(counts, labels.spacing()[axis], electrode_region_params(table));
  } catch (const InputError&) {
    // no electrode region: the region keys are left out, as in the CLI (which warns)
  }
  std::optional<PhaseFractions> inside;
  if (region) inside = phase_fractions(counts, region->first_slice, region->last_slice);
  Json phases = Json::object();
  for (const auto& p : select_phases(table, all.voxels, only, "phase")) {
    Json j = {{"label", p.label}, {"voxels", all.count(p.label)}, {"volume_fraction", all.fraction(p.label)}};
    if (inside) {
      j["region_voxels"] = inside->count(p.label);
      j["region_volume_fraction"] = inside->fraction(p.label);
    }
    phases[p.name] = j;
  }
  Json results = {{"phases", phases},
                  {"total_voxels", all.total},
                  {"axis", axis},
                  {"ratios", ratios_json(phase_ratios(all, table, ratios, "ratios"))}};
  if (region) {
    results["electrode_region"] = region_json(*region);
    results["region_ratios"] = ratios_json(phase_ratios(*inside, table, ratios, "ratios"));
  }
  return results;
}

Json profile_results(VolumeView<const uint8_t> labels, const PhaseTable& table, int axis, int window_slices,
                     std::optional<std::pair<double, double>> bulk, double exclude_collector_um,
                     double exclude_surface_um, const std::vector<std::string>& only,
                     const std::string& depleted_phase_name, bool exclude_depleted) {
  const auto counts = slice_label_counts(labels, {axis});
  const double slice_um = labels.spacing()[axis];
  const auto profile = fraction_profile(counts, slice_um, {axis, window_slices});
  const auto raw = window_slices == 1 ? profile : fraction_profile(counts, slice_um, {axis, 1});
  std::optional<ElectrodeRegion> region;
  try {
    region = electrode_region(counts, slice_um, electrode_region_params(table));
  } catch (const InputError& e) {
    if (!bulk) throw InputError(std::string("no bulk window and ") + e.what());
  }
  std::optional<DepletedLayer> depleted;
  const Phase* depleted_phase = table.find(depleted_phase_name);
  require(depleted_phase || !exclude_depleted, "depleted_phase: unknown phase '" + depleted_phase_name + "'");
  if (region && depleted_phase && depleted_phase->label < counts.num_labels &&
      region->last_slice - region->first_slice >= 3)
    depleted = detect_depleted_layer(raw.fraction[depleted_phase->label], {region->first_slice, region->last_slice},
                                     slice_um);
  require(depleted || !exclude_depleted, "exclude_depleted: no depleted layer could be detected (no electrode region or no " +
                                             depleted_phase_name + ")");
  if (exclude_depleted) exclude_collector_um = depleted->thickness_um;
  const SliceRange window = bulk ? bulk_slices(profile.position_um, bulk->first, bulk->second, "bulk")
                                 : trimmed_region_slices(profile.position_um, region->start_um, region->end_um,
                                                         exclude_collector_um, exclude_surface_um);
  Json phases = Json::object();
  const auto totals = counts.totals();
  const std::vector<double> absent(profile.position_um.size(), 0.0);
  for (const auto& p : select_phases(table, totals, only, "phase")) {
    const auto& fraction = p.label < counts.num_labels ? profile.fraction[p.label] : absent;
    const auto& raw_f = p.label < counts.num_labels ? raw.fraction[p.label] : absent;
    const auto st = profile_stats(raw.position_um, raw_f, window);
    phases[p.name] = {{"label", p.label},
                      {"position_um", profile.position_um},
                      {"fraction", fraction},
                      {"mean_fraction", number_or_null(st.mean_fraction)},
                      {"rsd_percent", number_or_null(st.rsd_percent)},
                      {"slope_per_um", number_or_null(st.slope_per_um)},
                      {"slope_stderr_per_um", number_or_null(st.slope_stderr_per_um)},
                      {"slope_relative_percent_per_um", number_or_null(st.slope_relative_percent_per_um)}};
  }
  Json results = {{"axis", axis},
                  {"slice_um", slice_um},
                  {"window_slices", window_slices},
                  {"bulk", {{"first_slice", window.first},
                            {"last_slice", window.last},
                            {"slices", window.last - window.first + 1},
                            {"start_um", profile.position_um[static_cast<std::size_t>(window.first)]},
                            {"end_um", profile.position_um[static_cast<std::size_t>(window.last)]},
                            {"source", bulk ? "bulk" : "electrode_region"}}},
                  {"phases", phases}};
  if (region) results["electrode_region"] = region_json(*region);
  if (depleted)
    results["depleted_layer"] = {{"phase", depleted_phase_name},
                                 {"thickness_um", depleted->thickness_um},
                                 {"end_um", static_cast<double>(depleted->end_slice) * slice_um},
                                 {"bulk_fraction", depleted->bulk_fraction}};
  return results;
}

Json surface_results(VolumeView<const uint8_t> labels, const PhaseTable& table, bool densities_given,
                     bool count_boundary) {
  SurfaceAreaParams sp;
  sp.count_volume_boundary = count_boundary;
  const auto areas = surface_areas(labels, sp);
  SpecificSurfaceParams ssp;
  ssp.require_densities = densities_given;
  const auto spec = specific_surfaces(areas, labels.spacing(), table, ssp);
  Json phases = Json::object(), interfaces = Json::object();
  for (const auto& p : spec.phases) {
    phases[p.name] = {{"label", p.label},
                      {"voxels", p.voxels},
                      {"volume_um3", p.volume_um3},
                      {"surface_area_um2", p.surface_area_um2},
                      {"specific_surface_per_um", p.specific_surface_per_um},
                      {"specific_surface_phase_per_um", optional_json(p.specific_surface_phase_per_um)}};
    if (p.specific_surface_m2_per_g) phases[p.name]["specific_surface_m2_per_g"] = *p.specific_surface_m2_per_g;
  }
  for (const auto& i : spec.interfaces)
    interfaces[i.name] = {{"area_um2", i.area_um2}, {"specific_surface_per_um", i.specific_surface_per_um}};
  Json results = {{"method", "crofton-13 (Lehmann & Legland 2012)"},
                  {"count_volume_boundary", count_boundary},
                  {"total_volume_um3", spec.total_volume_um3},
                  {"phases", phases},
                  {"interfaces", interfaces}};
  if (spec.solid_density_g_cm3) results["solid_density_g_cm3"] = *spec.solid_density_g_cm3;
  if (spec.electrode_specific_surface_m2_per_g)
    results["electrode_specific_surface_m2_per_g"] = *spec.electrode_specific_surface_m2_per_g;
  return results;
}

Json composition_results(const CompositionParams& p) {
  const auto r = composition(p);
  Json results = {{"porosity_percent", r.porosity_percent},
                  {"porosity_from_loading", r.porosity_from_loading},
                  {"solid_density_g_cm3", r.solid_density_g_cm3},
                  {"vol_percent", named_json(r.vol_percent)},
                  {"solid_vol_percent", named_json(r.solid_vol_percent)},
                  {"no_bet", r.no_bet}};
  results["theoretical_ssa_m2_per_g"] = optional_json(r.theoretical_ssa_m2_per_g);
  if (!r.ssa_contribution_m2_per_g.empty()) results["ssa_contribution_m2_per_g"] = named_json(r.ssa_contribution_m2_per_g);
  if (!r.geometric_ssa_m2_per_g.empty()) {
    results["geometric_ssa_m2_per_g"] = named_json(r.geometric_ssa_m2_per_g);
    results["theoretical_ssa_geometric_m2_per_g"] = *r.theoretical_ssa_geometric_m2_per_g;
  }
  return results;
}

}  // namespace

void bind_measure(py::module_& m) {
  m.def(
      "distance_transform",
      [](const py::handle& mask, const py::object& spacing) {
        const auto view = u8_arg(mask, "mask", spacing_arg(spacing));
        Volume<float> out;
        {
          py::gil_scoped_release release;
          out = distance_transform(view);
        }
        return to_numpy(std::move(out));
      },
      py::arg("mask"), py::arg("spacing") = py::none(),
      R"doc(Exact Euclidean distance transform, in um.

Method: Felzenszwalb & Huttenlocher 2012 (lower envelope of parabolas), separable and linear in the
number of voxels, exact for anisotropic voxels. Same values as
``scipy.ndimage.distance_transform_edt(mask, sampling=spacing)`` (to float32 rounding).

Parameters
----------
mask : numpy.ndarray
    C-contiguous (z, y, x) array of dtype uint8 or bool; foreground is mask != 0. Read in place (no copy).
spacing : float or (dz, dy, dx), optional
    Voxel size in um (default 1: distances in voxels).

Returns
-------
numpy.ndarray of float32, same shape
    Distance in um from each foreground voxel to the centre of the nearest background voxel; 0 on
    background. Outside the volume is not background. With no background voxel at all: +inf.

The GIL is released while computing.)doc");

  m.def(
      "label",
      [](const py::handle& mask, int connectivity) {
        const auto view = u8_arg(mask, "mask", Spacing{});
        ComponentsParams params;
        params.connectivity = connectivity;
        ComponentsResult result;
        {
          py::gil_scoped_release release;
          result = label_components(view, params);
        }
        return py::make_tuple(to_numpy(std::move(result.labels)), result.count);
      },
      py::arg("mask"), py::arg("connectivity") = 26,
      R"doc(Connected components of a mask.

Method: two-pass union-find labelling (Wu, Otoo & Suzuki 2009), parallel over z-slabs; labels are
numbered 1..count in raster order (z, y, x) of each component's first voxel, so they equal
``scipy.ndimage.label``'s numbering for the same structuring element.

Parameters
----------
mask : numpy.ndarray
    C-contiguous (z, y, x) array of dtype uint8 or bool; foreground is mask != 0.
connectivity : int
    6 (faces; scipy's default structure), 18 (faces + edges) or 26 (faces, edges and corners;
    ``numpy.ones((3, 3, 3))``).

Returns
-------
labels : numpy.ndarray of uint32
    0 on background, 1..count on the components.
count : int)doc");

  m.def(
      "fractions",
      [](const py::handle& labels, const py::object& spacing, int axis, const py::object& phases,
         const py::object& phase, const std::string& ratios) {
        const auto view = u8_arg(labels, "labels", spacing_arg(spacing));
        const PhaseTable table = phase_table_arg(phases, py::none());
        const auto only = names_arg(phase, "phase");
        axis_arg(axis);
        Json results;
        {
          py::gil_scoped_release release;
          results = fractions_results(view, table, axis, only, ratios);
        }
        return to_python(results);
      },
      py::arg("labels"), py::arg("spacing") = py::none(), py::arg("axis") = 0, py::arg("phases") = py::none(),
      py::arg("phase") = py::none(), py::arg("ratios") = "",
      R"doc(Volume fractions of each phase, in the whole volume and in the electrode region.

Same figures as ``emorph fractions LABELS --json`` (its ``results`` object).

Parameters
----------
labels : numpy.ndarray
    C-contiguous (z, y, x) uint8 label volume (default table: 0 pore, 1 NMC, 2 LFP, 3 CBD, 4 collector).
spacing : float or (dz, dy, dx), optional
    Voxel size in um (default 1); only the electrode region's um positions depend on it.
axis : int
    Thickness axis (current collector at index 0), 0, 1 or 2.
phases : dict or str, optional
    Phase table {name: label} or "pore=0,NMC=1,...", as --phases.
phase : str or list of str, optional
    Report only these phases (each must be present in the volume).
ratios : str
    Fraction ratios "LFP/pore,LFP/CBD" (default: each solid over pore and over CBD).

Returns
-------
dict
    ``phases[name]`` with ``label``, ``voxels``, ``volume_fraction`` (0..1) and, when an electrode region
    is found along `axis`, ``region_voxels`` and ``region_volume_fraction``; ``total_voxels``, ``axis``,
    ``ratios``, and ``electrode_region`` (first_slice, last_slice, collector_slices, start_um, end_um,
    thickness_um) with ``region_ratios``.)doc");

  m.def(
      "profile",
      [](const py::handle& labels, const py::object& spacing, int axis, int window, const py::object& bulk,
         double exclude_collector, double exclude_surface, const py::object& phases, const py::object& phase,
         const std::string& depleted_phase, bool exclude_depleted) {
        const auto view = u8_arg(labels, "labels", spacing_arg(spacing));
        const PhaseTable table = phase_table_arg(phases, py::none());
        const auto only = names_arg(phase, "phase");
        axis_arg(axis);
        std::optional<std::pair<double, double>> window_um;
        if (!bulk.is_none()) {
          try {
            window_um = bulk.cast<std::pair<double, double>>();
          } catch (const py::cast_error&) {
            throw py::type_error("bulk must be (start_um, end_um)");
          }
          if (!(window_um->first <= window_um->second))
            throw py::value_error("bulk: start_um must not exceed end_um");
          if (exclude_collector != 0 || exclude_surface != 0 || exclude_depleted)
            throw py::value_error("bulk excludes exclude_collector, exclude_surface and exclude_depleted: give one or the other");
        }
        Json results;
        {
          py::gil_scoped_release release;
          results = profile_results(view, table, axis, window, window_um, exclude_collector, exclude_surface, only,
                                    depleted_phase, exclude_depleted);
        }
        return to_python(results);
      },
      py::arg("labels"), py::arg("spacing") = py::none(), py::arg("axis") = 0, py::arg("window") = 1,
      py::arg("bulk") = py::none(), py::arg("exclude_collector") = 0.0, py::arg("exclude_surface") = 0.0,
      py::arg("phases") = py::none(), py::arg("phase") = py::none(), py::arg("depleted_phase") = "NMC",
      py::arg("exclude_depleted") = false,
      R"doc(Phase fraction profiles along an axis, with bulk mean, RSD and least-squares slope.

Same figures as ``emorph profile LABELS --axis A --json`` (its ``results`` object). Method: per-slice
voxel counts; statistics over the bulk window on the per-slice fractions (Etiemble et al. 2017, Table 1:
RSD and slope of the thickness profiles).

Parameters
----------
labels : numpy.ndarray
    C-contiguous (z, y, x) uint8 label volume.
spacing : float or (dz, dy, dx), optional
    Voxel size in um (default 1); positions and slopes are in um.
axis : int
    Axis of the profile (thickness axis: collector at index 0).
window : int
    Odd number of slices of a moving average applied to the reported ``fraction`` (1: none). The
    statistics always use the per-slice fractions.
bulk : (start_um, end_um), optional
    Bulk window: slices whose centre lies in [start_um, end_um], positions starting at 0 at the first
    slice's lower face. Default: the detected electrode region trimmed by `exclude_collector` and
    `exclude_surface` (um). An empty window raises ValueError.
phases : dict or str, optional
    Phase table {name: label} or "pore=0,NMC=1,...".
phase : str or list of str, optional
    Report only these phases.
depleted_phase : str
    Phase whose depleted layer above the collector is detected (reported as ``depleted_layer``:
    phase, thickness_um, end_um, bulk_fraction).
exclude_depleted : bool
    Use the detected depleted layer as the collector-side exclusion of the bulk window.

Returns
-------
dict
    ``phases[name]``: ``position_um`` (slice centres), ``fraction`` (0..1 per slice), and over the bulk
    window ``mean_fraction``, ``rsd_percent``, ``slope_per_um`` (fraction per um), ``slope_stderr_per_um``,
    ``slope_relative_percent_per_um`` (100 * slope / mean); ``bulk`` (first_slice, last_slice, slices,
    start_um, end_um, source), ``axis``, ``slice_um``, ``window_slices``, ``electrode_region``.

Example
-------
>>> p = emorph.profile(labels, spacing=0.32, axis=0)
>>> plt.plot(p["phases"]["NMC"]["position_um"], p["phases"]["NMC"]["fraction"]))doc");

  m.def(
      "surface",
      [](const py::handle& labels, const py::object& spacing, const py::object& phases, const py::object& density,
         bool count_boundary) {
        const auto view = u8_arg(labels, "labels", spacing_arg(spacing));
        const PhaseTable table = phase_table_arg(phases, density);
        Json results;
        {
          py::gil_scoped_release release;
          results = surface_results(view, table, !density.is_none(), count_boundary);
        }
        return to_python(results);
      },
      py::arg("labels"), py::arg("spacing") = py::none(), py::arg("phases") = py::none(),
      py::arg("density") = py::none(), py::arg("count_boundary") = false,
      R"doc(Surface areas of every phase and interface, and specific surfaces.

Same figures as ``emorph surface LABELS --json``. Method: discrete Crofton formula over the 13 lattice
directions with Voronoi direction weights (Ohser & Muecklich 2000; Lehmann & Legland 2012), exact
weights for anisotropic voxels; no mesh. On smooth shapes it agrees with a marching-cubes mesh area
(skimage.measure.mesh_surface_area) within a few percent (see docs/python.md).

Parameters
----------
labels : numpy.ndarray
    C-contiguous (z, y, x) uint8 label volume.
spacing : float or (dz, dy, dx), optional
    Voxel size in um (default 1).
phases : dict or str, optional
    Phase table {name: label} or "pore=0,NMC=1,...".
density : dict or str, optional
    Densities in g/cm3 {name: rho}; when given every solid phase present needs one (mass-based figures).
    Default: the table's densities where known.
count_boundary : bool
    Count the volume's outer faces as surface (default: only surfaces inside the volume).

Returns
-------
dict
    ``phases[name]``: ``label``, ``voxels``, ``volume_um3``, ``surface_area_um2``,
    ``specific_surface_per_um`` (area / total volume), ``specific_surface_phase_per_um`` (area / phase
    volume), ``specific_surface_m2_per_g`` (density known); ``interfaces["a|b"]``: ``area_um2``,
    ``specific_surface_per_um``; ``total_volume_um3``, ``method``, ``count_volume_boundary``,
    ``solid_density_g_cm3`` and ``electrode_specific_surface_m2_per_g`` where densities are known.)doc");

  m.def(
      "composition",
      [](const py::object& wt, const py::object& density, const py::object& porosity, const py::object& loading,
         const py::object& thickness, const py::object& bet, const py::object& diameter) {
        CompositionParams p;
        p.wt_percent = name_values_arg(wt, "wt");
        const auto table = PhaseTable::default_table();
        for (const auto& [name, w] : p.wt_percent)
          if (const auto* phase = table.find(name); phase && phase->density_g_cm3)
            p.density_g_cm3.emplace_back(name, *phase->density_g_cm3);
        for (const auto& [name, rho] : name_values_arg(density, "density")) {
          bool replaced = false;
          for (auto& [n, v] : p.density_g_cm3)
            if (n == name) v = rho, replaced = true;
          if (!replaced) p.density_g_cm3.emplace_back(name, rho);
        }
        p.bet_m2_per_g = name_values_arg(bet, "bet");
        p.diameter_um = name_values_arg(diameter, "diameter");
        if (!porosity.is_none()) p.porosity_percent = porosity.cast<double>();
        if (!loading.is_none()) p.loading_mg_per_cm2 = loading.cast<double>();
        if (!thickness.is_none()) p.thickness_um = thickness.cast<double>();
        return to_python(composition_results(p));
      },
      py::arg("wt"), py::arg("density") = py::none(), py::arg("porosity") = py::none(),
      py::arg("loading") = py::none(), py::arg("thickness") = py::none(), py::arg("bet") = py::none(),
      py::arg("diameter") = py::none(),
      R"doc(Electrode composition: vol% from wt%, porosity, theoretical specific surface (no image).

Same figures as ``emorph composition --json`` (Etiemble et al. 2017, Tables 1 and 4).

Parameters
----------
wt : dict or str
    Weight percents {name: wt%} summing to 100, e.g. {"NMC": 44, "LFP": 44, "PVdF": 7.5, "CB": 4.5}.
density : dict or str, optional
    Densities in g/cm3; NMC, LFP and CBD default to the phase table's.
porosity : float, optional
    Porosity in percent; or give `loading` (mg/cm2) and `thickness` (um) instead.
bet : dict or str, optional
    BET specific surfaces of the powders in m2/g; components without one contribute 0 (``no_bet``).
diameter : dict or str, optional
    Particle diameters in um for the dense-sphere area 6 / (d rho).

Returns
-------
dict
    ``vol_percent[name]``, ``solid_vol_percent[name]``, ``porosity_percent``, ``porosity_from_loading``,
    ``solid_density_g_cm3``, ``theoretical_ssa_m2_per_g``, ``no_bet`` and, where given,
    ``ssa_contribution_m2_per_g``, ``geometric_ssa_m2_per_g``, ``theoretical_ssa_geometric_m2_per_g``.)doc");
}

}  // namespace emorph::python
