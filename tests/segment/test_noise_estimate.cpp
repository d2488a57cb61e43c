// The input's noise from neighbouring voxels (noise_estimate.hpp): Gaussian noise of a known sigma on
// a two-phase volume is recovered (integer and float grey), the streamed counts equal the in-core
// estimate, and a mask is honoured.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <type_traits>

#include "emorph/segment/noise_estimate.hpp"

using namespace emorph;

namespace {

// Two phases split at the middle of x (grey 1000 and 1400) with Gaussian noise of `sigma` grey (rounded
// for integer types).
template <class T>
Volume<T> two_phases_with_noise(double sigma, uint64_t seed) {
  Volume<T> v(Shape{32, 48, 48});
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0, sigma);
  for (int64_t z = 0; z < v.nz(); ++z)
    for (int64_t y = 0; y < v.ny(); ++y)
      for (int64_t x = 0; x < v.nx(); ++x) {
        const double g = (x < 24 ? 1000 : 1400) + noise(rng);
        v(z, y, x) = static_cast<T>(std::is_integral_v<T> ? std::round(g) : g);
      }
  return v;
}

}  // namespace

// 32 x 48 x 47 = 72192 pairs: the MAD's relative standard error is about 1.2 / sqrt(n) = 0.5 %, the
// one boundary column holds 2 % of the pairs (they raise the median by about 2 % of a sigma) and the
// rounding adds 1/12 grey^2: 4 % covers them.
TEST(NoiseEstimate, RecoversTheSigmaOfGaussianNoiseAcrossAPhaseBoundary) {
  for (const double sigma : {5.0, 20.0, 60.0}) {
    const auto estimate = estimate_noise_sigma<uint16_t>(two_phases_with_noise<uint16_t>(sigma, 7).view());
    ASSERT_TRUE(estimate);
    EXPECT_NEAR(*estimate, sigma, 0.04 * sigma) << "sigma " << sigma;
    // Float grey, not rounded: the exact median of the differences.
    EXPECT_NEAR(*estimate_noise_sigma<float>(two_phases_with_noise<float>(sigma, 7).view()), sigma, 0.04 * sigma);
  }
}

TEST(NoiseEstimate, StreamedCountsGiveTheInCoreValueAndAMaskIsHonoured) {
  const auto v = two_phases_with_noise<uint16_t>(12.0, 8);
  const double whole = *estimate_noise_sigma<uint16_t>(v.view());
  // Slabs of 10, 10 and 12 slices: pairs lie in a slice, so the counts add up exactly.
  std::vector<int64_t> counts;
  for (int64_t z0 = 0; z0 < v.nz(); z0 += 10) {
    const int64_t nz = std::min<int64_t>(10, v.nz() - z0);
    accumulate_difference_counts<uint16_t>(counts, v.view().slab(z0, z0 + nz));
  }
  EXPECT_DOUBLE_EQ(*noise_sigma_from_difference_counts(counts), whole);
  // A mask that keeps only the dark half: the same noise; an empty mask: no estimate.
  Volume<uint8_t> mask(v.shape());
  for (int64_t z = 0; z < v.nz(); ++z)
    for (int64_t y = 0; y < v.ny(); ++y)
      for (int64_t x = 0; x < v.nx(); ++x) mask(z, y, x) = x < 24;
  EXPECT_NEAR(*estimate_noise_sigma<uint16_t>(v.view(), mask.view()), 12.0, 0.05 * 12.0);
  std::fill(mask.data(), mask.data() + mask.size(), uint8_t{0});
  EXPECT_FALSE(estimate_noise_sigma<uint16_t>(v.view(), mask.view()));
}
