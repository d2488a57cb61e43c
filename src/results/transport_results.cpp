// The results objects of `emorph connectivity` and `emorph tortuosity` (CONTRACT.md) from the transport
// structs (see transport_results.hpp).
#include "emorph/results/transport_results.hpp"

#include "emorph/fields.hpp"

namespace emorph {
namespace {

EMORPH_JSON_FIELDS(connectivity_counts_json, ConnectivityResult, percolating_voxels, dead_end_voxels, isolated_voxels,
                   components, percolating_components)

EMORPH_JSON_FIELDS(tortuosity_fields, TortuosityResult, tau, deff_over_d0, volume_fraction, percolating_fraction,
                   percolating, weighted_volume_fraction, flux_mismatch, relative_residual, iterations, converged,
                   unknowns, seconds)

}  // namespace

Json connectivity_phase_json(const ConnectivityResult& r, uint8_t label, int64_t total_voxels) {
  Json j = connectivity_counts_json(r);
  j["label"] = label;
  j["voxels"] = r.phase_voxels;
  j["volume_fraction"] = static_cast<double>(r.phase_voxels) / static_cast<double>(total_voxels);
  j["percolating_fraction"] = r.percolating_fraction();
  j["dead_end_fraction"] = r.dead_end_fraction();
  j["isolated_fraction"] = r.isolated_fraction();
  return j;
}

EMORPH_JSON_FIELDS(bruggeman_json, BruggemanFit, exponent, free_exponent, free_prefactor, r_squared, points)

Json tortuosity_result_json(const TortuosityResult& r) {
  Json j = tortuosity_fields(r);
  j["macmullin_number"] = r.macmullin;
  j["multigrid_levels"] = r.levels;
  return j;
}

Json tortuosity_results(const TortuosityResult& r, const TortuosityOptions& options, const TortuositySetup& setup) {
  Json conductivity = Json::object();
  for (const auto& [name, value] : setup.conductivity) conductivity[name] = value;
  Json results = tortuosity_result_json(r);
  results["phase"] = options.phase;
  results["axis"] = options.axis;
  results["conductivity"] = conductivity;
  return results;
}

}  // namespace emorph
