#include <gtest/gtest.h>

#include <random>

#include "emorph/parallel.hpp"
#include "emorph/segment/grey_region.hpp"

using namespace emorph;

namespace {
// Along `axis`: collector (uniform 150) over [0, c), electrode (40% voxels at 200, 60% at 50) over
// [c, e), background 50 above; noise sd 5 everywhere.
Volume<uint8_t> layered(Shape s, int axis, int64_t c, int64_t e, uint64_t seed) {
  Volume<uint8_t> v(s);
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> n(0, 5);
  std::uniform_real_distribution<double> u(0, 1);
  for (int64_t z = 0; z < s.nz; ++z)
    for (int64_t y = 0; y < s.ny; ++y)
      for (int64_t x = 0; x < s.nx; ++x) {
        const int64_t t = axis == 0 ? z : (axis == 1 ? y : x);
        const double base = t < c ? 150 : (t < e ? (u(rng) < 0.4 ? 200 : 50) : 50);
        v(z, y, x) = static_cast<uint8_t>(std::clamp(base + n(rng), 0.0, 255.0));
      }
  return v;
}
}  // namespace

TEST(GreyRegion, FindsCollectorSideAndSurfaceOfALayeredVolume) {
  auto v = layered({60, 32, 32}, 0, 8, 48, 1);
  v.set_spacing({0.5, 0.5, 0.5});
  auto r = grey_electrode_region<uint8_t>(v.view(), {});
  EXPECT_TRUE(r.lower_found);
  EXPECT_TRUE(r.upper_found);
  // Sharp layer faces at 8 and 48 voxels: the half-level crossing lies within half a voxel of them.
  EXPECT_NEAR(r.start_um, 8 * 0.5, 0.25);
  EXPECT_NEAR(r.end_um, 48 * 0.5, 0.25);
  EXPECT_NEAR(r.thickness_um, 40 * 0.5, 0.5);
  EXPECT_EQ(r.first_slice, 8);
  EXPECT_EQ(r.last_slice, 47);
}

TEST(GreyRegion, AnisotropicSpacingAlongXAndThreads) {
  auto v = layered({20, 16, 50}, 2, 5, 40, 2);
  v.set_spacing({1.0, 1.0, 0.25});
  GreyRegionParams p;
  p.axis = 2;
  set_threads(1);
  auto a = grey_electrode_region<uint8_t>(v.view(), p);
  set_threads(3);
  auto b = grey_electrode_region<uint8_t>(v.view(), p);
  set_threads(0);
  EXPECT_EQ(a.slice_std, b.slice_std);
  EXPECT_NEAR(a.thickness_um, 35 * 0.25, 0.25);  // um along x, not along z
  EXPECT_NEAR(a.start_um, 5 * 0.25, 0.125);
}

TEST(GreyRegion, NoContrastMeansWholeVolume) {
  auto v = layered({10, 16, 16}, 0, 0, 10, 3);  // electrode everywhere
  auto r = grey_electrode_region<uint8_t>(v.view(), {});
  EXPECT_FALSE(r.lower_found);
  EXPECT_FALSE(r.upper_found);
  EXPECT_DOUBLE_EQ(r.thickness_um, 10.0);
}
