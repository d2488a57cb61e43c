// The default grey route (partial-volume mixture, pre-filter chosen from the noise) on sphere packings
// imaged by the XCT simulator: the truth is the label volume the image was made from.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cmath>
#include <random>
#include <string>
#include <utility>

#include "emorph/error.hpp"
#include "emorph/phase_table.hpp"
#include "emorph/segment/pv_mixture.hpp"
#include "emorph/segment/segment.hpp"
#include "support/xct_packing.hpp"

using namespace emorph;
using emorph::test::image;
using emorph::test::spheres;

namespace {

struct Score {
  double fraction_truth, fraction_seg, dice;
  std::array<double, 2> band;
};

Score score(const Volume<uint8_t>& truth, const SegmentResult& r) {
  int64_t both = 0, t = 0, s = 0;
  for (int64_t i = 0; i < truth.size(); ++i) {
    const bool a = truth.data()[i] == 1, b = r.labels.data()[i] == 1;
    both += a && b, t += a, s += b;
  }
  const double n = double(truth.size());
  const auto band = r.fraction_band(1);
  return {t / n, s / n, 2.0 * both / double(t + s), band ? *band : std::array<double, 2>{-1, -1}};
}

// bench_accuracy's targets: the NMC fraction within 1 vol%, the band containing the truth, and a
// Dice of at least `min_dice` against the truth.
void expect_fraction_kept(const Volume<uint8_t>& truth, const SegmentResult& r, double min_dice) {
  const Score s = score(truth, r);
  EXPECT_NEAR(s.fraction_seg, s.fraction_truth, 0.01);
  EXPECT_GT(s.dice, min_dice);
  EXPECT_LE(s.band[0], s.fraction_truth);
  EXPECT_GE(s.band[1], s.fraction_truth);
}

SegmentResult segment_default(const AnyVolume& grey) {
  SegmentParams p;  // the mixture route, its pre-filter chosen from the noise
  p.method = "mixture";
  p.classes = "pore,NMC";
  return segment(grey, p, PhaseTable::default_table());
}

}  // namespace

TEST(PvMixture, SharedDefaultIsModelCheckedOtsuAfterAMedian) {
  const SegmentParams p;
  EXPECT_EQ(p.method, std::string(kDefaultSegmentMethod));
  EXPECT_EQ(p.method, "mixture:otsu-volume");  // Otsu, then the median's volume loss restored
  EXPECT_EQ(std::string(kDefaultDenoise), "median:1");
  EXPECT_TRUE(p.auto_denoise);  // library callers without a denoise spec: chosen from the noise
}

// Tolerances: bench_accuracy's targets (1 vol%, band containing the truth); on these 64^3 boxes the
// measured errors are a few tenths of a vol% (docs/validation.md, issue 14).
TEST(PvMixture, NoisyImageIsDenoisedAndMeetsTheFractionTarget) {
  const auto truth = spheres(64, 4, 9, 0.3, 11);
  const auto r = segment_default(image(truth, 1.0, 3.0));  // CNR 3: noise 0.23 of a 0.7 contrast
  ASSERT_TRUE(r.denoise_used && r.denoise_used->filter);
  EXPECT_EQ(r.denoise_used->filter->filter, "median");
  expect_fraction_kept(truth, r, 0.9);
}

TEST(PvMixture, StronglyBlurredImageKeepsTheFraction) {
  const auto truth = spheres(64, 7, 12, 0.3, 12);
  const auto r = segment_default(image(truth, 2.0, 12.0));  // PSF sigma 2 voxels
  expect_fraction_kept(truth, r, 0.93);
}

// Radii 3 to 6 voxels. With radii 2 to 4 no voxel of a particle reaches the pure NMC grey, the bright
// level is not measurable and the fraction is low by 2.7 vol% on average (bench_accuracy cell r2-4).
TEST(PvMixture, SmallParticlesKeepTheFraction) {
  const auto truth = spheres(64, 3, 6, 0.25, 13);
  const auto r = segment_default(image(truth, 0.7, 10.0, 8));  // 8 bit
  expect_fraction_kept(truth, r, 0.85);
}

// The intermodes rule (the former default) loses NMC on the same noisy image: the mixture must do better.
TEST(PvMixture, BeatsTheFormerIntermodesDefaultOnANoisyImage) {
  const auto truth = spheres(64, 4, 9, 0.3, 14);
  const auto grey = image(truth, 1.0, 5.0);
  const Score mixture = score(truth, segment_default(grey));
  SegmentParams p;
  p.method = "intermodes";
  p.classes = "pore,NMC";
  set_denoise(p, "median:1", "--denoise");
  const Score intermodes = score(truth, segment(grey, p, PhaseTable::default_table()));
  EXPECT_LT(std::abs(mixture.fraction_seg - mixture.fraction_truth),
            std::abs(intermodes.fraction_seg - intermodes.fraction_truth));
}

TEST(PvMixture, OnePeakIsRefusedNamingTheOverride) {
  // Spheres at a contrast-to-noise of 0.7: no threshold separates them (bench: refused below ~1.2).
  const auto truth = spheres(48, 4, 9, 0.3, 15);
  try {
    segment_default(image(truth, 1.0, 0.7));
    FAIL() << "a one-peak histogram was thresholded";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("not separable"), std::string::npos) << what;
    EXPECT_NE(what.find("--method otsu"), std::string::npos) << what;
  }
  // The override still works.
  SegmentParams p;
  p.method = "otsu";
  p.classes = "pore,NMC";
  EXPECT_NO_THROW(segment(image(truth, 1.0, 0.7), p, PhaseTable::default_table()));
}

namespace {

// A histogram of 10^6 counts over grey 0..255: shares of a dark and a bright Gaussian (grey 60 and 180,
// sigma 8) and of a uniform partial-volume class between them.
Histogram two_peaks_with_partial_volume(double dark, double bright, double partial) {
  Histogram h;
  h.lower = -0.5;
  h.counts.assign(256, 0);
  for (int g = 0; g < 256; ++g) {
    const double d = std::exp(-0.5 * (g - 60.0) * (g - 60.0) / 64) / (8 * std::sqrt(2 * M_PI));
    const double b = std::exp(-0.5 * (g - 180.0) * (g - 180.0) / 64) / (8 * std::sqrt(2 * M_PI));
    const double pv = (g > 60 && g < 180) ? 1.0 / 120 : 0.0;
    h.counts[g] = static_cast<int64_t>(std::llround(1e6 * (dark * d + bright * b + partial * pv)));
  }
  return h;
}

}  // namespace

TEST(PvMixture, FitRecoversPureLevelsOfAnAnalyticHistogram) {
  // Two Gaussians (grey 60 and 180, sigma 8) and a uniform partial-volume class between them.
  const Histogram h = two_peaks_with_partial_volume(0.5, 0.3, 0.2);
  const PvMixtureModel m = fit_pv_mixture(h);
  // The partial-volume plateau tilts each peak's top inwards: measured 61.5 and 178.2.
  EXPECT_NEAR(m.level_dark, 60, 2.5);
  EXPECT_NEAR(m.level_bright, 180, 2.5);
  // Bright share = pure 0.3 + half of the partial volume; within the histogram's rounding.
  EXPECT_NEAR(m.fraction_estimate, 0.4, 0.01);
  EXPECT_GT(m.cnr(), 10);
  const PvMixtureResult r = threshold_pv_mixture(h);
  EXPECT_LE(r.threshold_band[0], r.threshold.thresholds[0]);
  EXPECT_GE(r.threshold_band[1], r.threshold.thresholds[0]);
}

// mixture:otsu (the default before the volume correction, test_filter_volume_correction.cpp): Otsu's
// threshold itself, the model's band around it, and the model's refusal of one peak (the explicit
// --method otsu override stays available).
TEST(PvMixture, DefaultRouteIsOtsuCheckedByTheModel) {
  // Two Gaussians (grey 60 and 180, sigma 8), unequal shares, partial volume between.
  const Histogram h = two_peaks_with_partial_volume(0.6, 0.25, 0.15);
  PvMixtureParams mp;
  mp.rule = "otsu";
  const PvMixtureResult r = threshold_pv_mixture(h, mp);
  EXPECT_EQ(r.threshold.method, "mixture:otsu");
  EXPECT_DOUBLE_EQ(r.threshold.thresholds[0], threshold_otsu(h).thresholds[0]);
  EXPECT_LE(r.threshold_band[0], r.threshold.thresholds[0]);
  EXPECT_GE(r.threshold_band[1], r.threshold.thresholds[0]);
  EXPECT_LT(r.threshold_band[0], r.threshold_band[1]);  // a band, not a point

  // On a noisy sphere packing mixture:otsu equals the explicit Otsu route voxel for voxel.
  const auto truth = spheres(48, 4, 9, 0.3, 16);
  const auto grey = image(truth, 1.0, 6.0);
  SegmentParams checked;
  checked.method = "mixture:otsu";
  checked.classes = "pore,NMC";
  set_denoise(checked, kDefaultDenoise, "--denoise");
  SegmentParams otsu = checked;
  otsu.method = "otsu";
  const SegmentResult a = segment(grey, checked, PhaseTable::default_table());
  const SegmentResult b = segment(grey, otsu, PhaseTable::default_table());
  EXPECT_EQ(a.threshold.thresholds, b.threshold.thresholds);
  EXPECT_EQ(a.class_voxels, b.class_voxels);
  ASSERT_TRUE(a.fraction_band(1));
  const double f = static_cast<double>(a.class_voxels[1]) / static_cast<double>(a.counted_voxels);
  EXPECT_LE((*a.fraction_band(1))[0], f);
  EXPECT_GE((*a.fraction_band(1))[1], f);

  // One peak (contrast-to-noise 0.7): mixture:otsu refuses and names the override; Otsu alone does not.
  const auto flat = image(spheres(48, 4, 9, 0.3, 15), 1.0, 0.7);
  try {
    segment(flat, checked, PhaseTable::default_table());
    FAIL() << "a one-peak histogram was thresholded by mixture:otsu";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--method otsu"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(segment(flat, otsu, PhaseTable::default_table()));
}

// The default route and mixture:otsu (the same without the volume restoration) on `grey`, pore/NMC.
std::pair<SegmentResult, SegmentResult> default_and_mixture_otsu(const AnyVolume& grey) {
  SegmentParams p;
  p.classes = "pore,NMC";
  set_denoise(p, kDefaultDenoise, "--denoise");
  SegmentResult dflt = segment(grey, p, PhaseTable::default_table());
  p.method = "mixture:otsu";
  return {std::move(dflt), segment(grey, p, PhaseTable::default_table())};
}

// Blurred (PSF 1 voxel) noisy (contrast-to-noise 12) packings of spheres of radius 4-10 voxels, 30 % NMC:
// the 3x3x3 median shrinks the convex particles and Otsu after it loses more than the 1 vol% target
// (bench_accuracy cell cnr12: -1.42 vol% mean over 3 seeds at 96^3); the default restores the volume
// (cnr12: -0.44 with the repeat estimate, -0.71 with the mean-based shift alone) and its band holds the
// truth. Tolerance: the target, 1 vol%.
TEST(PvMixture, DefaultMeetsTheFractionTargetWhereOtsuAfterTheMedianDoesNot) {
  for (const uint64_t seed : {3u, 4u}) {
    const auto truth = spheres(80, 4, 10, 0.3, seed);
    const AnyVolume grey = image(truth, 1.0, 12.0, 16, seed);
    const auto [dflt, otsu] = default_and_mixture_otsu(grey);
    const Score sd = score(truth, dflt), so = score(truth, otsu);
    const double f = sd.fraction_truth, f_default = sd.fraction_seg, f_otsu = so.fraction_seg;
    std::printf("seed %d: truth %.4f, default %.4f, Otsu after the median %.4f\n", int(seed), f, f_default, f_otsu);
    EXPECT_LT(f_otsu - f, -0.01) << "Otsu's bias no longer exceeds the target: the test lost its point";
    EXPECT_LE(std::abs(f_default - f), 0.01);
    ASSERT_TRUE(dflt.volume_correction);
    EXPECT_GT(dflt.volume_correction->fraction_shift, 0.0);
    EXPECT_EQ(dflt.threshold.method, "mixture:otsu-volume");
    EXPECT_LE(sd.band[0], f);
    EXPECT_GE(sd.band[1], f);
  }
}

// Blurred (PSF 1.5 voxels) packings, CNR 8: the median's loss at Otsu's threshold is larger than the
// mean grey it removed, averaged over every level (bench_accuracy cell psf1.5: -1.04 vol% with the
// mean-based shift alone, -0.37 with the repeat estimate). The default's shift is the repeat estimate
// here, and the volume is within the 1 vol% target; the mean-based shift alone leaves more than half
// of that (tolerance: the 1 vol%; the 0.5 vol% guard keeps the test's point).
TEST(PvMixture, DefaultRestoresTheMediansLossAtTheThreshold) {
  for (const uint64_t seed : {3u, 4u}) {
    const auto truth = spheres(80, 4, 10, 0.3, seed);
    const AnyVolume grey = image(truth, 1.5, 8.0, 16, seed);
    const auto [dflt, otsu] = default_and_mixture_otsu(grey);
    ASSERT_TRUE(dflt.volume_correction && dflt.volume_correction->repeat_shift);
    const FilterVolumeCorrection& c = *dflt.volume_correction;
    const Score sd = score(truth, dflt), so = score(truth, otsu);
    const double f = sd.fraction_truth, mean_only = so.fraction_seg + c.mean_shift;
    std::printf("seed %d: truth %.4f, default %.4f (shift %.4f, repeat %.4f), mean-based alone %.4f\n", int(seed), f,
                sd.fraction_seg, c.fraction_shift, *c.repeat_shift, mean_only);
    EXPECT_GT(*c.repeat_shift, c.mean_shift);
    EXPECT_DOUBLE_EQ(c.fraction_shift, *c.repeat_shift);
    EXPECT_LT(mean_only - f, -0.005) << "the mean-based shift alone is accurate here: the test lost its point";
    EXPECT_LE(std::abs(sd.fraction_seg - f), 0.01);
    EXPECT_LE(sd.band[0], f);
    EXPECT_GE(sd.band[1], f);
  }
}

// One grey peak (contrast-to-noise 0.7): the default refuses as mixture:otsu does, naming the override.
TEST(PvMixture, DefaultStillRefusesOnePeak) {
  SegmentParams p;
  p.classes = "pore,NMC";
  set_denoise(p, kDefaultDenoise, "--denoise");
  try {
    segment(image(spheres(40, 4, 9, 0.3, 15), 1.0, 0.7), p, PhaseTable::default_table());
    FAIL() << "a one-peak histogram was thresholded by the default";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--method otsu"), std::string::npos) << e.what();
  }
}

// Issue 14 stop 17. A median turns noise at an input contrast-to-noise of 1.5 into two histogram peaks
// (bench_accuracy LIMIT_cnr1.5: model CNR 5.7 after the median, above its limit of 4) whose split lies
// in the noise (+2.6 to +3.0 vol%). The input's own contrast-to-noise, from neighbouring voxels, is
// 1.41 there and at least 2.37 in every segmented cell of the matrix: the default refuses below 1.8,
// naming the override, and segments CNR 3 (measured 2.73 in the matrix).
TEST(PvMixture, DefaultRefusesAnInputWhoseContrastToNoiseIsBelowTheLimit) {
  const auto truth = spheres(64, 4, 9, 0.3, 21);
  SegmentParams p;
  p.classes = "pore,NMC";
  set_denoise(p, kDefaultDenoise, "--denoise");
  const AnyVolume noisy = image(truth, 1.0, 1.5);
  try {
    segment(noisy, p, PhaseTable::default_table());
    FAIL() << "an input at contrast-to-noise 1.5 was thresholded by the default";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("input's contrast-to-noise"), std::string::npos) << what;  // not the model's one-peak check
    EXPECT_NE(what.find("--method otsu"), std::string::npos) << what;
  }
  const SegmentResult r = segment(image(truth, 1.0, 3.0), p, PhaseTable::default_table());
  ASSERT_TRUE(r.model && r.model->input_cnr);
  EXPECT_GT(*r.model->input_cnr, 2.2);  // the estimate, near the true 3 (blur and boundaries lower it)
  EXPECT_LT(*r.model->input_cnr, 3.3);
  expect_fraction_kept(truth, r, 0.9);
  p.method = "otsu";  // the override
  EXPECT_NO_THROW(segment(noisy, p, PhaseTable::default_table()));
}

// Issue 14 stop 17. 60 % NMC (overlapping spheres, PSF 1, CNR 8): Otsu's split drifts towards the bright
// majority, past the posterior crossing, and under-counts by more than the 1 vol% target (bench_accuracy
// f0.60: -2.0 vol%); the default stops at the crossing (f0.60: +0.3). Tolerance: the 1 vol%;
// on these 72^3 boxes Otsu's bias is a little smaller than at 96^3, hence its 0.75 vol% guard.
TEST(PvMixture, DefaultNeverPlacesOtsuAboveThePosteriorCrossing) {
  for (const uint64_t seed : {5u, 6u}) {
    const auto truth = spheres(72, 4, 10, 0.6, seed, true);
    const AnyVolume grey = image(truth, 1.0, 8.0, 16, seed);
    const auto [dflt, otsu] = default_and_mixture_otsu(grey);
    const Score sd = score(truth, dflt), so = score(truth, otsu);
    std::printf("seed %d: truth %.4f, default %.4f, Otsu after the median %.4f\n", int(seed), sd.fraction_truth,
                sd.fraction_seg, so.fraction_seg);
    ASSERT_GT(sd.fraction_truth, 0.55);
    // Measured here: Otsu -1.28 / -0.93 vol%, the default +0.31 / +0.62.
    EXPECT_LT(so.fraction_seg - sd.fraction_truth, -0.0075) << "Otsu no longer under-counts: the test lost its point";
    EXPECT_LT(std::abs(sd.fraction_seg - sd.fraction_truth), std::abs(so.fraction_seg - sd.fraction_truth));
    ASSERT_TRUE(dflt.model && dflt.volume_correction);
    EXPECT_DOUBLE_EQ(dflt.volume_correction->threshold_before, dflt.model->posterior_crossing);
    EXPECT_GT(otsu.threshold.thresholds[0], dflt.model->posterior_crossing);
    EXPECT_LE(std::abs(sd.fraction_seg - sd.fraction_truth), 0.01);
    EXPECT_LE(sd.band[0], sd.fraction_truth);
    EXPECT_GE(sd.band[1], sd.fraction_truth);
  }
}
