#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "boolean_spheres.hpp"
#include "emorph/measure/rev.hpp"
#include "random_mask.hpp"
#include "support/threads.hpp"

namespace emorph {
namespace {

using test::random_mask;

// Variance of the fraction over a cube of w voxels for the Boolean model: (1 / w^6) sum over lattice
// lags h of C(|h|) prod (w - |h_i|) (the cube's covariogram); exact on the voxel lattice, since the
// indicator sampled at voxel centres has the continuous model's covariance.
double analytic_variance(const test::BooleanSpheres& model, int64_t w) {
  const int64_t k = std::min<int64_t>(w - 1, static_cast<int64_t>(2 * model.radius) + 1);
  double sum = 0;
  for (int64_t a = -k; a <= k; ++a)
    for (int64_t b = -k; b <= k; ++b)
      for (int64_t c = -k; c <= k; ++c)
        sum += model.covariance(std::sqrt(static_cast<double>(a * a + b * b + c * c))) *
               static_cast<double>((w - std::abs(a)) * (w - std::abs(b)) * (w - std::abs(c)));
  return sum / std::pow(static_cast<double>(w), 6);
}

// Integral range on the lattice: sum of C over all lags / (phi (1 - phi)), in voxels^3.
double analytic_integral_range(const test::BooleanSpheres& model) {
  const int64_t k = static_cast<int64_t>(2 * model.radius) + 1;
  double sum = 0;
  for (int64_t a = -k; a <= k; ++a)
    for (int64_t b = -k; b <= k; ++b)
      for (int64_t c = -k; c <= k; ++c) sum += model.covariance(std::sqrt(static_cast<double>(a * a + b * b + c * c)));
  const double phi = model.volume_fraction();
  return sum / (phi * (1 - phi));
}

TEST(Rev, BooleanSpheresVarianceFollowsTheAnalyticLaw) {
  // One 128^3 realisation of Boolean spheres (R = 4 voxels, phi = 0.5). Cubes up to 24 voxels leave
  // >= (128 / 24)^3 = 150 independent cubes (several times more placements), so the measured variance
  // is within ~5 % of the law (checked on 4 seeds with a numpy twin); 10 % is the tolerance.
  test::BooleanSpheres model;
  const auto m = test::boolean_spheres({128, 128, 128}, 4.0, 0.5, 17, model);
  RevParams p;
  p.sizes_um = {4, 6, 8, 12, 16, 24};
  const auto r = representative_volume(m.view(), p);
  ASSERT_EQ(r.std_fraction.size(), p.sizes_um.size());
  for (std::size_t i = 0; i < p.sizes_um.size(); ++i) {
    const double expected = analytic_variance(model, static_cast<int64_t>(p.sizes_um[i]));
    const double measured = r.std_fraction[i] * r.std_fraction[i];
    EXPECT_NEAR(measured / expected, 1.0, 0.10) << "cube of " << p.sizes_um[i] << " voxels";
    EXPECT_NEAR(r.mean_fraction[i], r.volume_fraction, 0.01);
  }
}

TEST(Rev, BooleanSpheresIntegralRange) {
  // The default sizes (2 .. 64 voxels, ratio sqrt 2): the fit uses cubes of 4 .. 32 voxels (0.5 .. 4
  // correlation lengths 2R), where the plain law var V / (phi (1 - phi)) is still 18-86 % below A3.
  // The parabola in 1/L leaves -0.3 % on noise-free variances (docs/statistics.md); what remains is the
  // realisation's scatter, ~7 % (1 sd) for one 128^3 volume holding ~10^4 integral ranges. Six fixed
  // seeds: each within 20 % (~3 sd), their mean within 6 % (~2 sd of a mean of six; the straight line
  // in 1/L used before gave a mean near 0.90 on these volumes and fails it).
  double sum = 0;
  int seeds = 0;
  for (uint64_t seed : {23, 5, 7, 11, 13, 29}) {
    test::BooleanSpheres model;
    const auto m = test::boolean_spheres({128, 128, 128}, 4.0, 0.5, seed, model);
    const auto r = representative_volume(m.view());
    const double a3 = analytic_integral_range(model);
    EXPECT_NEAR(r.integral_range_um3 / a3, 1.0, 0.20) << "seed " << seed << " A3 " << r.integral_range_um3 << " expected " << a3;
    sum += r.integral_range_um3 / a3;
    ++seeds;
    if (seed == 23) {
      const double pv = r.volume_fraction * (1 - r.volume_fraction);
      const double bar = std::sqrt(pv * a3 / std::pow(128.0, 3));
      EXPECT_NEAR(r.volume_fraction_std, bar, 0.08 * bar);
      EXPECT_EQ(std::count(r.used_in_fit.begin(), r.used_in_fit.end(), true), 7);
    }
  }
  EXPECT_NEAR(sum / seeds, 1.0, 0.06);
}

TEST(Rev, MatchesBruteForceWindowsWithAnisotropicSpacing) {
  const Spacing sp{2.0, 1.0, 0.5};
  const auto m = random_mask({10, 19, 33}, 0.35, 3, sp);
  RevParams p;
  p.sizes_um = {8.0, 4.0};  // sorted on output; 8 um = 4 x 8 x 16 voxels
  const auto r = representative_volume(m.view(), p);
  ASSERT_EQ(r.sizes_um, (std::vector<double>{4.0, 8.0}));
  const int64_t w[3] = {4, 8, 16}, step[3] = {1, 2, 4};
  double sum = 0, sum_sq = 0;
  int64_t n = 0;
  for (int64_t z = 0; z + w[0] <= 10; z += step[0])
    for (int64_t y = 0; y + w[1] <= 19; y += step[1])
      for (int64_t x = 0; x + w[2] <= 33; x += step[2]) {
        int64_t count = 0;
        for (int64_t a = 0; a < w[0]; ++a)
          for (int64_t b = 0; b < w[1]; ++b)
            for (int64_t c = 0; c < w[2]; ++c) count += m(z + a, y + b, x + c);
        const double f = static_cast<double>(count) / (w[0] * w[1] * w[2]);
        sum += f;
        sum_sq += f * f;
        ++n;
      }
  const double mean = sum / n;
  EXPECT_EQ(r.subvolumes[1], n);
  EXPECT_DOUBLE_EQ(r.volumes_um3[1], 8.0 * 8.0 * 8.0);
  EXPECT_NEAR(r.mean_fraction[1], mean, 1e-12);
  EXPECT_NEAR(r.std_fraction[1], std::sqrt(sum_sq / n - mean * mean), 1e-9);
  int64_t phase = 0;
  for (auto v : m) phase += v;
  EXPECT_EQ(r.phase_voxels, phase);
  EXPECT_DOUBLE_EQ(r.analysed_volume_um3, 10 * 19 * 33 * 1.0);
}

TEST(Rev, SameForAnyThreadCount) {
  const auto m = random_mask({40, 36, 30}, 0.4, 5);
  const auto one = test::on_threads(1, [&] { return representative_volume(m.view()); });
  const auto many = test::on_threads(0, [&] { return representative_volume(m.view()); });
  EXPECT_EQ(one.std_fraction, many.std_fraction);
  EXPECT_EQ(one.mean_fraction, many.mean_fraction);
}

TEST(Rev, BadInputIsAnInputError) {
  const auto m = random_mask({8, 8, 8}, 0.4, 5);
  RevParams p;
  p.sizes_um = {4, -1};
  EXPECT_THROW(representative_volume(m.view(), p), InputError);
  Volume<uint8_t> empty;
  EXPECT_THROW(representative_volume(empty.view()), InputError);
}

}  // namespace
}  // namespace emorph
