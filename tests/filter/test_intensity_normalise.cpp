// Contrast along z: slices that differ by a gain and offset come out identical (mean/std) or with the
// reference's grey-level distribution (histogram matching).
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <limits>
#include <random>

#include "emorph/error.hpp"
#include "emorph/filter/intensity_normalise.hpp"

namespace emorph {
namespace {

// Every slice is the same random image under a different gain and offset.
Volume<float> gained_stack(int64_t nz) {
  Volume<float> v({nz, 40, 50});
  std::mt19937_64 rng(5);
  std::gamma_distribution<float> g(2.0f, 20.0f);
  std::vector<float> base(40 * 50);
  for (float& b : base) b = g(rng);
  for (int64_t z = 0; z < nz; ++z)
    for (int64_t i = 0; i < 40 * 50; ++i) v.data()[z * 2000 + i] = (1.0f - 0.05f * z) * base[i] + 3.0f * z;
  return v;
}

TEST(IntensityNormalise, MeanStdMakesGainedSlicesIdentical) {
  const auto v = gained_stack(6);
  IntensityNormaliseParams params;
  params.reference_slice = 2;
  const auto r = normalise_intensity(v.view(), params);
  for (int64_t z = 0; z < 6; ++z)
    for (int64_t i = 0; i < 2000; ++i) ASSERT_NEAR(r.stack.data()[z * 2000 + i], v.data()[2 * 2000 + i], 1e-3);
  EXPECT_NEAR(r.target_mean, r.slice_mean[2], 1e-9);
  // Stack-wide target: every slice gets the average mean and standard deviation.
  const auto avg = normalise_intensity(v.view());
  double mean = 0;
  for (double m : avg.slice_mean) mean += m / 6;
  EXPECT_NEAR(avg.target_mean, mean, 1e-9);
}

TEST(IntensityNormalise, HistogramMatchingUndoesAMonotoneTransform) {
  // Slice 1 is a square-root transform of slice 0; matching to slice 0 restores its values within the
  // quantisation of the 4096-bin histograms (range ~300 grey levels: 0.1 px... 0.5 grey levels).
  Volume<float> v({2, 64, 64});
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<float> u(0, 300);
  for (int64_t i = 0; i < 4096; ++i) {
    v.data()[i] = u(rng);
    v.data()[4096 + i] = 10 * std::sqrt(v.data()[i]);
  }
  IntensityNormaliseParams params;
  params.method = IntensityMethod::histogram;
  params.reference_slice = 0;
  const auto r = normalise_intensity(v.view(), params);
  double worst = 0;
  for (int64_t i = 0; i < 4096; ++i) worst = std::max(worst, double(std::abs(r.stack.data()[4096 + i] - v.data()[i])));
  EXPECT_LT(worst, 0.5);
}

TEST(IntensityNormalise, OneAndManyThreadsIdentical) {
  const auto v = gained_stack(7);
  for (auto method : {IntensityMethod::mean_std, IntensityMethod::histogram}) {
    IntensityNormaliseParams params;
    params.method = method;
    const int saved = omp_get_max_threads();
    omp_set_num_threads(1);
    const auto one = normalise_intensity(v.view(), params);
    omp_set_num_threads(3);
    const auto many = normalise_intensity(v.view(), params);
    omp_set_num_threads(saved);
    EXPECT_TRUE(std::equal(one.stack.begin(), one.stack.end(), many.stack.begin()));
  }
}

TEST(IntensityNormalise, BadInputThrows) {
  auto v = gained_stack(3);
  IntensityNormaliseParams params;
  params.reference_slice = 3;
  EXPECT_THROW(normalise_intensity(v.view(), params), InputError);
  EXPECT_THROW(parse_intensity_method("zscore", "--intensity"), InputError);
  std::fill_n(v.data() + 2000, 2000, 7.0f);
  try {
    normalise_intensity(v.view());
    FAIL() << "constant slice accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("slice 1"), std::string::npos) << e.what();
  }
  v.data()[10] = std::numeric_limits<float>::infinity();
  EXPECT_THROW(normalise_intensity(v.view()), InputError);
}

}  // namespace
}  // namespace emorph
