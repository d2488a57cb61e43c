// JSON results of the particle analysis (keys listed in docs/CONTRACT.md under emorph particles).
#include "emorph/segment/particle_results.hpp"

#include "emorph/measure/results_json.hpp"

namespace emorph {

Json particle_analysis_results(const ParticleAnalysis& a, const Json& phase, double quantile) {
  double total_volume = 0;
  for (const auto& r : a.particles) total_volume += r.volume_um3;
  const auto& c = a.classes;
  Json results = {{"phase", phase},
                  {"count", a.particles.size()},
                  {"excluded_border", a.excluded_border},
                  {"excluded_small", a.excluded_small}};
  results.update(size_quantiles_json(a.distribution));
  results["total_volume_um3"] = total_volume;
  results["distribution"] = size_curves_json(a.distribution);
  results["size_classes"] = {{"quantile", quantile},
                             {"axis", c.axis},
                             {"small_count", c.small_count},
                             {"large_count", c.large_count},
                             {"small_max_volume_um3", c.small_max_volume_um3},
                             {"large_min_volume_um3", c.large_min_volume_um3},
                             {"position_um", c.position_um},
                             {"small_fraction", c.small_fraction},
                             {"large_fraction", c.large_fraction},
                             {"all_fraction", c.all_fraction}};
  return results;
}

}  // namespace emorph
