#pragma once
// Exact Euclidean distance transform (Felzenszwalb & Huttenlocher 2012, lower envelope of parabolas;
// separable, linear time, one pass per axis), with anisotropic voxel sizes.
#include <cstdint>
#include <optional>

#include "emorph/volume.hpp"

namespace emorph {

struct EdtParams {
  // Voxel size in um used for the distances; unset (default): the view's spacing.
  std::optional<Spacing> spacing;
};

// Distance in um from each foreground voxel (mask != 0) to the centre of the nearest background voxel
// (mask == 0); 0 on background. Outside the volume is not background (as scipy.ndimage). A volume
// with no background voxel at all gives +infinity everywhere. The result has the view's spacing.
Volume<float> distance_transform(VolumeView<const uint8_t> mask, const EdtParams& params = {});

// Squared distances with per-axis weights w = (step along the axis)^2, in whatever unit the weights
// imply (weights {1,1,1}: squared distances in voxels, exact integers up to 2^24). Background 0, no
// background at all: +infinity. `weights` are (wz, wy, wx), each > 0.
Volume<float> squared_distance_transform(VolumeView<const uint8_t> mask, const Spacing& weights);

// Same, into a caller-provided volume of mask's shape (no allocation beyond per-thread line buffers).
void squared_distance_transform_into(VolumeView<const uint8_t> mask, const Spacing& weights,
                                     VolumeView<float> out);

// Same as squared_distance_transform_into, but the "background" is {out == 0} on entry instead of a
// mask: `out` holds 0 at the seeds and +infinity elsewhere, and receives the squared distance to the
// nearest seed. Used to dilate a set by a ball (distance to the set <= r).
void squared_distance_to_seeds_inplace(VolumeView<float> out, const Spacing& weights);

// The last of squared_distance_transform_into's passes alone: the lower envelope along z, weight wz,
// of every (y, x) line of `out`, in place. The streamed EDT (stream/streamed_edt.hpp) runs the x and
// y passes slice by slice and this one on y-slabs: the same line operations as in core, so the same values.
void squared_distance_z_pass_inplace(VolumeView<float> out, double wz);

}  // namespace emorph
