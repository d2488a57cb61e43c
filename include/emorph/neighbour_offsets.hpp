#pragma once
// The 6-, 18- and 26-neighbourhoods of a voxel as (dz, dy, dx) offsets: one definition for the
// component labeller, the watershed, the h-maxima and every scan that needs a neighbourhood.
#include <array>
#include <vector>

namespace emorph {

// Offsets (dz, dy, dx) of the neighbours for a connectivity (6, 18 or 26) in raster order; throws
// InputError naming `what` otherwise. `backward_only`: only the neighbours visited before a voxel in
// raster order (the half a two-pass scan looks at).
std::vector<std::array<int, 3>> neighbour_offsets(int connectivity, bool backward_only, const char* what);

}  // namespace emorph
