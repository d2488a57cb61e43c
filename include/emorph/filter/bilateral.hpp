#pragma once
// Edge-preserving 3D bilateral filter (Tomasi & Manduchi 1998) to float32, edges reflected.
#include "emorph/volume.hpp"

namespace emorph {

struct BilateralParams {
  double sigma_spatial = 1.0;  // voxels; the window is the cube of radius ceil(2 * sigma_spatial)
  double sigma_range = 0.0;    // grey units (> 0): differences much larger than this are not averaged
};

// out(p) = sum_q w_s(p - q) w_r(I(q) - I(p)) I(q) / sum_q w_s w_r, with Gaussian w_s and w_r.
template <class T>
Volume<float> bilateral_filter(VolumeView<const T> in, const BilateralParams& params);

// Only the output slices [z_begin, z_end) of bilateral_filter(in) (a streamed slab's core: its halo
// slices are read, not filtered); the same values bit for bit.
template <class T>
Volume<float> bilateral_filter_slices(VolumeView<const T> in, const BilateralParams& params, int64_t z_begin,
                                      int64_t z_end);

}  // namespace emorph
