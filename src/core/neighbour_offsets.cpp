// Voxel neighbourhoods by the L1 norm of the offset: 1 (faces, 6), <= 2 (+ edges, 18), <= 3 (+ corners, 26).
#include "emorph/neighbour_offsets.hpp"

#include <cstdlib>
#include <string>

#include "emorph/error.hpp"

namespace emorph {

std::vector<std::array<int, 3>> neighbour_offsets(int connectivity, bool backward_only, const char* what) {
  require(connectivity == 6 || connectivity == 18 || connectivity == 26,
          std::string(what) + ": connectivity must be 6, 18 or 26, got " + std::to_string(connectivity));
  const int max_l1 = connectivity == 6 ? 1 : connectivity == 18 ? 2 : 3;
  std::vector<std::array<int, 3>> out;
  for (int dz = -1; dz <= 1; ++dz)
    for (int dy = -1; dy <= 1; ++dy)
      for (int dx = -1; dx <= 1; ++dx) {
        const int l1 = std::abs(dz) + std::abs(dy) + std::abs(dx);
        if (l1 == 0 || l1 > max_l1) continue;
        const bool backward = dz < 0 || (dz == 0 && (dy < 0 || (dy == 0 && dx < 0)));
        if (backward_only && !backward) continue;
        out.push_back({dz, dy, dx});
      }
  return out;
}

}  // namespace emorph
