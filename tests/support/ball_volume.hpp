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

}  // namespace emorph::test
