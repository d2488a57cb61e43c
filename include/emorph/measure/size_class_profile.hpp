#pragma once
// Where the smallest and the largest particles sit through the electrode thickness (Etiemble et al.
// 2017, Fig. 6e-h): per slice along the thickness axis, the volume fraction occupied by the quantile
// of least voluminous particles and by the quantile of most voluminous ones.
#include <cstdint>
#include <vector>

#include "emorph/volume.hpp"

namespace emorph {

struct SizeClassProfileParams {
  double quantile = 0.25;  // share of particles (by number) in each class, 0 < q <= 0.5
  int axis = -1;           // thickness axis; -1: the view's thickness axis
};

struct SizeClassProfile {
  int axis = 0;
  int64_t small_count = 0, large_count = 0;       // particles in each class
  double small_max_volume_um3 = 0;                // largest volume in the small class
  double large_min_volume_um3 = 0;                // smallest volume in the large class
  std::vector<double> position_um;                // slice centres along the axis
  std::vector<double> small_fraction, large_fraction, all_fraction;  // of the slice's voxels
};

// `voxels_of_label[l]`: voxel count of label l (index 0 unused; 0 = absent label). Particles are
// ranked by voxel count, ties by label; the first round(q N) form the small class and the last
// round(q N) the large class.
SizeClassProfile size_class_profile(VolumeView<const uint32_t> labels, const std::vector<int64_t>& voxels_of_label,
                                    const SizeClassProfileParams& params = {});

}  // namespace emorph
