// The `results` object of `emorph profile` (CONTRACT.md): the fraction profiles of profile.hpp, their
// statistics over the bulk window, the electrode region and the depleted layer.
#include <optional>
#include <string>

#include "emorph/error.hpp"
#include "emorph/measure/depleted_layer.hpp"
#include "emorph/measure/electrode_region.hpp"
#include "emorph/measure/phase_selection.hpp"
#include "emorph/measure/profile.hpp"
#include "emorph/measure/profile_stats.hpp"
#include "emorph/results/measure_results.hpp"

namespace emorph {

Json profile_results(VolumeView<const uint8_t> labels, const PhaseTable& table, const ProfileReportParams& params) {
  require(params.axis >= 0 && params.axis <= 2, "--axis must be 0, 1 or 2 (got " + std::to_string(params.axis) + ")");
  return profile_results(slice_label_counts(labels, {params.axis}), labels.spacing()[params.axis], table, params);
}

Json profile_results(const SliceLabelCounts& counts, double slice_um, const PhaseTable& table,
                     const ProfileReportParams& params) {
  require(params.axis >= 0 && params.axis <= 2, "--axis must be 0, 1 or 2 (got " + std::to_string(params.axis) + ")");
  require(params.window >= 1 && params.window % 2 == 1,
          "--window must be an odd number of slices >= 1 (got " + std::to_string(params.window) + ")");
  if (params.bulk_um) {
    require(params.bulk_um->first <= params.bulk_um->second, "--bulk: start must not exceed end");
    require(params.exclude_collector_um == 0 && params.exclude_surface_um == 0 && !params.exclude_depleted,
            "--bulk excludes --exclude-collector, --exclude-surface and --exclude-depleted: give one or the other");
  }
  require(!(params.exclude_depleted && params.exclude_collector_um != 0),
          "--exclude-depleted excludes --exclude-collector");
  const Phase* depleted_phase = table.find(params.depleted_phase);
  require(depleted_phase || !params.exclude_depleted,
          "--depleted-phase: unknown phase '" + params.depleted_phase + "'");

  const auto profile = fraction_profile(counts, slice_um, {params.axis, params.window});
  const auto raw = params.window == 1 ? profile : fraction_profile(counts, slice_um, {params.axis, 1});

  std::optional<ElectrodeRegion> region = params.region;
  if (!region) {
    try {
      region = electrode_region(counts, slice_um, electrode_region_params(table));
    } catch (const InputError& e) {
      if (!params.bulk_um) throw InputError(std::string("no --bulk window and ") + e.what());
    }
  }
  // The depleted layer above the collector, when the region and the phase exist.
  std::optional<DepletedLayer> depleted;
  if (region && depleted_phase && depleted_phase->label < counts.num_labels &&
      region->last_slice - region->first_slice >= 3)
    depleted = detect_depleted_layer(raw.fraction[depleted_phase->label], {region->first_slice, region->last_slice},
                                     slice_um);
  require(depleted || !params.exclude_depleted,
          "--exclude-depleted: no depleted layer could be detected (no electrode region or no " +
              params.depleted_phase + ")");
  const double exclude_collector_um = params.exclude_depleted ? depleted->thickness_um : params.exclude_collector_um;
  const SliceRange window =
      params.bulk_um ? bulk_slices(profile.position_um, params.bulk_um->first, params.bulk_um->second, "--bulk")
                     : trimmed_region_slices(profile.position_um, region->start_um, region->end_um, exclude_collector_um,
                                             params.exclude_surface_um);

  Json phases = Json::object();
  const std::vector<double> absent(profile.position_um.size(), 0.0);  // a table phase not in the volume
  for (const auto& p : select_phases(table, counts.totals(), params.only, "--phase")) {
    const auto& fraction = p.label < counts.num_labels ? profile.fraction[p.label] : absent;
    const auto& raw_fraction = p.label < counts.num_labels ? raw.fraction[p.label] : absent;
    // Statistics on the per-slice fractions: the moving average would correlate neighbouring slices.
    const auto st = profile_stats(raw.position_um, raw_fraction, window);
    phases[p.name] = {{"label", p.label},
                      {"position_um", profile.position_um},
                      {"fraction", fraction},
                      {"mean_fraction", number_or_null(st.mean_fraction)},
                      {"rsd_percent", number_or_null(st.rsd_percent)},
                      {"slope_per_um", number_or_null(st.slope_per_um)},
                      {"slope_stderr_per_um", number_or_null(st.slope_stderr_per_um)},
                      {"slope_relative_percent_per_um", number_or_null(st.slope_relative_percent_per_um)}};
  }
  Json results = {{"axis", params.axis},
                  {"slice_um", slice_um},
                  {"window_slices", params.window},
                  {"bulk", {{"first_slice", window.first},
                            {"last_slice", window.last},
                            {"slices", window.last - window.first + 1},
                            {"start_um", profile.position_um[static_cast<std::size_t>(window.first)]},
                            {"end_um", profile.position_um[static_cast<std::size_t>(window.last)]},
                            {"source", params.bulk_um ? "bulk" : "electrode_region"}}},
                  {"phases", phases}};
  if (region) results["electrode_region"] = electrode_region_json(*region);
  if (const auto unlisted = unlisted_labels(table, counts.totals()); params.only.empty() && !unlisted.empty())
    results["unlisted_labels"] = unlisted;
  if (depleted)
    results["depleted_layer"] = {{"phase", params.depleted_phase},
                                 {"thickness_um", depleted->thickness_um},
                                 {"end_um", static_cast<double>(depleted->end_slice) * slice_um},
                                 {"bulk_fraction", depleted->bulk_fraction}};
  return results;
}

void write_profile_csv(const std::string& path, const Json& results, const std::vector<std::string>& names) {
  require(!names.empty(), "profile: no phase to write");
  std::vector<std::string> header = {"position_um"};
  header.insert(header.end(), names.begin(), names.end());
  std::vector<std::vector<std::string>> rows;
  const Json& position = results["phases"][names.front()]["position_um"];
  for (std::size_t i = 0; i < position.size(); ++i) {
    std::vector<std::string> row = {position[i].dump()};
    for (const auto& name : names) row.push_back(results["phases"][name]["fraction"][i].dump());
    rows.push_back(std::move(row));
  }
  write_csv(path, header, rows);
}
}  // namespace emorph
