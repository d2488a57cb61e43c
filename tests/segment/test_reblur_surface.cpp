// The re-imaging surface correction (reblur_surface.hpp) on analytic shapes imaged in the test: a ball
// (area 4 pi R^2) and a slab (two planes of n^2), blurred by a Gaussian PSF, with Gaussian noise on a
// contrast of 110 grey, median-filtered and thresholded half-way between the phases.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <utility>
#include <vector>

#include "emorph/filter/gaussian.hpp"
#include "emorph/filter/median.hpp"
#include "emorph/measure/surface_area.hpp"
#include "emorph/segment/reblur_surface.hpp"
#include "emorph/segment/noise_estimate.hpp"
#include "support/ball_volume.hpp"
#include "support/xct_packing.hpp"

using namespace emorph;

namespace {

constexpr double kDark = 1000, kContrast = 110;

// 16-bit grey: dark + contrast * (G_psf * phase) + noise, rounded. The noise's variance grows linearly
// with the blurred signal b from noise_sigma^2 (dark) to (bright_noise_scale * noise_sigma)^2 (bright), as
// photon counting's does (scale 1: Gaussian noise of one level).
Volume<uint16_t> image(const Volume<uint8_t>& phase, double psf, double noise_sigma, uint64_t seed,
                       double bright_noise_scale = 1) {
  Volume<float> f(phase.shape(), phase.spacing());
  for (int64_t i = 0; i < f.size(); ++i) f.data()[i] = phase.data()[i];
  GaussianParams g;
  g.sigma = psf;
  const Volume<float> b = gaussian_filter(VolumeView<const float>(f.view()), g);
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0, noise_sigma);
  Volume<uint16_t> grey(phase.shape(), phase.spacing());
  for (int64_t i = 0; i < grey.size(); ++i)
    grey.data()[i] = static_cast<uint16_t>(std::lround(
        kDark + kContrast * b.data()[i] +
        noise(rng) * std::sqrt(1 + (bright_noise_scale * bright_noise_scale - 1) * b.data()[i])));
  return grey;
}

// The segmentation the correction is made for (one whose volume is right, as the default's restored
// volume): 3x3x3 median, thresholded where it holds the true phase's voxel count.
Volume<uint8_t> median_at_true_volume(const Volume<uint16_t>& grey, const Volume<uint8_t>& truth) {
  const Volume<uint16_t> m = median_filter(grey.view(), MedianParams{});
  const int64_t count = std::count(truth.data(), truth.data() + truth.size(), uint8_t{1});
  std::vector<uint16_t> sorted(m.data(), m.data() + m.size());
  std::sort(sorted.begin(), sorted.end());
  const uint16_t t = sorted[static_cast<std::size_t>(m.size() - count)];
  Volume<uint8_t> labels(grey.shape(), grey.spacing());
  for (int64_t i = 0; i < m.size(); ++i) labels.data()[i] = m.data()[i] >= t;
  return labels;
}

struct Measured {
  double label_area = 0, corrected_area = 0, psf = 0;
  std::array<double, 2> band{0, 0};
};

Measured measure(const Volume<uint8_t>& truth, double psf, double noise_sigma) {
  const Volume<uint16_t> grey = image(truth, psf, noise_sigma, 5);
  const Volume<uint8_t> labels = median_at_true_volume(grey, truth);
  const auto rb = reblur_surface_correction(AnyVolume(grey.clone()), labels.view(), 1,
                                            parse_denoise_spec("median:1"), noise_sigma);
  EXPECT_TRUE(rb.has_value());
  Measured m;
  m.label_area = phase_surface_area_um2(labels.view(), 1, labels.spacing(), false);
  m.corrected_area = m.label_area * rb->factor;
  m.band = {m.label_area * rb->factor_band[0], m.label_area * rb->factor_band[1]};
  m.psf = rb->psf_sigma_voxels;
  return m;
}

}  // namespace

// A ball of radius R segmented at its true volume: the blur and the median round nothing away there
// that the volume does not restore, so the factor stays near 1 and the surface within 5 % of 4 pi R^2
// (the SSA target; the Crofton estimate of a digital ball is itself within about 2 % at these
// radii). The PSF is fitted within 25 % (the noise and the labels' own digitisation enter the fit).
TEST(ReblurSurface, KeepsTheAreaOfABlurredBall) {
  for (const auto& [psf, r] : {std::pair<double, int64_t>{1.0, 5}, {1.5, 8}}) {
    SCOPED_TRACE("psf " + std::to_string(psf) + " R " + std::to_string(r));
    const Volume<uint8_t> ball = test::ball_volume(40, Spacing{}, {20, 20, 20}, r * r);
    const double area = 4 * std::numbers::pi * double(r * r);
    const Measured m = measure(ball, psf, 15);
    EXPECT_NEAR(m.corrected_area / area, 1.0, 0.05) << "labels " << m.label_area / area;
    EXPECT_NEAR(m.psf / psf, 1.0, 0.25);
  }
}

// A slab between two planes has no curvature and no gap to lose: the area stays within 2 % of the
// Crofton area of the true slab (inside the box only, so below 2 n^2 by the diagonal lines that leave
// through the box's sides). Noise 25 (CNR 4.4): the roughness the noise adds
// to the thresholded planes (+5 % here) is measured by the second imaging and taken off.
TEST(ReblurSurface, TakesTheNoiseRoughnessOffAFlatSlab) {
  Volume<uint8_t> slab = Volume<uint8_t>::filled({48, 48, 48}, Spacing{}, 0);
  test::paint_box(slab, {16, 32, 0, 48, 0, 48}, 1);
  const double area = phase_surface_area_um2(slab.view(), 1, slab.spacing(), false);
  const Measured m = measure(slab, 1.5, 25);
  EXPECT_GT(m.label_area / area, 1.02);
  EXPECT_NEAR(m.corrected_area / area, 1.0, 0.02);
  EXPECT_NEAR(m.psf, 1.5, 0.3);
}

// Two balls one voxel apart: the blur shuts the gap, so the labels lose the facing surfaces; the
// second imaging loses less (its input has no gap left), so the correction recovers part of the loss
// only (docs/validation.md): the corrected error is smaller than the labels' and the factor above 1.
TEST(ReblurSurface, RecoversPartOfAGapShutByTheBlur) {
  Volume<uint8_t> pair = test::ball_volume(40, Spacing{}, {20, 20, 12}, 49);
  const Volume<uint8_t> second = test::ball_volume(40, Spacing{}, {20, 20, 27}, 49);
  for (int64_t i = 0; i < pair.size(); ++i) pair.data()[i] |= second.data()[i];
  const double area = phase_surface_area_um2(pair.view(), 1, pair.spacing(), false);
  const Measured m = measure(pair, 1.5, 8);
  EXPECT_LT(m.label_area, area);
  EXPECT_LT(std::abs(m.corrected_area / area - 1), std::abs(m.label_area / area - 1))
      << "labels " << m.label_area / area << " corrected " << m.corrected_area / area;
}
// The second-order guard: the same dense pair imaged with one noise level and with a bright phase 1.83 x
// noisier (photon counting at attenuations 0.3 and 1.0, bench_accuracy's poisson cells). The ratio is
// measured within 10 % (neighbour differences of about 2 x 10^3 deep voxel pairs in the balls: the median's
// sampling error is ~3 %; the rounding to whole grey levels adds little at sigma 8), and only the
// second image keeps the correction first order.
TEST(ReblurSurface, KeepsTheCorrectionFirstOrderWhereTheNoiseGrowsWithTheSignal) {
  Volume<uint8_t> pair = test::ball_volume(48, Spacing{}, {24, 24, 12}, 100);
  const Volume<uint8_t> second = test::ball_volume(48, Spacing{}, {24, 24, 33}, 100);
  for (int64_t i = 0; i < pair.size(); ++i) pair.data()[i] |= second.data()[i];
  for (const double scale : {1.0, 1.83}) {
    SCOPED_TRACE("bright noise x " + std::to_string(scale));
    const Volume<uint16_t> grey = image(pair, 1.5, 8, 5, scale);
    const auto rb = reblur_surface_correction(AnyVolume(grey.clone()), median_at_true_volume(grey, pair).view(), 1,
                                              parse_denoise_spec("median:1"), 8 * std::sqrt(0.5 * (1 + scale * scale)));
    ASSERT_TRUE(rb.has_value());
    EXPECT_NEAR(rb->noise_level_ratio / scale, 1.0, 0.1);
    EXPECT_EQ(rb->second_order_withheld.empty(), scale == 1.0) << rb->second_order_withheld;
    if (scale > 1) {
      EXPECT_EQ(rb->factor, rb->first_order_factor);
    }
  }
}

TEST(ReblurSurface, EmptyPhaseGivesNoCorrection) {
  const Volume<uint8_t> none = Volume<uint8_t>::filled({16, 16, 16}, Spacing{}, 0);
  const Volume<uint16_t> grey = image(none, 1.0, 5, 1);
  EXPECT_FALSE(reblur_surface_correction(AnyVolume(grey.clone()), none.view(), 1, std::nullopt, 5).has_value());
}

namespace {

// A packing of separate balls (radius 4-8, 30 %) imaged at PSF 2 with the bright phase's noise
// `bright_noise_scale` x the dark's, segmented at the true volume, corrected with `params`.
struct PackingRun {
  double truth_area = 0, label_area = 0;
  ReblurSurface rb;
};
PackingRun correct_packing(double noise_sigma, double bright_noise_scale, const ReblurSurfaceParams& params) {
  const Volume<uint8_t> truth = test::spheres(64, 4, 8, 0.3, 3);
  const Volume<uint16_t> grey = image(truth, 2.0, noise_sigma, 7, bright_noise_scale);
  const Volume<uint8_t> labels = median_at_true_volume(grey, truth);
  const auto rb = reblur_surface_correction(AnyVolume(grey.clone()), labels.view(), 1, parse_denoise_spec("median:1"),
                                            estimate_noise_sigma(grey.view()).value(), params);
  EXPECT_TRUE(rb.has_value());
  PackingRun run;
  run.truth_area = phase_surface_area_um2(truth.view(), 1, truth.spacing(), false);
  run.label_area = phase_surface_area_um2(labels.view(), 1, labels.spacing(), false);
  if (rb) run.rb = *rb;
  return run;
}

ReblurSurfaceParams before_stop_21() {
  ReblurSurfaceParams p;
  p.calibrate_psf = false, p.noise_per_phase = false;
  return p;
}

}  // namespace

// The least-squares PSF fit of the labels' blur to the grey is biased low (the labels' noise roughness
// follows the grey's noise, so a sharper blur fits better): at PSF 2 and noise 14 on 110 (CNR 8) the
// fit lands 10-20 % low (here 1.66; bench_accuracy psf2.0: 1.71). One re-imaging measures that bias and
// corrects it: the calibrated sigma within 7 % of the true PSF (here 1.95; bench_accuracy: 1.95-1.96
// for 2.0), and closer than the fit.
TEST(ReblurSurface, CalibratesTheBiasOfThePsfFit) {
  const PackingRun run = correct_packing(14, 1, {});
  EXPECT_LT(run.rb.psf_fit_voxels, 0.93 * 2.0);  // the bias the calibration is for is present
  EXPECT_GT(run.rb.psf_refit_voxels, 0.0);
  EXPECT_NEAR(run.rb.psf_sigma_voxels / 2.0, 1.0, 0.07) << "fit " << run.rb.psf_fit_voxels;
  EXPECT_LT(std::abs(run.rb.psf_sigma_voxels - 2.0), std::abs(run.rb.psf_fit_voxels - 2.0));
  RecordProperty("psf_fit", std::to_string(run.rb.psf_fit_voxels));
  RecordProperty("psf_calibrated", std::to_string(run.rb.psf_sigma_voxels));
  const PackingRun raw = correct_packing(14, 1, before_stop_21());
  EXPECT_EQ(raw.rb.psf_sigma_voxels, raw.rb.psf_fit_voxels);
  EXPECT_EQ(raw.rb.psf_refit_voxels, 0.0);
}

// Photon counting at CNR 3 and PSF 2 (bench_accuracy's poisson_cnr3_psf2: dark sd 28, bright 1.83 x):
// the labels carry the noise's roughness, which the second imaging must reproduce to take it off. With
// each phase's own noise level and the calibrated PSF the corrected surface is within 5 % of the true
// one; the input's single noise estimate (the dark majority's) at the fitted PSF leaves more roughness
// on (stop 20: poisson_cnr3_psf2 +12 %) - the test checks the new error is the smaller. Measured here:
// labels +12.6 %, corrected +2.3 %, with the stop-20 route +13.5 %.
TEST(ReblurSurface, TakesThePhotonCountingRoughnessOffAtEachPhasesNoiseLevel) {
  const PackingRun run = correct_packing(28, 1.83, {});
  const PackingRun old = correct_packing(28, 1.83, before_stop_21());
  EXPECT_NEAR(run.rb.reimaging_noise_sigma[0] / 28, 1.0, 0.1);
  EXPECT_NEAR(run.rb.reimaging_noise_sigma[1] / (28 * 1.83), 1.0, 0.1);
  EXPECT_EQ(old.rb.reimaging_noise_sigma[0], old.rb.reimaging_noise_sigma[1]);
  const double error = run.label_area * run.rb.factor / run.truth_area - 1;
  const double old_error = old.label_area * old.rb.factor / old.truth_area - 1;
  RecordProperty("labels", std::to_string(run.label_area / run.truth_area - 1));
  RecordProperty("corrected", std::to_string(error));
  RecordProperty("before", std::to_string(old_error));
  EXPECT_LT(std::abs(error), 0.05) << "labels " << run.label_area / run.truth_area - 1 << " before " << old_error;
  EXPECT_LT(std::abs(error), std::abs(old_error)) << "labels " << run.label_area / run.truth_area - 1;
}
