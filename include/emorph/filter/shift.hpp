#pragma once
// Sub-pixel translation of each slice of a stack by separable cubic convolution (Keys 1981).
#include <array>
#include <vector>

#include "emorph/volume.hpp"

namespace emorph {

struct ShiftParams {
  // Outside the slice: false replicates the nearest border pixel; true writes `fill_value`.
  bool constant_fill = false;
  float fill_value = 0.0f;
};

// Moves slice z's content by -drift_px[z], so content measured at [dy, dx] returns to the reference:
// out(z, y, x) = in(z, y + dy, x + dx), interpolated. Integer shifts are exact copies.
// Throws InputError when drift_px has not one entry per slice or holds a non-finite value.
Volume<float> apply_drift(VolumeView<const float> stack, const std::vector<std::array<double, 2>>& drift_px,
                          const ShiftParams& params = {});

}  // namespace emorph
