// JSON pieces shared by the measure results functions (see measure_results.hpp).
#include "emorph/results/measure_results.hpp"

#include <algorithm>
#include <cmath>

#include "emorph/measure/electrode_region.hpp"
#include "emorph/measure/granulometry.hpp"
#include "emorph/measure/size_distribution.hpp"
#include "emorph/fields.hpp"
#include "emorph/measure/triple_line.hpp"

namespace emorph {

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

EMORPH_JSON_FIELDS(electrode_region_json, ElectrodeRegion, first_slice, last_slice, collector_slices,
                   upper_collector_slices, collector_um, start_um, end_um, thickness_um)

EMORPH_JSON_FIELDS(size_quantiles_json, SizeDistribution, d10_um, d50_um, d90_um, number_d10_um, number_d50_um,
                   number_d90_um, mean_diameter_um)

EMORPH_JSON_FIELDS(size_curves_json, SizeDistribution, diameter_um, cumulative_number, cumulative_volume, bin_edges_um,
                   number_fraction, volume_fraction)

namespace {

EMORPH_JSON_FIELDS(granulometry_fields, GranulometryResult, phase_voxels, radius_um, opening_voxels,
                   volume_fraction_removed, cumulative_fraction, d50_um)
EMORPH_JSON_FIELDS(triple_line_fields, TripleLineResult, length_um, length_per_um2, raw_length_um, total_volume_um3,
                   segments, ends, intersection_share)

}  // namespace

Json granulometry_results(const GranulometryResult& g, const Json& phase) {
  std::vector<double> diameter;
  for (double r : g.radius_um) diameter.push_back(2 * r);
  Json j = granulometry_fields(g);
  j["phase"] = phase;
  j["diameter_um"] = diameter;
  return j;
}

Json triple_line_results(const TripleLineResult& r, const std::vector<std::string>& phases) {
  Json j = triple_line_fields(r);
  j["method"] = r.method;
  j["phases"] = phases;
  return j;
}

Json phase_ratios_json(const std::vector<PhaseRatio>& ratios) {
  Json j = Json::object();
  for (const auto& r : ratios) j[r.name] = r.ratio;
  return j;
}

}  // namespace emorph
