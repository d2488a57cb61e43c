#pragma once
// Automatic detection of a depleted layer above the current collector (the paper's NMC-poor first
// ~10 um): where a phase's smoothed fraction first recovers to a share of its bulk level.
#include <vector>

#include "emorph/measure/profile_stats.hpp"

namespace emorph {

struct DepletedLayerParams {
  double smoothing_um = 2.0;  // moving average over about this length before thresholding
  double recovery = 0.9;      // the layer ends where the fraction reaches this share of the bulk level
};

struct DepletedLayer {
  double thickness_um = 0;       // from the region's lower face to the first recovered slice's lower face
  int64_t end_slice = 0;         // first slice at the bulk level
  double bulk_fraction = 0;      // median over the middle half of the region
};

// region: the electrode's slices (collector side first); slice_um: slice thickness.
DepletedLayer detect_depleted_layer(const std::vector<double>& fraction, SliceRange region, double slice_um,
                                    const DepletedLayerParams& params = {});

}  // namespace emorph
