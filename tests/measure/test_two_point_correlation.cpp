#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "boolean_spheres.hpp"
#include "emorph/measure/two_point_correlation.hpp"
#include "random_mask.hpp"
#include "support/threads.hpp"

namespace emorph {
namespace {

// Any nonzero value is the phase: 3 here.
Volume<uint8_t> random_mask(Shape s, double p, uint64_t seed, Spacing sp = {}) {
  return test::random_mask(s, p, seed, sp, 3);
}

// Brute force: average of I(p) I(p + k e_axis) over the pairs inside the volume.
double brute_s2(const Volume<uint8_t>& m, int axis, int64_t k) {
  const Shape s = m.shape();
  int64_t both = 0, pairs = 0;
  for (int64_t z = 0; z < s.nz; ++z)
    for (int64_t y = 0; y < s.ny; ++y)
      for (int64_t x = 0; x < s.nx; ++x) {
        int64_t q[3] = {z, y, x};
        q[axis] += k;
        if (q[axis] >= s[axis]) continue;
        ++pairs;
        both += m(z, y, x) && m(q[0], q[1], q[2]);
      }
  return static_cast<double>(both) / static_cast<double>(pairs);
}

class TwoPointMethods : public ::testing::TestWithParam<CorrelationMethod> {};

TEST_P(TwoPointMethods, MatchBruteForceOnRandomVolume) {
  const Spacing sp{0.5, 1.25, 2.0};
  // Odd and prime extents (FFT padding not a power of two), x beyond 64 (several words per bit row),
  // then y beyond 64 too (several 64 x 64 blocks per transposed plane, partial ones at both edges).
  for (const Shape shape : {Shape{9, 14, 131}, Shape{4, 77, 131}}) {
    const auto m = random_mask(shape, 0.4, 5, sp);
    TwoPointCorrelationParams p;
    p.max_lag_um = 1000;  // clamped to the extent minus one voxel: every lag the volume holds
    p.method = GetParam();
    const auto r = two_point_correlation(m.view(), p);
    EXPECT_EQ(r.method, GetParam());
    int64_t phase = 0;
    for (auto v : m) phase += v != 0;
    EXPECT_EQ(r.phase_voxels, phase);
    for (int a = 0; a < 3; ++a) {
      const auto& c = r.axes[a];
      ASSERT_EQ(c.s2.size(), static_cast<std::size_t>(m.shape()[a]));
      // S2(0) is the volume fraction exactly.
      EXPECT_EQ(c.s2[0], static_cast<double>(phase) / static_cast<double>(m.size()));
      for (std::size_t k = 0; k < c.s2.size(); ++k) {
        // direct: exact integer counts. fft: float transforms of at most a few thousand lines, 1e-5 absolute
        // is ample and far below 1 / pairs.
        const double expected = brute_s2(m, a, static_cast<int64_t>(k));
        if (GetParam() == CorrelationMethod::direct) {
          EXPECT_DOUBLE_EQ(c.s2[k], expected) << "axis " << a << " lag " << k;
        } else {
          EXPECT_NEAR(c.s2[k], expected, 1e-5) << "axis " << a << " lag " << k;
        }
        EXPECT_DOUBLE_EQ(c.r_um[k], static_cast<double>(k) * sp[a]);
        EXPECT_EQ(c.pairs[k], (m.shape()[a] - static_cast<int64_t>(k)) * (m.size() / m.shape()[a]));
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Methods, TwoPointMethods,
                         ::testing::Values(CorrelationMethod::direct, CorrelationMethod::fft));

TEST(TwoPointCorrelation, AutomaticPicksDirectForUsualLagsAndFftForLongOnes) {
  const auto m = random_mask({8, 20, 31}, 0.5, 9);
  EXPECT_EQ(two_point_correlation(m.view()).method, CorrelationMethod::direct);
  // 6000 lags along x: 94 word operations per voxel (12 AVX-512 ones) against 0.6 log2(L) ~ 10 per
  // voxel for the transforms of the three axes.
  const auto wide = random_mask({2, 2, 12100}, 0.5, 9);
  TwoPointCorrelationParams p;
  p.max_lag_um = 6000;
  EXPECT_EQ(two_point_correlation(wide.view(), p).method, CorrelationMethod::fft);
}

TEST(TwoPointCorrelation, DefaultLagsAreHalfTheExtent) {
  const auto m = random_mask({8, 20, 31}, 0.5, 9);
  const auto r = two_point_correlation(m.view());
  EXPECT_EQ(r.axes[0].s2.size(), 5u);
  EXPECT_EQ(r.axes[1].s2.size(), 11u);
  EXPECT_EQ(r.axes[2].s2.size(), 16u);
}

TEST(TwoPointCorrelation, SameForAnyThreadCount) {
  const auto m = random_mask({37, 30, 26}, 0.3, 13);
  for (auto method : {CorrelationMethod::direct, CorrelationMethod::fft}) {
    TwoPointCorrelationParams p;
    p.method = method;
    const auto one = test::on_threads(1, [&] { return two_point_correlation(m.view(), p); });
    const auto many = test::on_threads(0, [&] { return two_point_correlation(m.view(), p); });
    for (int a = 0; a < 3; ++a) EXPECT_EQ(one.axes[a].s2, many.axes[a].s2);
  }
}

TEST(TwoPointCorrelation, BooleanSpheresFollowTheAnalyticCovariance) {
  // Boolean spheres of R = 5 voxels: S2(h) = 1 - 2q + q^2 exp(lambda lens(h)), reaching phi^2 exactly at
  // h = 2R (the correlation length). One 128^3 realisation: its fraction deviates from the model's by
  // sqrt(phi (1 - phi) A3 / V) ~ 0.007 (1 sigma; this seed is 2.5 sigma low), so the curve is compared
  // with the realisation's own phi: the normalised covariance (S2 - phi^2) / (phi - phi^2) against the
  // model's C(h) / C(0) within 0.03 below 2R (it falls from 1 to 0 over 10 lags, about 0.1 per lag), and
  // the 5 % of phi^2 beyond the correlation length (where the normalised noise reaches 0.03).
  test::BooleanSpheres model;
  const auto m = test::boolean_spheres({128, 128, 128}, 5.0, 0.5, 21, model);
  const auto r = two_point_correlation(m.view());
  const double phi = r.volume_fraction;
  EXPECT_NEAR(phi, model.volume_fraction(), 0.025);
  for (int a = 0; a < 3; ++a) {
    const auto& c = r.axes[a];
    EXPECT_EQ(c.s2[0], phi);
    for (std::size_t k = 0; k < c.s2.size(); ++k) {
      const double h = static_cast<double>(k);
      if (c.r_um[k] < 2 * model.radius) {
        EXPECT_NEAR((c.s2[k] - phi * phi) / (phi - phi * phi), model.covariance(h) / model.covariance(0), 0.03)
            << "axis " << a << " lag " << k;
      } else {
        EXPECT_NEAR(c.s2[k], phi * phi, 0.05 * phi * phi) << "axis " << a << " lag " << k;
      }
    }
  }
}

TEST(TwoPointCorrelation, BadInputIsAnInputError) {
  Volume<uint8_t> empty;
  EXPECT_THROW(two_point_correlation(empty.view()), InputError);
  const auto m = random_mask({4, 4, 4}, 0.5, 1);
  TwoPointCorrelationParams p;
  p.max_lag_um = -1;
  EXPECT_THROW(two_point_correlation(m.view(), p), InputError);
  EXPECT_THROW(parse_correlation_method("slow"), InputError);
}

}  // namespace
}  // namespace emorph
