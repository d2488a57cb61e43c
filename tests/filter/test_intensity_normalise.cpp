// Contrast along z: slices that differ by a gain and offset come out identical (mean/std) or with the
// reference's grey-level distribution (histogram matching).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "emorph/error.hpp"
#include "emorph/filter/intensity_normalise.hpp"
#include "support/threads.hpp"

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
    const auto one = test::on_threads(1, [&] { return normalise_intensity(v.view(), params); });
    const auto many = test::on_threads(3, [&] { return normalise_intensity(v.view(), params); });
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

namespace emorph {
namespace {

// Three phases (grey 30, 110, 200, noise sd 6) whose shares change along z as in a cut through a large
// particle: the bright phase fills 10 % of slice 0 and 90 % of the last; the contrast decays linearly by
// 20 % about grey 115 from the first slice to the last (the FIB/SEM simulator's contrast decay).
Volume<float> composition_stack(int64_t nz, double decay) {
  Volume<float> v({nz, 64, 64});
  std::mt19937_64 rng(11);
  std::normal_distribution<float> noise(0, 6);
  for (int64_t z = 0; z < nz; ++z) {
    const double bright = 0.1 + 0.8 * double(z) / double(nz - 1);
    const double c = 1 - decay * double(z) / double(nz - 1);
    for (int64_t y = 0; y < 64; ++y)
      for (int64_t x = 0; x < 64; ++x) {
        const double t = (double(x) + 0.5) / 64;  // columns: bright share, then the rest split evenly
        const double g = t < bright ? 200 : (t < bright + (1 - bright) / 2 ? 110 : 30);
        v(z, y, x) = static_cast<float>(115 + (g - 115) * c + noise(rng));
      }
  }
  return v;
}

// Mean grey of the pixels of one phase (by column) in slice z after correction.
double phase_mean(const Volume<float>& v, int64_t z, int64_t nz, int phase) {
  const double bright = 0.1 + 0.8 * double(z) / double(nz - 1);
  double s = 0;
  int64_t n = 0;
  for (int64_t y = 0; y < 64; ++y)
    for (int64_t x = 0; x < 64; ++x) {
      const double t = (double(x) + 0.5) / 64;
      const int p = t < bright ? 2 : (t < bright + (1 - bright) / 2 ? 1 : 0);
      if (p == phase) s += v(z, y, x), ++n;
    }
  return s / double(n);
}

}  // namespace

// The root cause of issue 14's "fibsem-prep defaults destroy the pores": z-score normalisation reads a
// change of composition as a change of contrast. The phase-mode method keeps each phase at one level
// along z (within 3 grey levels: noise sd 6, means over >= 200 pixels, and the smoothing of the gain
// along z), while mean/std moves the dark phase by tens of grey levels.
TEST(IntensityNormalise, PhaseModesFollowThePhasesNotTheComposition) {
  const int64_t nz = 24;
  const auto v = composition_stack(nz, 0.2);
  IntensityNormaliseParams modes;
  modes.method = IntensityMethod::phase_modes;
  const auto r = normalise_intensity(v.view(), modes);
  ASSERT_EQ(r.reference_levels.size(), 3u);
  const auto z_score = normalise_intensity(v.view());
  double modes_spread = 0, z_score_spread = 0;
  for (int phase = 0; phase < 3; ++phase) {
    const double first = phase_mean(r.stack, 0, nz, phase), last = phase_mean(r.stack, nz - 1, nz, phase);
    modes_spread = std::max(modes_spread, std::abs(first - last));
    z_score_spread = std::max(z_score_spread, std::abs(phase_mean(z_score.stack, 0, nz, phase) -
                                                       phase_mean(z_score.stack, nz - 1, nz, phase)));
  }
  EXPECT_LT(modes_spread, 3.0);
  EXPECT_GT(z_score_spread, 20.0);
  // Without decay the map is the identity within a grey level.
  const auto flat = normalise_intensity(composition_stack(nz, 0.0).view(), modes);
  for (int64_t z = 0; z < nz; ++z) {
    EXPECT_NEAR(flat.slice_gain[z], 1.0, 0.01);
    EXPECT_NEAR(flat.slice_offset[z], 0.0, 1.5);
  }
  EXPECT_THROW(parse_intensity_method("zscore", "--intensity"), InputError);
  EXPECT_EQ(parse_intensity_method("modes", "--intensity"), IntensityMethod::phase_modes);
}

}  // namespace emorph
