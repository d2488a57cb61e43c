// Electrode region along the thickness axis by thresholding slice profiles: collector slices are
// those where the collector label dominates; the top surface is the last slice whose solid fraction
// is at least half the bulk's (the 90th percentile of the slice solid fractions, robust to air above).
#include "emorph/measure/electrode_region.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace emorph {

ElectrodeRegionParams electrode_region_params(const PhaseTable& table) {
  ElectrodeRegionParams p;
  if (const Phase* pore = table.find("pore")) p.pore_label = pore->label;
  if (const Phase* collector = table.find("collector")) p.collector_label = collector->label;
  else p.collector_label.reset();
  return p;
}

ElectrodeRegion electrode_region(const SliceLabelCounts& counts, double spacing_um, const ElectrodeRegionParams& params) {
  require(counts.slices > 0, "electrode region: the volume has no slices");
  require(spacing_um > 0 && std::isfinite(spacing_um), "electrode region: voxel size must be positive");
  require(params.collector_dominance > 0 && params.collector_dominance < 1,
          "electrode region: collector dominance must lie in (0, 1)");
  require(params.surface_drop > 0 && params.surface_drop < 1, "electrode region: surface drop must lie in (0, 1)");
  const int64_t n = counts.slices;
  const double per_slice = static_cast<double>(counts.voxels_per_slice);

  // The collector is at index 0 (CONTRACT): the run of collector-dominated slices from the start; a
  // flipped sample has it at the far end instead.
  auto collector_slice = [&](int64_t s) {
    return params.collector_label &&
           static_cast<double>(counts.at(s, *params.collector_label)) > params.collector_dominance * per_slice;
  };
  int64_t collector_end = 0;
  while (collector_end < n && collector_slice(collector_end)) ++collector_end;
  int64_t upper_collector = 0;
  while (n - 1 - upper_collector > collector_end && collector_slice(n - 1 - upper_collector)) ++upper_collector;

  std::vector<double> solid(static_cast<std::size_t>(n));
  for (int64_t s = 0; s < n; ++s) {
    int64_t non_solid = counts.at(s, params.pore_label);
    if (params.collector_label) non_solid += counts.at(s, *params.collector_label);
    solid[static_cast<std::size_t>(s)] = (per_slice - static_cast<double>(non_solid)) / per_slice;
  }

  ElectrodeRegion r;
  r.axis = counts.axis;
  r.collector_slices = collector_end;
  r.upper_collector_slices = upper_collector;
  r.collector_um = static_cast<double>(collector_end + upper_collector) * spacing_um;
  if (collector_end == n) throw InputError("electrode region: every slice is current collector");
  std::vector<double> rest(solid.begin() + collector_end, solid.end() - upper_collector);
  const std::size_t k = static_cast<std::size_t>(0.9 * static_cast<double>(rest.size() - 1));
  std::nth_element(rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(k), rest.end());
  r.bulk_solid_fraction = rest[k];
  require(r.bulk_solid_fraction > 0, "electrode region: no solid phase along the thickness axis");
  const double threshold = params.surface_drop * r.bulk_solid_fraction;

  int64_t first = collector_end;
  while (first < n && solid[static_cast<std::size_t>(first)] < threshold) ++first;
  int64_t last = n - 1 - upper_collector;
  while (last > first && solid[static_cast<std::size_t>(last)] < threshold) --last;
  r.first_slice = first;
  r.last_slice = last;
  r.start_um = static_cast<double>(first) * spacing_um;
  r.end_um = static_cast<double>(last + 1) * spacing_um;
  r.thickness_um = r.end_um - r.start_um;
  return r;
}

}  // namespace emorph
