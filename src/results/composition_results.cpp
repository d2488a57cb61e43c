// The `results` object of `emorph composition` (CONTRACT.md) from composition.hpp's CompositionResult.
#include "emorph/measure/composition.hpp"
#include "emorph/results/measure_results.hpp"

namespace emorph {
namespace {

Json named_json(const NamedValues& values) {
  Json j = Json::object();
  for (const auto& [name, v] : values) j[name] = v;
  return j;
}

}  // namespace

Json composition_results(const CompositionParams& params) {
  const auto r = composition(params);
  Json results = {{"porosity_percent", optional_json(r.porosity_percent)},
                  {"porosity_from_loading", r.porosity_from_loading},
                  {"density_g_cm3", named_json(params.density_g_cm3)},
                  {"solid_density_g_cm3", optional_json(r.solid_density_g_cm3)},
                  {"no_bet", r.no_bet}};
  if (r.porosity_percent) results["vol_percent"] = named_json(r.vol_percent);
  if (r.solid_density_g_cm3) results["solid_vol_percent"] = named_json(r.solid_vol_percent);
  results["theoretical_ssa_m2_per_g"] = r.theoretical_ssa_m2_per_g ? Json(*r.theoretical_ssa_m2_per_g) : Json(nullptr);
  if (!r.ssa_contribution_m2_per_g.empty()) results["ssa_contribution_m2_per_g"] = named_json(r.ssa_contribution_m2_per_g);
  if (!r.geometric_ssa_m2_per_g.empty()) {
    results["geometric_ssa_m2_per_g"] = named_json(r.geometric_ssa_m2_per_g);
    results["theoretical_ssa_geometric_m2_per_g"] = *r.theoretical_ssa_geometric_m2_per_g;
  }
  return results;
}

}  // namespace emorph
