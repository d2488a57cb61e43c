#pragma once
// The LFP step of `emorph analyze` (Etiemble et al. 2017, section 3.3): matrix grey eroded away from
// NMC, mapped to LFP through a calibration or a known mean, written as results.profiles.phases.LFP with
// "source": "grey_calibration"; without either, the step is skipped with its reason and options, and
// an LFP phase thresholded at a resolution that cannot resolve it is never reported as resolved.
#include <optional>
#include <string>
#include <vector>

#include "emorph/measure/electrode_region.hpp"
#include "emorph/measure/profile_stats.hpp"
#include "emorph/phase_table.hpp"
#include "emorph/report/lfp_options.hpp"
#include "emorph/result.hpp"
#include "emorph/segment/threshold.hpp"
#include "emorph/volume.hpp"

namespace emorph {

struct LfpStepInputs {
  const AnyVolume& grey;
  VolumeView<const uint8_t> labels;
  const PhaseTable& table;
  int axis = 0;
  const ElectrodeRegion& region;
  SliceRange bulk;
  std::string method;                              // segmentation method ("fibsem": LFP resolved)
  std::vector<std::string> classes;                // grey classes, darkest first
  const std::optional<ThresholdResult>& threshold;
  const LfpOptions& options;
};

// Updates `results` (the results object of results.json): grey_profile.matrix_mean_grey and the eroded
// profile, lfp (route, map, zero point), profiles.phases.LFP, skipped[], warnings[]. Throws InputError
// for a bad option (unreadable calibration, composition without LFP...).
void lfp_grey_step(const LfpStepInputs& in, Json& results);

// Below this voxel size (um) the paper's 0.2 um LFP particles are resolved (2 voxels across).
inline constexpr double kLfpResolvedVoxelUm = 0.1;

}  // namespace emorph
