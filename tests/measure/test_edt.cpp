#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "emorph/measure/edt.hpp"
#include "random_mask.hpp"
#include "support/threads.hpp"

namespace emorph {
namespace {

// Background (0) with probability p_background, else foreground (1).
Volume<uint8_t> random_mask(Shape s, double p_background, uint64_t seed) {
  Volume<uint8_t> m = test::random_mask(s, p_background, seed);
  for (auto& v : m) v = 1 - v;
  return m;
}

// Slow obvious reference: squared distance to every background voxel, in double.
std::vector<double> brute_squared(const Volume<uint8_t>& m, const Spacing& w) {
  std::vector<double> out(static_cast<std::size_t>(m.size()), std::numeric_limits<double>::infinity());
  for (int64_t z = 0; z < m.nz(); ++z)
    for (int64_t y = 0; y < m.ny(); ++y)
      for (int64_t x = 0; x < m.nx(); ++x) {
        double best = std::numeric_limits<double>::infinity();
        for (int64_t bz = 0; bz < m.nz(); ++bz)
          for (int64_t by = 0; by < m.ny(); ++by)
            for (int64_t bx = 0; bx < m.nx(); ++bx) {
              if (m(bz, by, bx) != 0) continue;
              const double d = w.dz * double(bz - z) * double(bz - z) + w.dy * double(by - y) * double(by - y) +
                               w.dx * double(bx - x) * double(bx - x);
              best = std::min(best, d);
            }
        out[static_cast<std::size_t>((z * m.ny() + y) * m.nx() + x)] = best;
      }
  return out;
}

TEST(Edt, SquaredVoxelDistancesEqualBruteForceExactly) {
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    const Shape s{7 + int64_t(seed % 3), 9, 11 + int64_t(seed)};
    const auto m = random_mask(s, seed % 2 ? 0.05 : 0.3, seed);
    const auto d = squared_distance_transform(m.view(), Spacing{1, 1, 1});
    const auto ref = brute_squared(m, Spacing{1, 1, 1});
    for (int64_t i = 0; i < m.size(); ++i) ASSERT_EQ(double(d.data()[i]), ref[static_cast<std::size_t>(i)]) << i;
  }
}

TEST(Edt, AnisotropicDistancesMatchBruteForce) {
  const Spacing spacing{0.7, 0.35, 0.2};
  for (uint64_t seed = 10; seed < 14; ++seed) {
    auto m = random_mask({8, 10, 12}, 0.08, seed);
    m.set_spacing(spacing);
    const auto d = distance_transform(m.view());
    EXPECT_EQ(d.spacing(), spacing);
    const auto ref = brute_squared(m, Spacing{0.49, 0.35 * 0.35, 0.04});
    // Float32 output: within a few float ulps of the double reference.
    for (int64_t i = 0; i < m.size(); ++i)
      ASSERT_NEAR(d.data()[i], std::sqrt(ref[static_cast<std::size_t>(i)]), 1e-6 * (1 + std::sqrt(ref[static_cast<std::size_t>(i)]))) << i;
  }
}

TEST(Edt, ExplicitSpacingOverridesView) {
  const auto m = random_mask({6, 6, 6}, 0.1, 3);
  EdtParams p;
  p.spacing = Spacing{2, 2, 2};
  const auto d2 = distance_transform(m.view(), p);
  const auto d1 = distance_transform(m.view());
  for (int64_t i = 0; i < m.size(); ++i) ASSERT_FLOAT_EQ(d2.data()[i], 2 * d1.data()[i]);
}

TEST(Edt, SphereCentreDistanceIsAnalytic) {
  // A single background voxel at the centre: distance is the exact Euclidean norm of the offset.
  Volume<uint8_t> m = Volume<uint8_t>::filled({21, 21, 21}, Spacing{0.5, 0.5, 0.5}, 1);
  m(10, 10, 10) = 0;
  const auto d = distance_transform(m.view());
  EXPECT_FLOAT_EQ(d(10, 10, 10), 0.0f);
  EXPECT_FLOAT_EQ(d(0, 0, 0), float(0.5 * std::sqrt(300.0)));
  EXPECT_FLOAT_EQ(d(10, 13, 14), 2.5f);
}

TEST(Edt, NoBackgroundIsInfinity) {
  const auto m = Volume<uint8_t>::filled({3, 4, 5}, {}, 7);
  const auto d = distance_transform(m.view());
  for (float v : d) EXPECT_TRUE(std::isinf(v));
}

TEST(Edt, StridedViewAndThinVolumes) {
  const auto m = random_mask({10, 12, 14}, 0.1, 5);
  const Box box{2, 9, 1, 11, 3, 13};
  const auto crop = m.view().crop(box);
  const auto copy = to_volume(crop);
  const auto a = squared_distance_transform(crop, {1, 1, 1});
  const auto b = squared_distance_transform(copy.view(), {1, 1, 1});
  for (int64_t i = 0; i < a.size(); ++i) ASSERT_EQ(a.data()[i], b.data()[i]);
  for (Shape s : {Shape{1, 1, 17}, Shape{1, 13, 1}, Shape{15, 1, 1}, Shape{1, 5, 6}}) {
    const auto t = random_mask(s, 0.2, 9);
    const auto d = squared_distance_transform(t.view(), {1, 1, 1});
    const auto ref = brute_squared(t, {1, 1, 1});
    for (int64_t i = 0; i < t.size(); ++i) ASSERT_EQ(double(d.data()[i]), ref[static_cast<std::size_t>(i)]);
  }
}

TEST(Edt, OneThreadEqualsManyThreads) {
  const auto m = random_mask({40, 37, 45}, 0.02, 11);
  const Spacing w{1.3, 0.9, 1.0};
  const auto a = test::on_threads(1, [&] { return squared_distance_transform(m.view(), w); });
  const auto b = test::on_threads(4, [&] { return squared_distance_transform(m.view(), w); });
  for (int64_t i = 0; i < m.size(); ++i) ASSERT_EQ(a.data()[i], b.data()[i]);
}

TEST(Edt, DistanceToSeedsDilates) {
  Volume<float> f = Volume<float>::filled({9, 9, 9}, {}, std::numeric_limits<float>::infinity());
  f(4, 4, 4) = 0;
  squared_distance_to_seeds_inplace(f.view(), {1, 1, 1});
  EXPECT_EQ(f(4, 4, 7), 9.0f);
  EXPECT_EQ(f(0, 0, 0), 48.0f);
}

TEST(Edt, BadSpacingIsInputError) {
  const auto m = random_mask({3, 3, 3}, 0.5, 1);
  EdtParams p;
  p.spacing = Spacing{0, 1, 1};
  EXPECT_THROW(distance_transform(m.view(), p), InputError);
}

}  // namespace
}  // namespace emorph
