// Registration tiles: the grid, the noise estimate and the large-flat share on hand-made slices (a
// textured field with a flat disc larger than several tiles, and one with small flat discs only).
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "emorph/error.hpp"
#include "emorph/filter/registration_tiles.hpp"

namespace emorph {
namespace {

// Gaussian noise of sigma 4 on a textured field (a sum of waves of 6 to 11 px) or flat, plus flat discs
// (centre y, centre x, radius) at grey 200.
Volume<float> slice_with_discs(bool textured, const std::vector<std::array<double, 3>>& discs, uint64_t seed) {
  Volume<float> v(Shape{1, 128, 128});
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> noise(0.0f, 4.0f);
  for (int64_t y = 0; y < 128; ++y)
    for (int64_t x = 0; x < 128; ++x) {
      double g = 80;
      if (textured) g += 30 * std::sin(y / 1.1) * std::cos(x / 1.7) + 20 * std::sin((x + y) / 1.3);
      for (const auto& d : discs)
        if (std::hypot(y - d[0], x - d[1]) < d[2]) g = 200;
      v(0, y, x) = static_cast<float>(g + noise(rng));
    }
  return v;
}

TEST(RegistrationTiles, GridCoversTheRegionWithHalfOverlap) {
  const auto tiles = registration_tile_grid(128, 96, {});
  ASSERT_EQ(tiles.size(), 7u * 5u);  // origins 0, 16, ..., 96 along y; 0, 16, ..., 64 along x
  EXPECT_EQ(tiles.front().y0, 0);
  EXPECT_EQ(tiles.back().y1, 128);
  EXPECT_EQ(tiles.back().x1, 96);
  RegistrationTileParams whole;
  whole.tile_px = 0;
  ASSERT_EQ(registration_tile_grid(128, 96, whole).size(), 1u);
  EXPECT_EQ(registration_tile_grid(50, 96, {}).size(), 1u);  // under two tiles along y: one tile
  RegistrationTileParams capped;
  capped.max_tiles_per_axis = 4;
  const auto few = registration_tile_grid(512, 512, capped);
  ASSERT_EQ(few.size(), 16u);
  EXPECT_EQ(few.back().y1, 512);
  capped.tile_px = -1;
  EXPECT_THROW(registration_tile_grid(128, 128, capped), InputError);
}

TEST(RegistrationTiles, NoiseSigmaFromYDifferences) {
  // Pure noise of sigma 4, plus columns of different offsets (curtains, constant along y): ignored.
  Volume<float> v(Shape{4, 64, 64});
  std::mt19937_64 rng(3);
  std::normal_distribution<float> noise(0.0f, 4.0f);
  for (int64_t z = 0; z < 4; ++z)
    for (int64_t y = 0; y < 64; ++y)
      for (int64_t x = 0; x < 64; ++x) v(z, y, x) = 100.0f + 30.0f * float(x % 5) + noise(rng);
  EXPECT_NEAR(stack_noise_sigma_along_y(v.view()), 4.0, 0.15);  // 16k differences: about 1 % precision
}

TEST(RegistrationTiles, TilesTouchingALargeFlatRegionAreLeftOut) {
  const RegistrationTileParams params;
  const auto tiles = registration_tile_grid(128, 128, params);
  // A disc of radius 40 (about 5 tiles' area) centred at (30, 30): tiles inside or on its edge are
  // large-flat; tiles 8 px or more clear of it (beyond the 4 px margin and the smoothing) are not.
  const auto v = slice_with_discs(true, {{30, 30, 40}}, 1);
  const auto share = large_flat_share(v.view(), tiles, 4.0, params);
  ASSERT_EQ(share.size(), tiles.size());
  for (std::size_t t = 0; t < tiles.size(); ++t) {
    const Box& b = tiles[t];
    // Distance from the disc's centre to the tile's nearest and farthest points.
    const double ny = std::clamp(30.0, double(b.y0), double(b.y1 - 1)), nx = std::clamp(30.0, double(b.x0), double(b.x1 - 1));
    const double nearest = std::hypot(ny - 30, nx - 30);
    const double farthest = std::hypot(std::max(std::abs(b.y0 - 30.0), std::abs(b.y1 - 1 - 30.0)),
                                       std::max(std::abs(b.x0 - 30.0), std::abs(b.x1 - 1 - 30.0)));
    if (nearest < 28) {
      EXPECT_GT(share[t], params.max_flat_share) << "tile " << b.y0 << "," << b.x0;
    }
    if (nearest > 48) {
      EXPECT_EQ(share[t], 0.0f) << "tile " << b.y0 << "," << b.x0;
    }
    if (farthest < 40) {
      EXPECT_EQ(share[t], 1.0f) << "tile " << b.y0 << "," << b.x0;
    }
  }
}

TEST(RegistrationTiles, SmallFlatParticlesAreTexture) {
  // Discs of radius 10 (a third of a tile's area each, flat inside) on a flat background around them:
  // the background is one large flat region, the discs are not; on a textured background nothing is.
  std::vector<std::array<double, 3>> discs;
  for (double y = 20; y < 128; y += 44)
    for (double x = 20; x < 128; x += 44) discs.push_back({y, x, 10});
  const RegistrationTileParams params;
  const auto tiles = registration_tile_grid(128, 128, params);
  const auto textured = large_flat_share(slice_with_discs(true, discs, 2).view(), tiles, 4.0, params);
  for (float s : textured) EXPECT_EQ(s, 0.0f);
  const auto flat = large_flat_share(slice_with_discs(false, discs, 2).view(), tiles, 4.0, params);
  // The background is large and flat: every tile has some of it (the discs are 20 px across).
  for (float s : flat) EXPECT_GT(s, 0.5f);
}

}  // namespace
}  // namespace emorph
