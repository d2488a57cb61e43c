#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "emorph/measure/granulometry.hpp"
#include "support/threads.hpp"

namespace emorph {
namespace {

// Random union of balls and boxes: blobs of many sizes, so openings of several radii are non-trivial.
Volume<uint8_t> random_blobs(Shape s, int count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto m = Volume<uint8_t>::filled(s, {}, 0);
  std::uniform_real_distribution<double> u(0, 1);
  for (int k = 0; k < count; ++k) {
    const double cz = u(rng) * s.nz, cy = u(rng) * s.ny, cx = u(rng) * s.nx, rad = 1 + u(rng) * 6;
    const bool box = u(rng) < 0.3;
    for (int64_t z = 0; z < s.nz; ++z)
      for (int64_t y = 0; y < s.ny; ++y)
        for (int64_t x = 0; x < s.nx; ++x) {
          const double a = z - cz, b = y - cy, c = x - cx;
          const bool in = box ? std::max({std::abs(a), std::abs(b), std::abs(c)}) <= rad : a * a + b * b + c * c <= rad * rad;
          if (in) m(z, y, x) = 1;
        }
  }
  // Salt and pepper so that thin and noisy features are present too.
  std::bernoulli_distribution flip(0.02);
  for (auto& v : m)
    if (flip(rng)) v = !v;
  return m;
}

// Brute force, as scikit-image's binary_opening(ball): erosion with the outside counted as phase,
// then dilation with the outside empty; ball = offsets with sum (o_a * w_a)^2 <= r^2 (1 + 1e-6).
int64_t brute_opening_voxels(const Volume<uint8_t>& m, double r, const Spacing& s) {
  std::vector<std::array<int64_t, 3>> ball;
  const int64_t R = static_cast<int64_t>(std::ceil(r / std::min({s.dz, s.dy, s.dx})));
  for (int64_t a = -R; a <= R; ++a)
    for (int64_t b = -R; b <= R; ++b)
      for (int64_t c = -R; c <= R; ++c) {
        const double q = (a * s.dz) * (a * s.dz) + (b * s.dy) * (b * s.dy) + (c * s.dx) * (c * s.dx);
        if (q <= r * r * (1 + 1e-6)) ball.push_back({a, b, c});
      }
  const Shape sh = m.shape();
  auto inside = [&](int64_t z, int64_t y, int64_t x) { return z >= 0 && y >= 0 && x >= 0 && z < sh.nz && y < sh.ny && x < sh.nx; };
  auto eroded = Volume<uint8_t>::filled(sh, {}, 0);
  for (int64_t z = 0; z < sh.nz; ++z)
    for (int64_t y = 0; y < sh.ny; ++y)
      for (int64_t x = 0; x < sh.nx; ++x) {
        bool fits = m(z, y, x) != 0;
        for (std::size_t k = 0; fits && k < ball.size(); ++k) {
          const int64_t zz = z + ball[k][0], yy = y + ball[k][1], xx = x + ball[k][2];
          if (inside(zz, yy, xx) && !m(zz, yy, xx)) fits = false;
        }
        eroded(z, y, x) = fits;
      }
  auto opened = Volume<uint8_t>::filled(sh, {}, 0);
  for (int64_t z = 0; z < sh.nz; ++z)
    for (int64_t y = 0; y < sh.ny; ++y)
      for (int64_t x = 0; x < sh.nx; ++x) {
        if (!eroded(z, y, x)) continue;
        for (const auto& o : ball)
          if (inside(z + o[0], y + o[1], x + o[2])) opened(z + o[0], y + o[1], x + o[2]) = 1;
      }
  int64_t n = 0;
  for (auto v : opened) n += v;
  return n;
}

TEST(Granulometry, EqualsBruteForceOpeningsOn48Cubed) {
  for (uint64_t seed : {1, 2}) {
    const auto m = random_blobs({48, 48, 48}, 40, seed);
    GranulometryParams p;
    p.max_radius_um = seed == 1 ? 6 : 4;
    const auto g = granulometry(m.view(), p);
    // Stops early once an opening is empty (salt and pepper holes the larger blobs).
    ASSERT_GE(g.radius_um.size(), 4u);
    if (g.radius_um.size() < static_cast<std::size_t>(*p.max_radius_um)) {
      EXPECT_EQ(g.opening_voxels.back(), 0);
    }
    int64_t previous = g.phase_voxels;
    for (std::size_t i = 0; i < g.radius_um.size(); ++i) {
      const int64_t ref = brute_opening_voxels(m, g.radius_um[i], {1, 1, 1});
      EXPECT_EQ(g.opening_voxels[i], ref) << "radius " << g.radius_um[i];
      EXPECT_DOUBLE_EQ(g.volume_fraction_removed[i], double(previous - ref) / double(g.phase_voxels));
      previous = ref;
    }
  }
}

// Blobs at anisotropic voxels, openings up to max_radius_um: 5 radii (step = the smallest voxel size),
// each opening's voxel count equal to the brute-force ellipsoid opening's.
void expect_anisotropic_openings_equal_brute_force(Volume<uint8_t> m, Spacing spacing, double max_radius_um) {
  m.set_spacing(spacing);
  GranulometryParams p;
  p.max_radius_um = max_radius_um;
  const auto g = granulometry(m.view(), p);
  ASSERT_EQ(g.radius_um.size(), 5u);
  for (std::size_t i = 0; i < g.radius_um.size(); ++i)
    EXPECT_EQ(g.opening_voxels[i], brute_opening_voxels(m, g.radius_um[i], m.spacing())) << g.radius_um[i];
}

TEST(Granulometry, AnisotropicEqualsBruteForceEllipsoidOpenings) {
  expect_anisotropic_openings_equal_brute_force(random_blobs({24, 30, 36}, 25, 5), {0.9, 0.5, 0.4}, 2.0);  // step 0.4 um
}

TEST(Granulometry, AnisotropicEqualsBruteForceOn48Cubed) {
  expect_anisotropic_openings_equal_brute_force(random_blobs({48, 48, 48}, 40, 11), {1.0, 0.7, 0.5}, 2.5);  // step 0.5 um
}

TEST(Granulometry, SparseCentresEqualBruteForce) {
  // Two large balls in an otherwise sparse volume: most rows hold no centre at large radii, the case
  // where the passes skip rows; radii up to past the largest ball.
  auto m = Volume<uint8_t>::filled({40, 36, 44}, {}, 0);
  for (int z = 0; z < 40; ++z)
    for (int y = 0; y < 36; ++y)
      for (int x = 0; x < 44; ++x) {
        const int a = (z - 12) * (z - 12) + (y - 14) * (y - 14) + (x - 15) * (x - 15);
        const int b = (z - 27) * (z - 27) + (y - 20) * (y - 20) + (x - 31) * (x - 31);
        if (a <= 64 || b <= 49 || (z + 3 * y + 7 * x) % 97 == 0) m(z, y, x) = 1;
      }
  const auto g = granulometry(m.view());
  ASSERT_EQ(g.radius_um.size(), 9u);  // ball of radius 8 survives radius 8, nothing survives 9
  EXPECT_EQ(g.opening_voxels.back(), 0);
  for (std::size_t i = 0; i < g.radius_um.size(); ++i)
    EXPECT_EQ(g.opening_voxels[i], brute_opening_voxels(m, g.radius_um[i], {1, 1, 1})) << g.radius_um[i];
}

TEST(Granulometry, PercolatingClusterNeedsNoMaxRadius) {
  // One cluster spanning the volume along every axis (three orthogonal square rods, side 7) plus the
  // pore around it: it has background, so the openings empty by themselves (radius 4 > half-side).
  auto m = Volume<uint8_t>::filled({30, 30, 30}, {}, 0);
  for (int z = 0; z < 30; ++z)
    for (int y = 0; y < 30; ++y)
      for (int x = 0; x < 30; ++x) {
        const bool ry = std::abs(z - 15) <= 3 && std::abs(x - 15) <= 3, rz = std::abs(y - 15) <= 3 && std::abs(x - 15) <= 3;
        const bool rx = std::abs(z - 15) <= 3 && std::abs(y - 15) <= 3;
        if (rx || ry || rz) m(z, y, x) = 1;
      }
  const auto g = granulometry(m.view());
  ASSERT_FALSE(g.radius_um.empty());
  EXPECT_EQ(g.opening_voxels.back(), 0);
  for (std::size_t i = 0; i < g.radius_um.size(); ++i)
    EXPECT_EQ(g.opening_voxels[i], brute_opening_voxels(m, g.radius_um[i], {1, 1, 1})) << g.radius_um[i];
}

TEST(Granulometry, SphereOfRadiusRSurvivesUpToR) {
  // A digital ball of radius 6 is kept whole by the opening of radius 6 and removed by radius 7
  // (smaller discrete balls do not always nest: openings of radius 1..5 may trim its surface).
  auto m = Volume<uint8_t>::filled({21, 21, 21}, {0.5, 0.5, 0.5}, 0);
  for (int z = 0; z < 21; ++z)
    for (int y = 0; y < 21; ++y)
      for (int x = 0; x < 21; ++x)
        if ((z - 10) * (z - 10) + (y - 10) * (y - 10) + (x - 10) * (x - 10) <= 36) m(z, y, x) = 1;
  GranulometryParams p;
  p.local_thickness = true;
  const auto g = granulometry(m.view(), p);
  ASSERT_EQ(g.radius_um.size(), 7u);
  for (int i = 0; i < 5; ++i) EXPECT_LE(g.opening_voxels[i], g.phase_voxels);
  EXPECT_EQ(g.opening_voxels[5], g.phase_voxels);
  EXPECT_EQ(g.opening_voxels[6], 0);
  EXPECT_DOUBLE_EQ(g.volume_fraction_removed[6], 1.0);
  EXPECT_DOUBLE_EQ(g.radius_um[6], 3.5);
  // All of the volume at thickness 2 * 3 um: the median lies between radius 3.0 and 3.5 um.
  ASSERT_TRUE(g.d50_um.has_value());
  EXPECT_NEAR(*g.d50_um, 6.5, 1e-9);
  EXPECT_FLOAT_EQ(g.local_thickness_um(10, 10, 10), 6.0f);
  EXPECT_FLOAT_EQ(g.local_thickness_um(0, 0, 0), 0.0f);
}

TEST(Granulometry, LocalThicknessIsLargestKeepingOpening) {
  const auto m = random_blobs({30, 30, 30}, 20, 9);
  GranulometryParams p;
  p.local_thickness = true;
  const auto g = granulometry(m.view(), p);
  // Per radius, the voxels whose thickness >= 2r are at least the opening's voxels that no later
  // opening keeps; the total count at thickness exactly 2 r_last equals the last non-empty opening.
  std::size_t last_nonempty = 0;
  for (std::size_t i = 0; i < g.opening_voxels.size(); ++i)
    if (g.opening_voxels[i] > 0) last_nonempty = i;
  int64_t at_last = 0, positive = 0;
  for (int64_t k = 0; k < m.size(); ++k) {
    const float t = g.local_thickness_um.data()[k];
    if (t == float(2 * g.radius_um[last_nonempty])) ++at_last;
    if (t > 0) {
      ++positive;
      EXPECT_TRUE(m.data()[k]);
    }
  }
  EXPECT_EQ(at_last, g.opening_voxels[last_nonempty]);
  EXPECT_EQ(positive <= g.phase_voxels, true);
  EXPECT_GT(positive, g.opening_voxels[0] - 1);
}

TEST(Granulometry, OneThreadEqualsManyThreads) {
  const auto m = random_blobs({40, 32, 36}, 30, 3);
  GranulometryParams p;
  p.local_thickness = true;
  const auto a = test::on_threads(1, [&] { return granulometry(m.view(), p); });
  const auto b = test::on_threads(4, [&] { return granulometry(m.view(), p); });
  EXPECT_EQ(a.opening_voxels, b.opening_voxels);
  for (int64_t k = 0; k < m.size(); ++k) ASSERT_EQ(a.local_thickness_um.data()[k], b.local_thickness_um.data()[k]);
}

TEST(Granulometry, EdgeCases) {
  // Empty phase: documented empty result.
  const auto empty = Volume<uint8_t>::filled({5, 5, 5}, {}, 0);
  const auto g0 = granulometry(empty.view());
  EXPECT_EQ(g0.phase_voxels, 0);
  EXPECT_TRUE(g0.radius_um.empty());
  EXPECT_FALSE(g0.d50_um.has_value());
  // Phase filling the volume: needs a max radius, then nothing is ever removed.
  const auto full = Volume<uint8_t>::filled({5, 5, 5}, {}, 1);
  EXPECT_THROW(granulometry(full.view()), InputError);
  GranulometryParams p;
  p.max_radius_um = 50;  // radius range far larger than the volume: fine
  const auto g1 = granulometry(full.view(), p);
  EXPECT_EQ(g1.radius_um.size(), 50u);
  for (double f : g1.volume_fraction_removed) EXPECT_EQ(f, 0.0);
  p.max_radius_um = 1e6;  // more radii than the per-voxel radius code holds: a clear error
  EXPECT_THROW(granulometry(full.view(), p), InputError);
  p.max_radius_um = -1;
  EXPECT_THROW(granulometry(full.view(), p), InputError);
  p.max_radius_um = 0.5;
  EXPECT_THROW(granulometry(full.view(), p), InputError);
}

}  // namespace
}  // namespace emorph
