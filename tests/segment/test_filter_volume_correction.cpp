// The volume a pre-filter removes, restored by moving the threshold (filter_volume_correction.hpp):
// exact arithmetic on a known histogram, and the default route on blurred noisy sphere packings where
// Otsu after the median misses the fraction target.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "emorph/error.hpp"
#include "emorph/phase_table.hpp"
#include "emorph/segment/filter_volume_correction.hpp"
#include "emorph/segment/segment.hpp"
#include "emorph/synth/xct.hpp"

using namespace emorph;

namespace {

Histogram flat_histogram() {  // 100 bins of width 2 from 0, 10 voxels each
  Histogram h;
  h.lower = 0, h.bin_width = 2;
  h.counts.assign(100, 10);
  return h;
}

// Non-overlapping spheres (1-voxel gaps), radii uniform in [rmin, rmax], until `fraction` is filled.
Volume<uint8_t> spheres(int n, double rmin, double rmax, double fraction, uint64_t seed) {
  Volume<uint8_t> v(Shape{n, n, n}, Spacing{1, 1, 1});
  std::fill(v.data(), v.data() + v.size(), uint8_t{0});
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<std::array<double, 4>> placed;
  int64_t filled = 0;
  for (int tries = 0; tries < 20000 && filled < fraction * double(v.size()); ++tries) {
    const double r = rmin + (rmax - rmin) * u(rng), z = u(rng) * n, y = u(rng) * n, x = u(rng) * n;
    bool free = true;
    for (const auto& s : placed) free = free && std::hypot(z - s[0], y - s[1], x - s[2]) >= r + s[3] + 1;
    if (!free) continue;
    placed.push_back({z, y, x, r});
    for (int zz = std::max(0, int(z - r)); zz <= std::min(n - 1, int(z + r) + 1); ++zz)
      for (int yy = std::max(0, int(y - r)); yy <= std::min(n - 1, int(y + r) + 1); ++yy)
        for (int xx = std::max(0, int(x - r)); xx <= std::min(n - 1, int(x + r) + 1); ++xx)
          if ((zz - z) * (zz - z) + (yy - y) * (yy - y) + (xx - x) * (xx - x) <= r * r && !v(zz, yy, xx))
            v(zz, yy, xx) = 1, ++filled;
  }
  return v;
}

double fraction_of(const Volume<uint8_t>& labels) {
  int64_t k = 0;
  for (uint8_t l : labels) k += l == 1;
  return double(k) / double(labels.size());
}

}  // namespace

TEST(FilterVolumeCorrection, ShareAboveAndUpperQuantileAreInverse) {
  const Histogram h = flat_histogram();
  EXPECT_DOUBLE_EQ(h.share_above(100), 0.5);
  EXPECT_DOUBLE_EQ(h.share_above(101), 0.495);  // half of bin 50 lies above 101
  EXPECT_DOUBLE_EQ(h.share_above(-5), 1.0);
  EXPECT_DOUBLE_EQ(h.share_above(250), 0.0);
  for (double share : {0.013, 0.25, 0.5, 0.777})
    EXPECT_NEAR(h.share_above(h.upper_quantile(share)), share, 1e-12);
}

TEST(FilterVolumeCorrection, MovesTheThresholdByTheLostMeanOverTheGreyStep) {
  const Histogram h = flat_histogram();
  // The filter lowered the mean by 3 grey units over a step of 150: 2 % of the voxels were bright.
  const FilterVolumeCorrection c = correct_filter_volume(h, 100, {80.0, 77.0, 25.0, 175.0});
  EXPECT_DOUBLE_EQ(c.fraction_shift, 0.02);
  EXPECT_NEAR(c.threshold, 96.0, 1e-9);  // 2 % of a flat histogram of 200 grey units: 4 units lower
  EXPECT_DOUBLE_EQ(c.threshold_before, 100);
  // A raised mean (dark convex objects shrunk) raises the threshold; no change leaves it exactly.
  EXPECT_NEAR(correct_filter_volume(h, 100, {77.0, 80.0, 25.0, 175.0}).threshold, 104.0, 1e-9);
  EXPECT_DOUBLE_EQ(correct_filter_volume(h, 100, {80.0, 80.0, 25.0, 175.0}).threshold, 100);
  EXPECT_THROW(correct_filter_volume(h, 100, {80.0, 77.0, 175.0, 25.0}), InputError);
}

// Blurred (PSF 1 voxel) noisy (contrast-to-noise 12) packings of spheres of radius 4-10 voxels, 30 % NMC:
// the 3x3x3 median shrinks the convex particles and Otsu after it loses more than the 1 vol% target
// (bench_accuracy cell cnr12: -1.42 vol% mean over 3 seeds at 96^3); the default restores the volume
// (cnr12: -0.71) and its band holds the truth. Tolerance: the target, 1 vol%.
TEST(FilterVolumeCorrection, DefaultMeetsTheFractionTargetWhereOtsuAfterTheMedianDoesNot) {
  for (const uint64_t seed : {3u, 4u}) {
    const auto truth = spheres(80, 4, 10, 0.3, seed);
    synth::XctParams xp;
    xp.attenuation = {0.3, 1.0, 0.3, 0.3, 0.3};
    xp.psf_sigma_um = 1.0;
    xp.noise_sigma = 0.7 / 12;
    xp.window_low = 0.3 - 4 * xp.noise_sigma, xp.window_high = 1.0 + 4 * xp.noise_sigma;
    xp.seed = seed;
    const AnyVolume grey = synth::simulate_xct(truth.view(), xp).image;
    SegmentParams p;
    p.classes = "pore,NMC";
    set_denoise(p, kDefaultDenoise, "--denoise");
    const SegmentResult dflt = segment(grey, p, PhaseTable::default_table());
    p.method = "mixture:otsu";
    const SegmentResult otsu = segment(grey, p, PhaseTable::default_table());
    const double f = fraction_of(truth), f_default = fraction_of(dflt.labels), f_otsu = fraction_of(otsu.labels);
    std::printf("seed %d: truth %.4f, default %.4f, Otsu after the median %.4f\n", int(seed), f, f_default, f_otsu);
    EXPECT_LT(f_otsu - f, -0.01) << "Otsu's bias no longer exceeds the target: the test lost its point";
    EXPECT_LE(std::abs(f_default - f), 0.01);
    ASSERT_TRUE(dflt.volume_correction);
    EXPECT_GT(dflt.volume_correction->fraction_shift, 0.0);
    EXPECT_EQ(dflt.threshold.method, "mixture:otsu-volume");
    const auto band = dflt.fraction_band(1);
    ASSERT_TRUE(band);
    EXPECT_LE((*band)[0], f);
    EXPECT_GE((*band)[1], f);
  }
}

// One grey peak (contrast-to-noise 0.7): the default refuses as mixture:otsu does, naming the override.
TEST(FilterVolumeCorrection, DefaultStillRefusesOnePeak) {
  const auto truth = spheres(40, 4, 9, 0.3, 15);
  synth::XctParams xp;
  xp.attenuation = {0.3, 1.0, 0.3, 0.3, 0.3};
  xp.noise_sigma = 0.7 / 0.7;
  xp.window_low = 0.3 - 4 * xp.noise_sigma, xp.window_high = 1.0 + 4 * xp.noise_sigma;
  SegmentParams p;
  p.classes = "pore,NMC";
  set_denoise(p, kDefaultDenoise, "--denoise");
  try {
    segment(synth::simulate_xct(truth.view(), xp).image, p, PhaseTable::default_table());
    FAIL() << "a one-peak histogram was thresholded by the default";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--method otsu"), std::string::npos) << e.what();
  }
}
