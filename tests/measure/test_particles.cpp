#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "emorph/measure/particles.hpp"
#include "emorph/measure/size_class_profile.hpp"
#include "emorph/measure/size_distribution.hpp"
#include "support/threads.hpp"

namespace emorph {
namespace {

void paint_ball(Volume<uint32_t>& v, double cz, double cy, double cx, double r_um, uint32_t label) {
  const Spacing s = v.spacing();
  for (int64_t z = 0; z < v.nz(); ++z)
    for (int64_t y = 0; y < v.ny(); ++y)
      for (int64_t x = 0; x < v.nx(); ++x) {
        const double a = (z + 0.5) * s.dz - cz, b = (y + 0.5) * s.dy - cy, c = (x + 0.5) * s.dx - cx;
        if (a * a + b * b + c * c <= r_um * r_um) v(z, y, x) = label;
      }
}

TEST(Particles, BallsHaveAnalyticVolumeCentroidAndSphericity) {
  for (Spacing s : {Spacing{0.5, 0.5, 0.5}, Spacing{0.8, 0.5, 0.4}}) {
    auto v = Volume<uint32_t>::filled({40, 60, 70}, s, 0);
    paint_ball(v, 10, 12, 13, 6.0, 1);
    paint_ball(v, 10, 18, 18, 3.0, 3);  // label 2 absent on purpose
    const auto p = measure_particles(v.view(), 3);
    ASSERT_EQ(p.size(), 2u);
    EXPECT_EQ(p[0].label, 1u);
    EXPECT_EQ(p[1].label, 3u);
    // Digitisation: the voxel volume of a ball of radius >= 6 voxels is within 2% of 4/3 pi r^3, and
    // the Crofton area within 4% of 4 pi r^2 (Lehmann & Legland 2012 report ~2% on balls).
    const double v6 = 4.0 / 3.0 * std::numbers::pi * 216.0;
    EXPECT_NEAR(p[0].volume_um3, v6, 0.02 * v6);
    EXPECT_NEAR(p[0].equivalent_diameter_um, 12.0, 0.1);
    EXPECT_NEAR(p[0].surface_area_um2, 4 * std::numbers::pi * 36.0, 0.04 * 4 * std::numbers::pi * 36.0);
    EXPECT_NEAR(p[0].sphericity, 1.0, 0.05);
    EXPECT_NEAR(p[0].centroid_um[0], 10.0, 0.05);
    EXPECT_NEAR(p[0].centroid_um[1], 12.0, 0.05);
    EXPECT_NEAR(p[0].centroid_um[2], 13.0, 0.05);
    EXPECT_FALSE(p[0].touches_border);
    EXPECT_EQ(p[0].voxels * s.voxel_volume_um3(), p[0].volume_um3);
  }
}

TEST(Particles, MinVolumeLeavesOutSmallerParticles) {
  auto v = Volume<uint32_t>::filled({20, 30, 30}, {0.5, 0.5, 0.5}, 0);
  paint_ball(v, 5, 7, 7, 3.0, 1);                 // about 113 um^3
  v(15, 20, 20) = 2;                              // one voxel: 0.125 um^3
  v(15, 25, 25) = v(15, 25, 26) = v(16, 25, 25) = 3;  // 0.375 um^3
  ParticlesParams p;
  p.surface_area = false;
  EXPECT_EQ(measure_particles(v.view(), 3, p).size(), 3u);  // default 0 keeps all
  p.min_volume_um3 = 0.375;                                // kept when equal
  auto r = measure_particles(v.view(), 3, p);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].label, 1u);
  EXPECT_EQ(r[1].label, 3u);
  p.min_volume_um3 = 1.0;
  r = measure_particles(v.view(), 3, p);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].label, 1u);
  p.min_volume_um3 = -1;
  EXPECT_THROW(measure_particles(v.view(), 3, p), InputError);
  p.min_volume_um3 = std::nan("");
  EXPECT_THROW(measure_particles(v.view(), 3, p), InputError);
}

TEST(Particles, CubeAreaAndBorderAndThreads) {
  auto v = Volume<uint32_t>::filled({20, 20, 20}, {1, 1, 1}, 0);
  for (int z = 0; z < 6; ++z)
    for (int y = 4; y < 10; ++y)
      for (int x = 4; x < 10; ++x) v(z, y, x) = 1;
  const auto a = test::on_threads(1, [&] { return measure_particles(v.view(), 1); });
  const auto b = test::on_threads(3, [&] { return measure_particles(v.view(), 1); });
  ASSERT_EQ(a.size(), 1u);
  EXPECT_TRUE(a[0].touches_border);
  EXPECT_EQ(a[0].bbox, (std::array<int64_t, 6>{0, 6, 4, 10, 4, 10}));
  EXPECT_EQ(a[0].surface_area_um2, b[0].surface_area_um2);
  // The closed surface does not depend on where the volume's border cuts the particle.
  auto inside = Volume<uint32_t>::filled({20, 20, 20}, {1, 1, 1}, 0);
  for (int z = 5; z < 11; ++z)
    for (int y = 4; y < 10; ++y)
      for (int x = 4; x < 10; ++x) inside(z, y, x) = 1;
  const auto c = measure_particles(inside.view(), 1);
  EXPECT_FALSE(c[0].touches_border);
  EXPECT_NEAR(a[0].surface_area_um2, c[0].surface_area_um2, 1e-9);
  // A digital 6^3 cube lies between the cubes of side 5 (voxel centres) and 6 (voxel faces).
  EXPECT_GT(a[0].surface_area_um2, 150.0);
  EXPECT_LT(a[0].surface_area_um2, 216.0);
  ParticlesParams p;
  p.surface_area = false;
  EXPECT_TRUE(std::isnan(measure_particles(v.view(), 1, p)[0].sphericity));
}

TEST(SizeDistribution, QuantilesFollowTheMidpointRule) {
  // Equal weights 1,2,3,4: midpoints at 0.5,1.5,2.5,3.5 of 4; the median lies halfway between 2 and 3.
  EXPECT_DOUBLE_EQ(*weighted_quantile({4, 1, 3, 2}, {1, 1, 1, 1}, 0.5), 2.5);
  EXPECT_DOUBLE_EQ(*weighted_quantile({1, 2}, {1, 3}, 0.5), 1.0 + (2.0 - 1.0) * (2.0 - 0.5) / (2.5 - 0.5));
  EXPECT_DOUBLE_EQ(*weighted_quantile({5}, {2}, 0.9), 5.0);
  EXPECT_FALSE(weighted_quantile({}, {}, 0.5).has_value());
  const auto d = size_distribution({2, 4, 4, 10}, {8, 64, 64, 1000});
  EXPECT_EQ(d.count, 4);
  EXPECT_DOUBLE_EQ(*d.number_d50_um, 4.0);
  EXPECT_GT(*d.d50_um, 4.0);  // the one large particle holds most of the volume
  EXPECT_DOUBLE_EQ(d.cumulative_volume.back(), 1.0);
  double nsum = 0, vsum = 0;
  for (std::size_t i = 0; i < d.number_fraction.size(); ++i) nsum += d.number_fraction[i], vsum += d.volume_fraction[i];
  EXPECT_NEAR(nsum, 1.0, 1e-12);
  EXPECT_NEAR(vsum, 1.0, 1e-12);
  EXPECT_THROW(size_distribution({1, 2}, {1}), InputError);
}

TEST(SizeClassProfile, SmallParticlesLowLargeParticlesHigh) {
  // 8 small cubes (2^3) in the lower half of z, 8 large (4^3) in the upper half, 4 medium in between.
  auto v = Volume<uint32_t>::filled({40, 30, 30}, {0.5, 1, 1}, 0);
  std::vector<int64_t> voxels(21, 0);
  uint32_t l = 0;
  auto cube = [&](int z0, int y0, int x0, int n) {
    ++l;
    for (int z = z0; z < z0 + n; ++z)
      for (int y = y0; y < y0 + n; ++y)
        for (int x = x0; x < x0 + n; ++x) v(z, y, x) = l, voxels[l]++;
  };
  for (int i = 0; i < 8; ++i) cube(2, 1 + 3 * i, 1, 2);
  for (int i = 0; i < 4; ++i) cube(16, 1 + 4 * i, 5, 3);
  for (int i = 0; i < 8; ++i) cube(30, 1 + 7 * (i % 4), 10 + 7 * (i / 4), 4 - (i == 7));  // one smaller
  SizeClassProfileParams p;
  p.quantile = 0.25;
  const auto r = size_class_profile(v.view(), voxels, p);
  EXPECT_EQ(r.small_count, 5);  // round(0.25 * 20)
  EXPECT_EQ(r.large_count, 5);
  EXPECT_DOUBLE_EQ(r.small_max_volume_um3, 8 * 0.5);
  EXPECT_DOUBLE_EQ(r.large_min_volume_um3, 64 * 0.5);
  ASSERT_EQ(r.position_um.size(), 40u);
  EXPECT_DOUBLE_EQ(r.position_um[3], 1.75);
  EXPECT_DOUBLE_EQ(r.small_fraction[2], 5 * 4 / 900.0);
  EXPECT_DOUBLE_EQ(r.large_fraction[2], 0.0);
  EXPECT_DOUBLE_EQ(r.large_fraction[31], 5 * 16 / 900.0);
  EXPECT_DOUBLE_EQ(r.all_fraction[2], 8 * 4 / 900.0);
  p.quantile = 0.7;
  EXPECT_THROW(size_class_profile(v.view(), voxels, p), InputError);
}

}  // namespace
}  // namespace emorph
