#pragma once
// A cube of n^3 voxels of background 0 holding one digital ball of `label`: the voxels whose centre lies
// within sqrt(r2) voxels of `centre` (z, y, x). The CLI tests add their other phases around it.
#include <array>
#include <cstdint>

#include "emorph/volume.hpp"

namespace emorph::test {

inline Volume<uint8_t> ball_volume(int64_t n, Spacing spacing, std::array<int64_t, 3> centre, int64_t r2,
                                   uint8_t label = 1) {
  auto v = Volume<uint8_t>::filled({n, n, n}, spacing, 0);
  const auto [cz, cy, cx] = centre;
  for (int64_t z = 0; z < n; ++z)
    for (int64_t y = 0; y < n; ++y)
      for (int64_t x = 0; x < n; ++x)
        if ((z - cz) * (z - cz) + (y - cy) * (y - cy) + (x - cx) * (x - cx) <= r2) v(z, y, x) = label;
  return v;
}

// The other phases: `label` in the box's voxels (with only_background, in those still 0).
inline void paint_box(Volume<uint8_t>& v, Box box, uint8_t label, bool only_background = false) {
  for (int64_t z = box.z0; z < box.z1; ++z)
    for (int64_t y = box.y0; y < box.y1; ++y)
      for (int64_t x = box.x0; x < box.x1; ++x)
        if (!only_background || v(z, y, x) == 0) v(z, y, x) = label;
}

}  // namespace emorph::test
