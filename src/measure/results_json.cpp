// JSON helpers of the measure results functions (see results_json.hpp).
#include "emorph/measure/results_json.hpp"

#include <algorithm>
#include <cmath>

#include "emorph/measure/electrode_region.hpp"
#include "emorph/measure/granulometry.hpp"
#include "emorph/measure/size_distribution.hpp"
#include "emorph/measure/triple_line.hpp"

namespace emorph {

std::string option_name(OptionStyle style, const std::string& key) {
  if (style == OptionStyle::python) return key;
  std::string flag = "--" + key;
  std::replace(flag.begin(), flag.end(), '_', '-');
  return flag;
}

Json number_or_null(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

Json optional_json(const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); }

std::vector<std::string> phase_order(const PhaseTable& table, const Json& phases, const std::vector<std::string>& only) {
  if (!only.empty()) return only;
  std::vector<std::string> order;
  for (const auto& p : table.phases())
    if (phases.contains(p.name)) order.push_back(p.name);
  std::vector<std::pair<int, std::string>> others;
  for (const auto& [name, j] : phases.items())
    if (!table.find(name)) others.emplace_back(j.value("label", 0), name);
  std::sort(others.begin(), others.end());
  for (auto& [label, name] : others) order.push_back(std::move(name));
  return order;
}

Json electrode_region_json(const ElectrodeRegion& r) {
  return {{"first_slice", r.first_slice},
          {"last_slice", r.last_slice},
          {"collector_slices", r.collector_slices},
          {"upper_collector_slices", r.upper_collector_slices},
          {"collector_um", r.collector_um},
          {"start_um", r.start_um},
          {"end_um", r.end_um},
          {"thickness_um", r.thickness_um}};
}

Json size_quantiles_json(const SizeDistribution& d) {
  return {{"d10_um", optional_json(d.d10_um)},
          {"d50_um", optional_json(d.d50_um)},
          {"d90_um", optional_json(d.d90_um)},
          {"number_d10_um", optional_json(d.number_d10_um)},
          {"number_d50_um", optional_json(d.number_d50_um)},
          {"number_d90_um", optional_json(d.number_d90_um)},
          {"mean_diameter_um", optional_json(d.mean_diameter_um)}};
}

Json size_curves_json(const SizeDistribution& d) {
  return {{"diameter_um", d.diameter_um},
          {"cumulative_number", d.cumulative_number},
          {"cumulative_volume", d.cumulative_volume},
          {"bin_edges_um", d.bin_edges_um},
          {"number_fraction", d.number_fraction},
          {"volume_fraction", d.volume_fraction}};
}

Json granulometry_results(const GranulometryResult& g, const Json& phase) {
  std::vector<double> diameter;
  for (double r : g.radius_um) diameter.push_back(2 * r);
  return {{"phase", phase},
          {"phase_voxels", g.phase_voxels},
          {"radius_um", g.radius_um},
          {"diameter_um", diameter},
          {"opening_voxels", g.opening_voxels},
          {"volume_fraction_removed", g.volume_fraction_removed},
          {"cumulative_fraction", g.cumulative_fraction},
          {"d50_um", optional_json(g.d50_um)}};
}

Json triple_line_results(const TripleLineResult& r, const std::vector<std::string>& phases) {
  return {{"method", r.method},
          {"phases", phases},
          {"length_um", r.length_um},
          {"length_per_um2", r.length_per_um2},
          {"raw_length_um", r.raw_length_um},
          {"total_volume_um3", r.total_volume_um3},
          {"segments", r.segments},
          {"ends", r.ends}};
}

}  // namespace emorph
