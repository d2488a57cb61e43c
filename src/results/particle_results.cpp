// JSON results of the particle analysis (keys listed in docs/CONTRACT.md under emorph particles).
#include "emorph/results/particle_results.hpp"

#include "emorph/fields.hpp"
#include "emorph/results/measure_results.hpp"

namespace emorph {

namespace {

EMORPH_JSON_FIELDS(size_classes_json, SizeClassProfile, axis, small_count, large_count, small_max_volume_um3,
                   large_min_volume_um3, position_um, small_fraction, large_fraction, all_fraction)

}  // namespace

Json particle_analysis_results(const ParticleAnalysis& a, const Json& phase, double quantile) {
  double total_volume = 0;
  for (const auto& r : a.particles) total_volume += r.volume_um3;
  Json results = {{"phase", phase},
                  {"count", a.particles.size()},
                  {"excluded_border", a.excluded_border},
                  {"excluded_small", a.excluded_small}};
  results.update(size_quantiles_json(a.distribution));
  results["total_volume_um3"] = total_volume;
  results["distribution"] = size_curves_json(a.distribution);
  results["size_classes"] = size_classes_json(a.classes);
  results["size_classes"]["quantile"] = quantile;
  return results;
}

void write_particle_table_csv(const std::string& path, const ParticleAnalysis& a, const std::string& phase) {
  const auto num = [](double v) { return number_or_null(v).dump(); };
  std::vector<std::vector<std::string>> rows;
  rows.reserve(a.particles.size());
  for (const auto& r : a.particles) {
    std::vector<std::string> row = {std::to_string(r.label),  num(r.volume_um3),     num(r.equivalent_diameter_um),
                                    num(r.surface_area_um2),  num(r.sphericity),     num(r.centroid_um[0]),
                                    num(r.centroid_um[1]),    num(r.centroid_um[2]), r.touches_border ? "1" : "0",
                                    phase,                    std::to_string(r.voxels)};
    for (int64_t b : r.bbox) row.push_back(std::to_string(b));
    rows.push_back(std::move(row));
  }
  write_csv(path,
            {"label", "volume_um3", "equivalent_diameter_um", "surface_area_um2", "sphericity", "centroid_z_um",
             "centroid_y_um", "centroid_x_um", "touches_border", "phase", "voxels", "bbox_z0", "bbox_z1", "bbox_y0",
             "bbox_y1", "bbox_x0", "bbox_x1"},
            rows);
}

}  // namespace emorph
