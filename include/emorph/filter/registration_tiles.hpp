#pragma once
// Which parts of a FIB/SEM slice register the drift: the slice is cut into overlapping square tiles, and a
// tile is left out when it touches a large flat region, such as a particle larger than several tiles
// (good features to track are textured windows, Shi & Tomasi 1994). The face of such a particle is
// inclined to the section plane: it sweeps across the field from slice to slice like a drift, and being
// the strongest edge in view it would decide a whole-slice correlation.
#include <cstdint>
#include <vector>

#include "emorph/volume.hpp"

namespace emorph {

struct RegistrationTileParams {
  int tile_px = 32;             // tile side (px), half overlap; 0 or a region under 2 tiles across: one tile
  int max_tiles_per_axis = 16;  // on large slices the step grows beyond half a tile
  double flat_gradient_factor = 3.0;  // flat: local mean of the squared y gradient below this x noise's (*)
  double large_flat_tiles = 3.0;      // a flat region is large from this many tiles' area on (**)
  int flat_margin_px = 4;             // large flat regions grow by this much: their edge is left out too
  double max_flat_share = 0.05;       // a tile is used when at most this share of it is large-flat
  // (*) Gaussian of 1 px, gradient, Gaussian of 2 px. The y gradient only: curtains are constant along
  //     y, and a particle's face crossed by curtains is still flat.
  // (**) Small particles, flat inside too, are the texture that registers.
};

// The tile grid of an ny x nx region (boxes with z0 = 0, z1 = 1): one box for the whole region when
// tile_px is 0 or the region is smaller than two tiles along an axis.
std::vector<Box> registration_tile_grid(int64_t ny, int64_t nx, const RegistrationTileParams& params);

// Noise standard deviation of a stack from its y differences (1.4826 MAD / sqrt 2, curtains being
// constant along y); every `slice_step`-th slice is read.
double stack_noise_sigma_along_y(VolumeView<const float> stack, int64_t slice_step = 1);

// Share of each tile's pixels that lie in a large flat region of the slice (a 1 x ny x nx view) or
// within the margin around it, for a slice with noise standard deviation `noise_sigma`.
std::vector<float> large_flat_share(VolumeView<const float> slice, const std::vector<Box>& tiles, double noise_sigma,
                                    const RegistrationTileParams& params);

}  // namespace emorph
