#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include "emorph/error.hpp"
#include "emorph/segment/threshold.hpp"
#include "support/test_support.hpp"

using namespace emorph;

namespace {

// Histogram of an analytic mixture of Gaussians sampled on integer grey levels 0..255 (expected counts,
// rounded), optionally with multiplicative Poisson-like noise.
Histogram mixture(const std::vector<std::array<double, 3>>& comps, uint64_t seed = 0, double noise = 0.0) {
  Histogram h;
  h.lower = -0.5;
  h.bin_width = 1.0;
  h.counts.assign(256, 0);
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> n01(0.0, 1.0);
  for (int g = 0; g < 256; ++g) {
    double c = 0;
    for (auto [w, mu, sd] : comps) c += w * std::exp(-0.5 * (g - mu) * (g - mu) / (sd * sd)) / (sd * std::sqrt(2 * M_PI));
    c *= 1e6;
    if (noise > 0) c += noise * std::sqrt(c) * n01(rng);
    h.counts[g] = std::max<int64_t>(0, std::llround(c));
  }
  h.min_value = 0;
  h.max_value = 255;
  return h;
}

double mixture_density(const std::vector<std::array<double, 3>>& comps, double g) {
  double c = 0;
  for (auto [w, mu, sd] : comps) c += w * std::exp(-0.5 * (g - mu) * (g - mu) / (sd * sd)) / sd;
  return c;
}

// Brute-force multi-Otsu: every threshold set, same objective.
std::vector<int> brute_multiotsu(const std::vector<int64_t>& c, int classes) {
  const int n = static_cast<int>(c.size());
  std::vector<int> idx(classes - 1), best;
  double best_v = -1;
  std::function<void(int, int)> rec = [&](int k, int start) {
    if (k == classes - 1) {
      double v = 0;
      int a = 0;
      for (int j = 0; j < classes; ++j) {
        int b = j < classes - 1 ? idx[j] : n - 1;
        double w = 0, s = 0;
        for (int i = a; i <= b; ++i) w += c[i], s += double(c[i]) * i;
        if (w > 0) v += s * s / w;
        a = b + 1;
      }
      if (v > best_v) best_v = v, best = idx;
      return;
    }
    for (int i = start; i <= n - (classes - k); ++i) {
      idx[k] = i;
      rec(k + 1, i + 1);
    }
  };
  rec(0, 0);
  return best;
}

}  // namespace

TEST(Threshold, OtsuOfSymmetricMixtureIsTheMidpoint) {
  // Equal weights and overlapping equal widths: by symmetry the between-class variance peaks at the
  // midpoint 120 (+-1 bin, the histogram being sampled on integer grey levels). Well separated
  // peaks would make every threshold in the empty gap optimal.
  Histogram h = mixture({{{0.5, 60, 25}}, {{0.5, 180, 25}}});
  auto r = threshold_otsu(h);
  ASSERT_EQ(r.thresholds.size(), 1u);
  EXPECT_NEAR(r.thresholds[0], 119.5, 1.0);
  EXPECT_EQ(r.histogram.size(), 256u);
}

TEST(Threshold, MinimumFindsTheValleyOfAnUnequalMixture) {
  // Unequal weights. n passes of the 3-point mean blur the histogram by a kernel of variance 2n/3, so
  // the method must land on the valley of the analytic mixture with widths sqrt(sd^2 + 2n/3) (found by
  // scanning the density); +-1.5 grey levels for the bin sampling and the noise.
  std::vector<std::array<double, 3>> comps = {{{0.7, 80, 20}}, {{0.3, 170, 15}}};
  auto r = threshold_minimum(mixture(comps, 1, 1.0));
  ASSERT_EQ(r.peak_bins.size(), 2u);
  auto blurred = comps;
  for (auto& c : blurred) c[2] = std::sqrt(c[2] * c[2] + 2.0 * r.smoothing_iterations / 3.0);
  double valley = 70, lowest = 1e300;
  for (double g = 80; g <= 170; g += 0.01)
    if (mixture_density(blurred, g) < lowest) lowest = mixture_density(blurred, g), valley = g;
  EXPECT_NEAR(r.thresholds[0], valley, 1.5);
  EXPECT_NEAR(r.peak_bins[0], 80, 2);
  EXPECT_NEAR(r.peak_bins[1], 170, 2);
  EXPECT_GE(r.smoothing_iterations, 1);
  auto im = threshold_intermodes(mixture(comps, 1, 1.0));
  EXPECT_NEAR(im.thresholds[0], 125, 2.0);  // half-way between the peaks
}

TEST(Threshold, MultiOtsuDynamicProgrammingEqualsBruteForce) {
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 20; ++trial) {
    Histogram h;
    h.counts.resize(24);
    std::uniform_int_distribution<int> d(0, 50);
    for (auto& c : h.counts) c = d(rng) < 10 ? 0 : d(rng);
    for (int classes : {2, 3, 4}) {
      auto r = threshold_multiotsu(h, classes);
      EXPECT_EQ(r.threshold_bins, brute_multiotsu(h.counts, classes)) << "trial " << trial << " classes " << classes;
    }
  }
}

TEST(Threshold, MultiOtsuSeparatesThreeWellSeparatedPhases) {
  // Equal overlapping phases: by symmetry the thresholds sit at the midpoints 80 and 160 (+-1 bin).
  auto r = threshold_multiotsu(mixture({{{1 / 3., 40, 15}}, {{1 / 3., 120, 15}}, {{1 / 3., 200, 15}}}), 3);
  ASSERT_EQ(r.thresholds.size(), 2u);
  EXPECT_NEAR(r.thresholds[0], 79.5, 1.0);
  EXPECT_NEAR(r.thresholds[1], 159.5, 1.0);
  // A 1000-bin histogram is merged to <= 256 bins: thresholds still land in the valleys.
  Histogram fine;
  fine.lower = 0;
  fine.bin_width = 0.256;
  fine.counts.assign(1000, 0);
  auto coarse = mixture({{{1 / 3., 40, 15}}, {{1 / 3., 120, 15}}, {{1 / 3., 200, 15}}});
  for (int i = 0; i < 1000; ++i) fine.counts[i] = coarse.counts[std::min(255, int(fine.center(i)))];
  auto rf = threshold_multiotsu(fine, 3);
  EXPECT_NEAR(rf.thresholds[0], 80, 3.0);
  EXPECT_NEAR(rf.thresholds[1], 160, 3.0);
  EXPECT_LE(rf.histogram.size(), 256u);
}

TEST(Threshold, BadHistogramsGiveClearErrors) {
  Histogram constant;
  constant.counts = {0, 0, 500, 0};
  EXPECT_THROW(threshold_otsu(constant), InputError);
  EXPECT_THROW(threshold_multiotsu(constant, 3), InputError);
  EXPECT_THROW(threshold_minimum(constant), InputError);
  try {
    threshold_minimum(mixture({{{1.0, 128, 20}}}));  // one peak where two are asked for
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("single peak"), std::string::npos) << e.what();
  }
  // A noisy sample of one Gaussian (4096 voxels): smoothing may leave a ripple as a "second peak";
  // it must be refused, not turned into a threshold.
  Histogram sampled;
  sampled.lower = -0.5;
  sampled.counts.assign(256, 0);
  std::mt19937_64 rng(5);
  std::normal_distribution<double> one(128, 15);
  for (int i = 0; i < 4096; ++i) sampled.counts[std::clamp(static_cast<int>(std::lround(one(rng))), 0, 255)]++;
  EXPECT_THROW(threshold_minimum(sampled), InputError);
  EXPECT_THROW(threshold_intermodes(sampled), InputError);
  // A handful of outlier voxels far above the mode is a "peak" too small to be a phase.
  Histogram outliers = mixture({{{1.0, 100, 15}}});
  outliers.counts[250] = 20;
  EXPECT_THROW(threshold_minimum(outliers), InputError);
  EXPECT_THROW(threshold_multiotsu(mixture({{{1.0, 128, 20}}}), 1), InputError);
  EXPECT_THROW(threshold_manual({5, 3}), InputError);
  EXPECT_THROW(parse_threshold_method("kmeans"), InputError);
  EXPECT_THROW(parse_threshold_method("manual:"), InputError);
  EXPECT_THROW(parse_threshold_method("multiotsu:x"), InputError);
  auto m = parse_threshold_method("manual:10,20.5");
  EXPECT_EQ(m.class_count(), 3);
  EXPECT_EQ(parse_threshold_method("multiotsu:4").classes, 4);
}

double multiotsu_objective(const Histogram& h, const std::vector<double>& t) {
  std::vector<double> w(t.size() + 1, 0), s(t.size() + 1, 0);
  for (int i = 0; i < h.bins(); ++i) {
    const auto k = std::upper_bound(t.begin(), t.end(), h.center(i) - 1e-9) - t.begin();
    w[k] += h.counts[i], s[k] += h.counts[i] * h.center(i);
  }
  double v = 0;
  for (std::size_t k = 0; k < w.size(); ++k) v += w[k] > 0 ? s[k] * s[k] / w[k] : 0;
  return v;
}

// Same histograms through scikit-image (Debian /usr/bin/python3). Otsu and minimum must pick the same
// bin (same arithmetic). skimage's multi-Otsu accumulates in float32, so near-ties (a few voxels in
// the tails) may resolve to a neighbouring bin: there we require the exact optimum (ours) to be at
// least as good as skimage's and the two objectives to agree to float32 precision (1e-6 relative).
TEST(Threshold, AgreesWithScikitImageOnTheSameHistograms) {
  if (std::system("/usr/bin/python3 -c 'import skimage.filters' >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "scikit-image not available";
  test::TempDir tmp;
  std::vector<Histogram> hs;
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(0, 1);
  for (int i = 0; i < 12; ++i) {
    const double m1 = 30 + 60 * u(rng), m2 = 140 + 80 * u(rng), m3 = (m1 + m2) / 2 + 10 * u(rng);
    const double w = 0.2 + 0.6 * u(rng);
    hs.push_back(mixture({{{w, m1, 6 + 10 * u(rng)}}, {{1 - w, m2, 6 + 10 * u(rng)}}, {{0.15, m3, 5}}}, i, 2.0));
  }
  {
    std::ofstream f(tmp / "h.txt");
    for (auto& h : hs) {
      for (auto c : h.counts) f << c << ' ';
      f << '\n';
    }
  }
  std::ofstream(tmp / "check.py") << R"(import sys, numpy as np
from skimage.filters import threshold_otsu, threshold_minimum, threshold_multiotsu
for line in open(sys.argv[1]):
    c = np.array([int(v) for v in line.split()]); x = np.arange(c.size, dtype=float)
    try: mn = threshold_minimum(hist=(c, x))
    except RuntimeError: mn = -1
    m3 = threshold_multiotsu(hist=(c, x), classes=3); m4 = threshold_multiotsu(hist=(c, x), classes=4)
    print(threshold_otsu(hist=(c, x)), mn, *m3, *m4)
)";
  ASSERT_EQ(std::system(("/usr/bin/python3 " + (tmp / "check.py") + " " + (tmp / "h.txt") + " > " + (tmp / "out.txt")).c_str()), 0);
  std::ifstream out(tmp / "out.txt");
  int minimum_checked = 0, multiotsu_exact = 0;
  for (auto& h : hs) {
    double otsu, mn, a, b, c, d, e;
    ASSERT_TRUE(out >> otsu >> mn >> a >> b >> c >> d >> e);
    EXPECT_EQ(threshold_otsu(h).thresholds[0], otsu);
    if (mn >= 0) {
      EXPECT_EQ(threshold_minimum(h).thresholds[0], mn);
      ++minimum_checked;
    } else {
      EXPECT_THROW(threshold_minimum(h), InputError);
    }
    for (auto sk : {std::vector<double>{a, b}, std::vector<double>{c, d, e}}) {
      auto ours = threshold_multiotsu(h, static_cast<int>(sk.size()) + 1).thresholds;
      const double vo = multiotsu_objective(h, ours), vs = multiotsu_objective(h, sk);
      EXPECT_GE(vo, vs * (1 - 1e-12));
      EXPECT_LE(vo - vs, 1e-6 * vo);
      for (std::size_t k = 0; k < sk.size(); ++k) EXPECT_NEAR(ours[k], sk[k], 5.0);
      multiotsu_exact += ours == sk;
    }
  }
  EXPECT_GE(multiotsu_exact, 12);  // most of the 24 cases have a clear optimum and agree exactly
  EXPECT_GE(minimum_checked, 6);
}
