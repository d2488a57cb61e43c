// The `results` object of `emorph surface` (CONTRACT.md) from the specific surfaces of specific_surface.hpp.
#include "emorph/measure/specific_surface.hpp"
#include "emorph/measure/surface_area.hpp"
#include "emorph/results/measure_results.hpp"

namespace emorph {

Json surface_results(VolumeView<const uint8_t> labels, const PhaseTable& table, const SurfaceReportParams& params) {
  SurfaceAreaParams sp;
  sp.count_volume_boundary = params.count_volume_boundary;
  return surface_results(surface_areas(labels, sp), labels.spacing(), table, params);
}

Json surface_results(const SurfaceAreaResult& areas, const Spacing& spacing, const PhaseTable& table,
                     const SurfaceReportParams& params) {
  SpecificSurfaceParams ssp;
  ssp.require_densities = params.require_densities;
  const auto spec = specific_surfaces(areas, spacing, table, ssp);
  Json phases = Json::object(), interfaces = Json::object();
  for (const auto& p : spec.phases) {
    phases[p.name] = {{"label", p.label},
                      {"voxels", p.voxels},
                      {"volume_um3", p.volume_um3},
                      {"surface_area_um2", p.surface_area_um2},
                      {"specific_surface_per_um", p.specific_surface_per_um},
                      {"specific_surface_phase_per_um", optional_json(p.specific_surface_phase_per_um)}};
    if (p.specific_surface_m2_per_g) phases[p.name]["specific_surface_m2_per_g"] = *p.specific_surface_m2_per_g;
    phases[p.name]["surface_shares"] = surface_shares_json(p);
  }
  for (const auto& i : spec.interfaces)
    interfaces[i.name] = {{"area_um2", i.area_um2}, {"specific_surface_per_um", i.specific_surface_per_um}};
  Json results = {{"method", "crofton-13 (Lehmann & Legland 2012)"},
                  {"count_volume_boundary", params.count_volume_boundary},
                  {"total_volume_um3", spec.total_volume_um3},
                  {"phases", phases},
                  {"interfaces", interfaces}};
  std::vector<uint8_t> unlisted;  // CONTRACT: measured as label_<n>; the front ends warn
  for (const auto& p : spec.phases)
    if (p.voxels > 0 && !table.find_label(p.label)) unlisted.push_back(p.label);
  if (!unlisted.empty()) results["unlisted_labels"] = unlisted;
  if (spec.solid_density_g_cm3) results["solid_density_g_cm3"] = *spec.solid_density_g_cm3;
  if (spec.electrode_specific_surface_m2_per_g)
    results["electrode_specific_surface_m2_per_g"] = *spec.electrode_specific_surface_m2_per_g;
  return results;
}

Json surface_shares_json(const PhaseSurface& phase) {
  Json shares = Json::object();
  for (const auto& [other, share] : phase.surface_shares) shares[other] = share;
  return shares;
}
}  // namespace emorph
