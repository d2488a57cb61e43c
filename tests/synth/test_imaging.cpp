#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "emorph/error.hpp"
#include "emorph/parallel.hpp"
#include "emorph/synth/electrode.hpp"
#include "emorph/synth/fibsem.hpp"
#include "emorph/synth/xct.hpp"

using namespace emorph;
using namespace emorph::synth;

namespace {

// Random mix of LFP (share `lfp`) and pores, hash-driven so the test is reproducible.
Volume<uint8_t> mixture(double lfp, Shape s = {24, 24, 24}) {
  Volume<uint8_t> v(s, {0.32, 0.32, 0.32});
  uint64_t state = 7;
  for (auto& l : v) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    l = ((state >> 11) * 0x1.0p-53) < lfp ? kLfp : kPore;
  }
  return v;
}

double mean_of(const Volume<uint16_t>& v, Box b) {
  double s = 0;
  int64_t n = 0;
  for (int64_t z = b.z0; z < b.z1; ++z)
    for (int64_t y = b.y0; y < b.y1; ++y)
      for (int64_t x = b.x0; x < b.x1; ++x) s += v(z, y, x), ++n;
  return s / n;
}

XctParams clean_xct() {
  XctParams p;
  p.psf_sigma_um = 0;
  p.noise = "none";
  return p;
}

FibsemParams clean_fibsem() {
  FibsemParams p;
  p.shine_depth_um = 0, p.curtain_amplitude = 0, p.drift_step_px = 0, p.contrast_decay = 0, p.shading = 0;
  p.blur_px = 0, p.noise_sigma = 0;
  return p;
}

}  // namespace

TEST(Xct, NoiselessGreyPerPhase) {
  Volume<uint8_t> v({4, 4, 5}, {1, 1, 1});
  for (int64_t i = 0; i < v.size(); ++i) v.data()[i] = static_cast<uint8_t>(i % 5);
  const XctParams p = clean_xct();
  const XctResult r = simulate_xct(v.view(), p);
  const auto& img = r.image.as<uint16_t>();
  for (int64_t i = 0; i < v.size(); ++i) {
    const double expected = std::round((p.attenuation[v.data()[i]] - p.window_low) * 65535.0 / (p.window_high - p.window_low));
    EXPECT_EQ(img.data()[i], expected);
    const char* names[] = {"pore", "NMC", "LFP", "CBD", "collector"};
    EXPECT_NEAR(r.truth["grey_of_phase"][names[v.data()[i]]].get<double>(), expected, 0.5);
  }
  XctParams p8 = p;
  p8.bits = 8;
  EXPECT_TRUE(simulate_xct(v.view(), p8).image.holds<uint8_t>());
}

TEST(Xct, MatrixGreyLinearInLfpContent) {
  // Beer-Lambert calibration assumed by the paper: blurred matrix grey = a + b * LFP fraction.
  XctParams p = clean_xct();
  p.psf_sigma_um = 0.6;
  std::vector<double> frac{0.2, 0.5, 0.8}, grey;
  for (double f : frac) {
    const auto v = mixture(f);
    const auto r = simulate_xct(v.view(), p);
    grey.push_back(mean_of(r.image.as<uint16_t>(), {4, 20, 4, 20, 4, 20}));
  }
  const double slope = (grey[2] - grey[0]) / 0.6;
  EXPECT_GT(slope, 0);
  // The middle point lies on the line within 1% of the range (random mixtures are not exactly f).
  EXPECT_NEAR(grey[1], grey[0] + slope * 0.3, 0.01 * (grey[2] - grey[0]));
}

TEST(Xct, GaussianNoiseLevelAndDeterminism) {
  Volume<uint8_t> v = Volume<uint8_t>::filled({32, 32, 32}, {0.32, 0.32, 0.32}, kNmc);
  XctParams p = clean_xct();
  p.noise = "gaussian";
  p.noise_sigma = 0.05;
  const int threads = thread_count();
  set_threads(1);
  const auto one = simulate_xct(v.view(), p);
  set_threads(std::max(2, threads));
  const auto many = simulate_xct(v.view(), p);
  set_threads(threads);
  const auto& a = one.image.as<uint16_t>();
  const auto& b = many.image.as<uint16_t>();
  EXPECT_TRUE(std::equal(a.begin(), a.end(), b.begin()));
  double mean = 0, var = 0;
  for (uint16_t g : a) mean += g;
  mean /= a.size();
  for (uint16_t g : a) var += (g - mean) * (g - mean);
  const double sd = std::sqrt(var / a.size());
  // 32768 samples: the standard deviation is known to ~0.4%, 3% leaves room for rounding.
  EXPECT_NEAR(sd, one.truth["noise_sigma_grey"].get<double>(), 0.03 * sd);
}

TEST(Xct, PhaseContrastBrightensEdges) {
  Volume<uint8_t> v = Volume<uint8_t>::filled({16, 16, 32}, {0.32, 0.32, 0.32}, kPore);
  for (int64_t z = 0; z < 16; ++z)
    for (int64_t y = 0; y < 16; ++y)
      for (int64_t x = 16; x < 32; ++x) v(z, y, x) = kNmc;
  XctParams p = clean_xct();
  p.psf_sigma_um = 0.3;
  p.phase_contrast = 0.05;
  const auto r = simulate_xct(v.view(), p);
  const auto& g = r.image.as<uint16_t>();
  const double nmc = r.truth["grey_of_phase"]["NMC"].get<double>(), pore = r.truth["grey_of_phase"]["pore"].get<double>();
  // Fringes: overshoot on the bright side, undershoot on the dark side of the interface.
  EXPECT_GT(std::max({g(8, 8, 16), g(8, 8, 17), g(8, 8, 18)}), nmc + 100);
  EXPECT_LT(std::min({g(8, 8, 13), g(8, 8, 14), g(8, 8, 15)}), pore - 100);
  EXPECT_NEAR(g(8, 8, 28), nmc, 1);
}

TEST(Xct, BadParameters) {
  Volume<uint8_t> v = Volume<uint8_t>::filled({8, 8, 8}, {1, 1, 1}, 0);
  XctParams p;
  p.bits = 12;
  EXPECT_THROW(simulate_xct(v.view(), p), InputError);
  p = XctParams{};
  p.noise = "speckle";
  EXPECT_THROW(simulate_xct(v.view(), p), InputError);
  p = XctParams{};
  p.psf_sigma_um = -1;
  EXPECT_THROW(simulate_xct(v.view(), p), InputError);
}

TEST(Fibsem, CleanImageIsGreyPerPhase) {
  const SynthResult e = generate_electrode(preset("J", 32, 0.01, 3));
  const FibsemParams p = clean_fibsem();
  const FibsemResult r = simulate_fibsem(e.labels.view(), p);
  for (int64_t i = 0; i < e.labels.size(); ++i)
    ASSERT_EQ(r.image.data()[i], static_cast<uint8_t>(p.grey[e.labels.data()[i]]));
  for (const auto& d : r.drift_px) EXPECT_EQ(d, (std::array<int, 2>{0, 0}));
}

TEST(Fibsem, ShineThroughShowsSolidBehindPores) {
  Volume<uint8_t> v = Volume<uint8_t>::filled({8, 4, 4}, {0.01, 0.01, 0.01}, kPore);
  for (int64_t y = 0; y < 4; ++y) v(3, y, 0) = kNmc;  // solid 3 slices behind slice 0 at x = 0
  FibsemParams p = clean_fibsem();
  p.shine_depth_um = 0.02;
  p.shine_strength = 0.7;
  const auto r = simulate_fibsem(v.view(), p);
  const double expected = p.grey[0] + 0.7 * (p.grey[1] - p.grey[0]) * std::exp(-3 * 0.01 / 0.02);
  EXPECT_EQ(r.image(0, 1, 0), static_cast<uint8_t>(std::round(expected)));
  EXPECT_EQ(r.image(0, 1, 1), static_cast<uint8_t>(p.grey[0]));  // nothing behind
  EXPECT_GT(r.image(2, 1, 0), r.image(0, 1, 0));                  // closer: brighter
  EXPECT_EQ(r.image(3, 1, 0), static_cast<uint8_t>(p.grey[1]));   // the solid itself
}

TEST(Fibsem, DriftMovesContentByTruth) {
  const SynthResult e = generate_electrode(preset("F", 48, 0.02, 4));
  FibsemParams p = clean_fibsem();
  p.drift_step_px = 1.5;
  const auto r = simulate_fibsem(e.labels.view(), p);
  int moved = 0;
  for (int64_t z = 0; z < e.labels.nz(); ++z) {
    const int dy = r.drift_px[z][0], dx = r.drift_px[z][1];
    moved += (dy != 0 || dx != 0);
    for (int64_t y = 12; y < 36; ++y)
      for (int64_t x = 12; x < 36; ++x)
        if (y - dy >= 0 && y - dy < 48 && x - dx >= 0 && x - dx < 48) {
          ASSERT_EQ(r.image(z, y, x), static_cast<uint8_t>(p.grey[e.labels(z, y - dy, x - dx)]));
        }
  }
  EXPECT_GT(moved, 10);
  EXPECT_EQ(r.truth["drift_px"].size(), static_cast<std::size_t>(e.labels.nz()));
}

TEST(Fibsem, CurtainsAreVerticalStripesAndShadingAlongY) {
  Volume<uint8_t> v = Volume<uint8_t>::filled({4, 32, 64}, {0.01, 0.01, 0.01}, kLfp);
  FibsemParams p = clean_fibsem();
  p.curtain_amplitude = 10;
  const auto r = simulate_fibsem(v.view(), p);
  double var = 0;
  for (int64_t x = 0; x < 64; ++x) {
    for (int64_t y = 1; y < 32; ++y) ASSERT_EQ(r.image(0, y, x), r.image(0, 0, x));  // constant along y
    const double off = r.image(0, 0, x) - p.grey[kLfp];
    EXPECT_NEAR(off, r.curtain_profile[x], 0.51);
    var += off * off;
  }
  EXPECT_GT(std::sqrt(var / 64), 4.0);
  FibsemParams s = clean_fibsem();
  s.shading = 0.2;
  const auto shaded = simulate_fibsem(v.view(), s);
  EXPECT_LT(shaded.image(0, 0, 10), shaded.image(0, 31, 10));
}

TEST(Fibsem, DeterministicAcrossThreads) {
  const SynthResult e = generate_electrode(preset("H", 40, 0.02, 4));
  const FibsemParams p;
  const int threads = thread_count();
  set_threads(1);
  const auto one = simulate_fibsem(e.labels.view(), p);
  set_threads(std::max(2, threads));
  const auto many = simulate_fibsem(e.labels.view(), p);
  set_threads(threads);
  EXPECT_TRUE(std::equal(one.image.begin(), one.image.end(), many.image.begin()));
  EXPECT_EQ(one.truth.dump(), many.truth.dump());
}
