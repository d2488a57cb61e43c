// The `results` object of `emorph fractions` (CONTRACT.md) from the slice counts of fractions.hpp.
#include <optional>

#include "emorph/error.hpp"
#include "emorph/measure/electrode_region.hpp"
#include "emorph/measure/fractions.hpp"
#include "emorph/measure/phase_ratios.hpp"
#include "emorph/measure/phase_selection.hpp"
#include "emorph/results/measure_results.hpp"

namespace emorph {

Json fractions_results(VolumeView<const uint8_t> labels, const PhaseTable& table, const FractionsReportParams& params,
                       std::vector<std::string>* warnings) {
  require(params.axis >= 0 && params.axis <= 2, "--axis must be 0, 1 or 2 (got " + std::to_string(params.axis) + ")");
  return fractions_results(slice_label_counts(labels, {params.axis}), labels.spacing()[params.axis], table, params,
                           warnings);
}

Json fractions_results(const SliceLabelCounts& counts, double slice_um, const PhaseTable& table,
                       const FractionsReportParams& params, std::vector<std::string>* warnings) {
  require(params.axis == counts.axis, "fractions: the counts are along another axis");
  const auto all = phase_fractions(counts, 0, counts.slices - 1);
  std::optional<ElectrodeRegion> region;
  try {
    region = electrode_region(counts, slice_um, electrode_region_params(table));
  } catch (const InputError& e) {
    if (warnings) warnings->push_back(std::string("no electrode region: ") + e.what());
  }
  std::optional<PhaseFractions> inside;
  if (region) inside = phase_fractions(counts, region->first_slice, region->last_slice);

  Json phases = Json::object();
  for (const auto& p : select_phases(table, all.voxels, params.only, "--phase")) {
    Json j = {{"label", p.label}, {"voxels", all.count(p.label)}, {"volume_fraction", all.fraction(p.label)}};
    if (inside) {
      j["region_voxels"] = inside->count(p.label);
      j["region_volume_fraction"] = inside->fraction(p.label);
    }
    phases[p.name] = j;
  }
  Json results = {{"phases", phases},
                  {"total_voxels", all.total},
                  {"axis", params.axis},
                  {"ratios", phase_ratios_json(phase_ratios(all, table, params.ratios, "--ratios"))}};
  if (const auto unlisted = unlisted_labels(table, all.voxels); params.only.empty() && !unlisted.empty())
    results["unlisted_labels"] = unlisted;
  if (region) {
    results["electrode_region"] = electrode_region_json(*region);
    results["region_ratios"] = phase_ratios_json(phase_ratios(*inside, table, params.ratios, "--ratios"));
  }
  return results;
}
}  // namespace emorph
