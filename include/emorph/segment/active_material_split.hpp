#pragma once
// Separation of the solid phases of a FIB/SEM (BSE) volume, e.g. CBD < LFP < NMC in grey level, by
// thresholds computed on the solid voxels only, plus a manual correction by a mask (the paper's
// "manual image proceeding" to tell NMC from LFP).
#include <cstdint>
#include <vector>

#include "emorph/segment/threshold.hpp"
#include "emorph/volume.hpp"

namespace emorph {

struct ActiveSplitParams {
  ThresholdMethod method{"multiotsu", 3, {}, {}};  // on the histogram of the solid voxels
  std::vector<uint8_t> solid_labels{3, 2, 1};   // darkest class first: CBD, LFP, NMC (default table)
  uint8_t pore_label = 0;
  int bins = 256;                               // histogram bins of the solid voxels
};

struct ActiveSplitResult {
  Volume<uint8_t> labels;
  ThresholdResult thresholds;
  std::vector<int64_t> class_voxels;  // per solid class
  int64_t pore_voxels = 0;
};

// `pores`: 1 = pore, 0 = solid (same shape as grey). Throws InputError when no solid voxel remains or
// the solid histogram cannot give the requested classes.
template <class T>
ActiveSplitResult active_material_split(VolumeView<const T> grey, VolumeView<const uint8_t> pores,
                                        const ActiveSplitParams& params = {});

// Manual correction: voxels where fix != 0 and whose label is not `pore_label` get `label`.
// Returns the number of voxels changed. Shapes must match.
int64_t apply_mask_fix(VolumeView<uint8_t> labels, VolumeView<const uint8_t> fix, uint8_t label, uint8_t pore_label = 0);

}  // namespace emorph
