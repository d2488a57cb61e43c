// The grey-input surface correction as analyze makes it (grey_surface.hpp: the default two-class
// segmentation, then segment/reblur_surface.hpp) on sphere packings imaged by the XCT simulator: a
// blurred noisy packing is corrected to within the 5 % of the true labels' surface with the truth
// inside the band, and a phase-contrast image (fringes, no Gaussian PSF) has the correction withheld.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "emorph/measure/surface_area.hpp"
#include "emorph/phase_table.hpp"
#include "emorph/report/grey_surface.hpp"
#include "emorph/results/segment_results.hpp"
#include "emorph/synth/xct.hpp"
#include "support/ball_volume.hpp"

using namespace emorph;

namespace {

// Balls of radius 4 to 7 voxels on a jittered grid of pitch 16 (gaps of 0 to 8 voxels, the narrow ones
// shut by the blur: the labels lose surface there, as in bench_accuracy's packings).
Volume<uint8_t> ball_packing(int64_t n, uint64_t seed) {
  auto v = Volume<uint8_t>::filled({n, n, n}, Spacing{1, 1, 1}, 0);
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int64_t> radius(4, 7), jitter(-1, 1);
  for (int64_t z = 8; z < n; z += 16)
    for (int64_t y = 8; y < n; y += 16)
      for (int64_t x = 8; x < n; x += 16) {
        const int64_t r = radius(rng);
        const Volume<uint8_t> ball = test::ball_volume(n, v.spacing(), {z + jitter(rng), y + jitter(rng), x + jitter(rng)}, r * r);
        for (int64_t i = 0; i < v.size(); ++i) v.data()[i] |= ball.data()[i];
      }
  return v;
}

struct Corrected {
  double truth_sv = 0, labels_sv = 0;
  ReblurSurface correction;
};

// The packing imaged (pore 0.3, NMC 1.0 attenuation, Gaussian noise at a contrast-to-noise ratio of 8,
// 16 bit), segmented by the default route and corrected as analyze does.
Corrected image_and_correct(double psf, double phase_contrast) {
  const Volume<uint8_t> truth = ball_packing(64, 7);
  synth::XctParams xp;
  xp.attenuation = {0.3, 1.0, 0.3, 0.3, 0.3};
  xp.psf_sigma_um = psf;
  xp.phase_contrast = phase_contrast;
  xp.noise_sigma = 0.7 / 8;
  xp.window_low = 0.3 - 4 * xp.noise_sigma, xp.window_high = 1.0 + 4 * xp.noise_sigma;
  const synth::XctResult img = synth::simulate_xct(truth.view(), xp);
  SegmentParams sp;
  sp.classes = "pore,NMC";
  const SegmentResult seg = segment(img.image, sp, PhaseTable::default_table());
  const auto c = grey_surface_correction(img.image, seg, sp);
  EXPECT_TRUE(c.has_value());
  auto sv = [](const Volume<uint8_t>& v) { return phase_surface_area_um2(v.view(), 1, v.spacing(), false) / double(v.size()); };
  return {sv(truth), sv(seg.labels), c ? c->correction : ReblurSurface{}};
}

}  // namespace

// PSF 1.5 voxels, CNR 8: the corrected value is within the target (5 %) of the true labels'
// surface and the truth inside the band. (Measured: labels +1.0 %, corrected +3.9 %: on these spaced
// balls the second imaging loses more than the first did, an over-correction docs/validation.md
// records; on bench_accuracy's packings it under-corrects by 1-2 %.)
TEST(GreySurface, CorrectsABlurredNoisyPackingWithinFivePercent) {
  const Corrected c = image_and_correct(1.5, 0.0);
  ASSERT_TRUE(c.correction.applied()) << c.correction.withheld;
  const double corrected = c.labels_sv * c.correction.factor;
  EXPECT_NEAR(corrected / c.truth_sv, 1.0, 0.05) << "labels " << c.labels_sv / c.truth_sv;
  EXPECT_LE(c.labels_sv * c.correction.factor_band[0], c.truth_sv);
  EXPECT_GE(c.labels_sv * c.correction.factor_band[1], c.truth_sv);
  EXPECT_NEAR(c.correction.psf_sigma_voxels, 1.5, 0.4);
  EXPECT_LT(c.correction.fit_residual_ratio, 1.5);  // the Gaussian model explains the grey to the noise
}

// Phase contrast 0.6 with a PSF of 0.5 voxels (bench_accuracy's phase0.6_psf0.5 cell, where the
// correction made the surface worse): the fringes are no Gaussian PSF, the gate withholds the correction
// and says why; the JSON carries the reason and no value.
TEST(GreySurface, WithholdsTheCorrectionOnAPhaseContrastImage) {
  const Corrected c = image_and_correct(0.5, 0.6);
  EXPECT_FALSE(c.correction.applied());
  EXPECT_FALSE(c.correction.withheld.empty());
  const Json j = reblur_surface_json(c.correction);
  EXPECT_TRUE(j.value("skipped", false));
  EXPECT_FALSE(j.contains("factor"));
  Json surface = {{"phases", {{"NMC", {{"specific_surface_per_um", c.labels_sv}}}}}};
  add_grey_corrected_surface(surface, GreySurfaceCorrection{"NMC", c.correction});
  EXPECT_EQ(surface["phases"]["NMC"]["grey_corrected"]["reason"], c.correction.withheld);
  EXPECT_FALSE(surface["phases"]["NMC"]["grey_corrected"].contains("specific_surface_per_um"));
}
