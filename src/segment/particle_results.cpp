// JSON results of the particle analysis (keys listed in docs/CONTRACT.md under emorph particles).
#include "emorph/segment/particle_results.hpp"

namespace emorph {
namespace {

Json opt(const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); }

}  // namespace

Json particle_analysis_results(const ParticleAnalysis& a, const Json& phase, double quantile) {
  const auto& d = a.distribution;
  double total_volume = 0;
  for (const auto& r : a.particles) total_volume += r.volume_um3;
  const auto& c = a.classes;
  return {{"phase", phase},
          {"count", a.particles.size()},
          {"excluded_border", a.excluded_border},
          {"excluded_small", a.excluded_small},
          {"d10_um", opt(d.d10_um)},
          {"d50_um", opt(d.d50_um)},
          {"d90_um", opt(d.d90_um)},
          {"number_d10_um", opt(d.number_d10_um)},
          {"number_d50_um", opt(d.number_d50_um)},
          {"number_d90_um", opt(d.number_d90_um)},
          {"mean_diameter_um", opt(d.mean_diameter_um)},
          {"total_volume_um3", total_volume},
          {"distribution",
           {{"diameter_um", d.diameter_um},
            {"cumulative_number", d.cumulative_number},
            {"cumulative_volume", d.cumulative_volume},
            {"bin_edges_um", d.bin_edges_um},
            {"number_fraction", d.number_fraction},
            {"volume_fraction", d.volume_fraction}}},
          {"size_classes",
           {{"quantile", quantile},
            {"axis", c.axis},
            {"small_count", c.small_count},
            {"large_count", c.large_count},
            {"small_max_volume_um3", c.small_max_volume_um3},
            {"large_min_volume_um3", c.large_min_volume_um3},
            {"position_um", c.position_um},
            {"small_fraction", c.small_fraction},
            {"large_fraction", c.large_fraction},
            {"all_fraction", c.all_fraction}}}};
}

}  // namespace emorph
