#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>

#include "emorph/error.hpp"
#include "emorph/filter/bilateral.hpp"
#include "emorph/filter/gaussian.hpp"
#include "emorph/parallel.hpp"

using namespace emorph;

namespace {

int64_t reflect_ref(int64_t i, int64_t n) {
  while (i < 0 || i >= n) i = i < 0 ? -i - 1 : 2 * n - 1 - i;
  return i;
}

Volume<double> bilateral_reference(const Volume<uint8_t>& in, double ss, double sr) {
  const int r = static_cast<int>(std::ceil(2 * ss));
  Volume<double> out(in.shape());
  for (int64_t z = 0; z < in.nz(); ++z)
    for (int64_t y = 0; y < in.ny(); ++y)
      for (int64_t x = 0; x < in.nx(); ++x) {
        double sw = 0, sv = 0;
        const double c = in(z, y, x);
        for (int a = -r; a <= r; ++a)
          for (int b = -r; b <= r; ++b)
            for (int d = -r; d <= r; ++d) {
              const double v = in(reflect_ref(z + a, in.nz()), reflect_ref(y + b, in.ny()), reflect_ref(x + d, in.nx()));
              const double w = std::exp(-(a * a + b * b + d * d) / (2 * ss * ss)) * std::exp(-(v - c) * (v - c) / (2 * sr * sr));
              sw += w, sv += w * v;
            }
        out(z, y, x) = sv / sw;
      }
  return out;
}

Volume<uint8_t> noisy_step(Shape s, uint64_t seed) {  // 40 | 160 along x, noise sd 8
  Volume<uint8_t> v(s);
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> n(0, 8);
  for (int64_t z = 0; z < s.nz; ++z)
    for (int64_t y = 0; y < s.ny; ++y)
      for (int64_t x = 0; x < s.nx; ++x) v(z, y, x) = static_cast<uint8_t>(std::lround((x < s.nx / 2 ? 40 : 160) + n(rng)));
  return v;
}

}  // namespace

TEST(Bilateral, EqualsDoublePrecisionReference) {
  auto v = noisy_step({6, 7, 9}, 1);
  auto ref = bilateral_reference(v, 1.0, 30.0);
  auto out = bilateral_filter<uint8_t>(v.view(), {1.0, 30.0});
  // float32 weights and sums over 125 neighbours: relative error ~1e-6 of values <= 255.
  for (int64_t i = 0; i < v.size(); ++i) ASSERT_NEAR(out.data()[i], ref.data()[i], 2e-3) << i;
}

TEST(Bilateral, PreservesAStepThatGaussianBlurs) {
  auto v = noisy_step({8, 8, 16}, 2);
  auto b = bilateral_filter<uint8_t>(v.view(), {1.5, 25.0});
  auto g = gaussian_filter<uint8_t>(v.view(), {1.5});
  // Beside the step (x = 7 | 8) the bilateral mean stays within a few grey levels of its side, the
  // Gaussian mixes the two sides by tens of grey levels; far from the step both denoise.
  double b_err = 0, g_err = 0, noise_before = 0, noise_after = 0;
  for (int64_t z = 0; z < 8; ++z)
    for (int64_t y = 0; y < 8; ++y) {
      b_err += std::abs(b(z, y, 7) - 40) + std::abs(b(z, y, 8) - 160);
      g_err += std::abs(g(z, y, 7) - 40) + std::abs(g(z, y, 8) - 160);
      noise_before += std::abs(v(z, y, 3) - 40.0);
      noise_after += std::abs(b(z, y, 3) - 40.0);
    }
  EXPECT_LT(b_err / 128, 4.0);
  EXPECT_GT(g_err / 128, 20.0);
  EXPECT_LT(noise_after, 0.5 * noise_before);
}

TEST(Bilateral, OneAndManyThreadsIdenticalAndBadSigmas) {
  auto v = noisy_step({10, 6, 12}, 3);
  set_threads(1);
  auto a = bilateral_filter<uint8_t>(v.view(), {1.0, 20.0});
  set_threads(4);
  auto b = bilateral_filter<uint8_t>(v.view(), {1.0, 20.0});
  set_threads(0);
  EXPECT_TRUE(std::equal(a.begin(), a.end(), b.begin()));
  EXPECT_THROW(bilateral_filter<uint8_t>(v.view(), {1.0, 0.0}), InputError);
  EXPECT_THROW(bilateral_filter<uint8_t>(v.view(), {0.0, 10.0}), InputError);
}

// The 16-bit range-weight table must give the bits of the direct float evaluation: the same values as
// uint16 (table) and as int32 (exp per neighbour) filter to identical floats, across rows wider than
// the kernel's blocks (interior and reflected edges), and the output slices alone equal the full run's.
TEST(Bilateral, RangeWeightTableAndOutputSlicesBitIdentical) {
  const Shape shape{7, 9, 300};
  Volume<uint16_t> v16(shape);
  Volume<int32_t> v32(shape);
  std::mt19937_64 rng(4);
  std::normal_distribution<double> noise(0, 900);
  for (int64_t i = 0; i < v16.size(); ++i) {
    const double level = (i / 37) % 3 == 0 ? 60000 : ((i / 11) % 2 ? 20000 : 300);
    v16.data()[i] = static_cast<uint16_t>(std::clamp(std::lround(level + noise(rng)), 0L, 65535L));
    v32.data()[i] = v16.data()[i];
  }
  for (const BilateralParams p : {BilateralParams{1.0, 2000.0}, BilateralParams{1.4, 150.0}}) {
    const auto table = bilateral_filter<uint16_t>(v16.view(), p);
    const auto direct = bilateral_filter<int32_t>(v32.view(), p);
    ASSERT_EQ(std::memcmp(table.data(), direct.data(), sizeof(float) * table.size()), 0) << p.sigma_range;
    const auto core = bilateral_filter_slices<uint16_t>(v16.view(), p, 2, 5);
    ASSERT_EQ(core.nz(), 3);
    EXPECT_EQ(std::memcmp(core.data(), &table(2, 0, 0), sizeof(float) * core.size()), 0) << p.sigma_range;
  }
  EXPECT_THROW(bilateral_filter_slices<uint16_t>(v16.view(), {1.0, 10.0}, 3, 8), InputError);
}
