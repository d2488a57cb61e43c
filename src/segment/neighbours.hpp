#pragma once
// Neighbour iteration on contiguous (z, y, x) volumes by linear index, shared by the flooding
// algorithms of this area (watershed, h-maxima).
#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "emorph/neighbour_offsets.hpp"
#include "emorph/volume.hpp"

namespace emorph::detail {

// Division by a fixed divisor as a multiply-high (exact for i * d < 2^64): the flooding loops turn
// linear indices back into coordinates once per voxel, where a hardware division would dominate.
struct FastDivider {
  uint64_t d = 1, m = 0;
  FastDivider() = default;
  explicit FastDivider(uint64_t divisor) : d(divisor), m(divisor == 1 ? 0 : ~uint64_t{0} / divisor + 1) {}
  uint64_t divide(uint64_t i) const {
    return d == 1 ? i : static_cast<uint64_t>((static_cast<unsigned __int128>(i) * m) >> 64);
  }
};

struct NeighbourTable {
  std::vector<std::array<int, 3>> d;
  std::vector<int64_t> delta;  // linear offset in a contiguous volume of the given shape
  FastDivider by_nx, by_ny;
};

inline NeighbourTable make_neighbours(int connectivity, const Shape& s, bool backward_only, const char* what) {
  NeighbourTable t;
  t.d = neighbour_offsets(connectivity, backward_only, what);
  for (const auto& o : t.d) t.delta.push_back((o[0] * s.ny + o[1]) * s.nx + o[2]);
  t.by_nx = FastDivider(static_cast<uint64_t>(std::max<int64_t>(1, s.nx)));
  t.by_ny = FastDivider(static_cast<uint64_t>(std::max<int64_t>(1, s.ny)));
  return t;
}

// Calls f(neighbour index) for each in-bounds neighbour of voxel (z, y, x) at linear index i;
// `sign` -1 walks the mirrored offsets (the forward half when the table holds the backward half).
template <class F>
inline void for_neighbours_at(const NeighbourTable& t, const Shape& s, int64_t z, int64_t y, int64_t x, int64_t i,
                              F&& f, int sign = 1) {
  const bool interior = x > 0 && x < s.nx - 1 && y > 0 && y < s.ny - 1 && z > 0 && z < s.nz - 1;
  for (std::size_t k = 0; k < t.d.size(); ++k) {
    if (!interior) {
      const int64_t zz = z + sign * t.d[k][0], yy = y + sign * t.d[k][1], xx = x + sign * t.d[k][2];
      if (zz < 0 || zz >= s.nz || yy < 0 || yy >= s.ny || xx < 0 || xx >= s.nx) continue;
    }
    f(i + sign * t.delta[k]);
  }
}

template <class F>
inline void for_neighbours(const NeighbourTable& t, const Shape& s, int64_t i, F&& f) {
  const auto row = static_cast<int64_t>(t.by_nx.divide(static_cast<uint64_t>(i)));
  const auto z = static_cast<int64_t>(t.by_ny.divide(static_cast<uint64_t>(row)));
  for_neighbours_at(t, s, z, row - z * s.ny, i - row * s.nx, i, f);
}

}  // namespace emorph::detail
