// Etiemble et al. 2017, Table 2: FIB/SEM volume fractions of NMC, LFP, CB+PVdF and pores, their RSD
// along the depth axis, and the LFP/porosity and LFP/CB+PVdF ratios.
#include "emorph/results/multiscale_table.hpp"

#include <cmath>

#include "emorph/measure/fractions.hpp"
#include "emorph/measure/phase_ratios.hpp"
#include "emorph/measure/profile.hpp"
#include "emorph/measure/profile_stats.hpp"
#include "emorph/results/measure_results.hpp"

namespace emorph {

Json multiscale_table_json(VolumeView<const uint8_t> labels, int axis, const PhaseTable& table, const std::string& ratios) {
  SliceCountsParams cp;
  cp.axis = axis;
  const SliceLabelCounts counts = slice_label_counts(labels, cp);
  const PhaseFractions all = phase_fractions(counts, 0, counts.slices - 1);
  const FractionProfile profile = fraction_profile(counts, labels.spacing()[axis], {axis, 1});
  Json phases = Json::object();
  for (const auto& p : table.phases()) {
    if (p.name == "collector" || all.count(p.label) == 0) continue;
    const ProfileStats st = profile_stats(profile.position_um, profile.fraction[p.label], {0, counts.slices - 1});
    phases[p.name] = {{"volume_percent", 100 * all.fraction(p.label)}, {"rsd_percent", number_or_null(st.rsd_percent)}};
  }
  // A ratio needs both phases in the table; one whose numerator is absent from the volume is 0.
  std::string spec;
  std::string item;
  for (std::size_t i = 0; i <= ratios.size(); ++i) {
    if (i < ratios.size() && ratios[i] != ',') {
      item += ratios[i];
      continue;
    }
    const auto slash = item.find('/');
    if (slash != std::string::npos && table.find(item.substr(0, slash)) && table.find(item.substr(slash + 1)))
      spec += (spec.empty() ? "" : ",") + item;
    item.clear();
  }
  Json ratio_json = Json::object();
  if (!spec.empty()) ratio_json = phase_ratios_json(phase_ratios(all, table, spec, "ratios"));
  for (auto& [name, v] : ratio_json.items())
    if (v.is_number() && !std::isfinite(v.get<double>())) v = nullptr;
  return {{"axis", axis}, {"slices", counts.slices}, {"phases", phases}, {"ratios", ratio_json}};
}

}  // namespace emorph
