// Sub-pixel slice translation: separable Keys cubic equals a brute-force 2D cubic convolution; integer
// shifts are exact; alignment with the true drift undoes a rendered drift.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "emorph/error.hpp"
#include "emorph/filter/shift.hpp"
#include "filter/fibsem_synthetic.hpp"
#include "support/threads.hpp"

namespace emorph {
namespace {

double keys(double s) {  // Keys (1981) cubic kernel, a = -1/2
  s = std::abs(s);
  if (s < 1) return 1.5 * s * s * s - 2.5 * s * s + 1;
  if (s < 2) return -0.5 * s * s * s + 2.5 * s * s - 4 * s + 2;
  return 0;
}

// Brute force: out(y, x) = sum over the 4 x 4 neighbours of in at (y + dy, x + dx), borders replicated.
float brute_force_sample(const Volume<float>& v, int64_t z, double py, double px) {
  double sum = 0;
  for (int64_t j = static_cast<int64_t>(std::floor(py)) - 1; j <= static_cast<int64_t>(std::floor(py)) + 2; ++j)
    for (int64_t i = static_cast<int64_t>(std::floor(px)) - 1; i <= static_cast<int64_t>(std::floor(px)) + 2; ++i)
      sum += keys(py - j) * keys(px - i) * v(z, std::clamp<int64_t>(j, 0, v.ny() - 1), std::clamp<int64_t>(i, 0, v.nx() - 1));
  return static_cast<float>(sum);
}

Volume<float> random_stack(Shape shape, uint64_t seed) {
  Volume<float> v(shape);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> u(0, 255);
  for (float& x : v) x = u(rng);
  return v;
}

TEST(ApplyDrift, EqualsBruteForceBicubic) {
  // Same arithmetic up to float rounding of the two passes: 1e-3 grey levels on values up to 255.
  const auto v = random_stack({3, 17, 23}, 1);
  const std::vector<std::array<double, 2>> drift = {{0.3, -1.7}, {-2.25, 4.6}, {5.5, 0.0}};
  const auto out = apply_drift(v.view(), drift);
  for (int64_t z = 0; z < 3; ++z)
    for (int64_t y = 0; y < 17; ++y)
      for (int64_t x = 0; x < 23; ++x)
        ASSERT_NEAR(out(z, y, x), brute_force_sample(v, z, y + drift[z][0], x + drift[z][1]), 1e-3)
            << z << "," << y << "," << x;
}

TEST(ApplyDrift, IntegerShiftsAreExactAndConstantFillWorks) {
  const auto v = random_stack({1, 10, 12}, 2);
  const auto out = apply_drift(v.view(), {{2.0, -3.0}});
  for (int64_t y = 0; y < 8; ++y)
    for (int64_t x = 3; x < 12; ++x) EXPECT_EQ(out(0, y, x), v(0, y + 2, x - 3));
  ShiftParams fill;
  fill.constant_fill = true;
  fill.fill_value = -1;
  const auto filled = apply_drift(v.view(), {{2.0, -3.0}}, fill);
  EXPECT_EQ(filled(0, 9, 5), -1.0f);  // row 9 + 2 is outside
  EXPECT_EQ(filled(0, 4, 1), -1.0f);  // column 1 - 3 is outside
  EXPECT_EQ(filled(0, 4, 5), v(0, 6, 2));
}

TEST(ApplyDrift, UndoesARenderedDrift) {
  // Slices rendered with a known drift, moved back by it, match the undrifted rendering inside a
  // margin (content enters at the borders): cubic interpolation of anti-aliased edges with noise
  // stays within a few grey levels on average (contrast 30..200).
  test::SyntheticFibsemParams p;
  p.nz = 6;
  p.max_drift_px = 5;
  p.noise_sigma = 0;
  p.z_elongation = 1e6;  // every slice shows the same structure
  const auto s = test::make_synthetic_fibsem(p);
  const auto aligned = apply_drift(s.stack.view(), s.drift);
  double error = 0;
  int64_t n = 0;
  for (int64_t z = 0; z < p.nz; ++z)
    for (int64_t y = 8; y < p.ny - 8; ++y)
      for (int64_t x = 8; x < p.nx - 8; ++x, ++n) error += std::abs(aligned(z, y, x) - s.stack(0, y, x));
  EXPECT_LT(error / double(n), 3.0);
}

TEST(ApplyDrift, OneAndManyThreadsIdentical) {
  const auto v = random_stack({9, 31, 29}, 3);
  std::vector<std::array<double, 2>> drift;
  for (int z = 0; z < 9; ++z) drift.push_back({0.37 * z - 1, -0.61 * z});
  const auto one = test::on_threads(1, [&] { return apply_drift(v.view(), drift); });
  const auto many = test::on_threads(3, [&] { return apply_drift(v.view(), drift); });
  EXPECT_TRUE(std::equal(one.begin(), one.end(), many.begin()));
}

TEST(ApplyDrift, BadDriftThrows) {
  const auto v = random_stack({2, 8, 8}, 4);
  EXPECT_THROW(apply_drift(v.view(), {{0.0, 0.0}}), InputError);
  EXPECT_THROW(apply_drift(v.view(), {{0.0, 0.0}, {std::numeric_limits<double>::quiet_NaN(), 0.0}}), InputError);
}

}  // namespace
}  // namespace emorph
