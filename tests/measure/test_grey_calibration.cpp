// Grey profiles and the grey -> density calibration: exact means on a constructed volume, exact fit
// on collinear points, brute-force twin, thread invariance.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "emorph/measure/grey_calibration.hpp"
#include "emorph/parallel.hpp"
#include "support/threads.hpp"

using namespace emorph;

TEST(GreyCalibration, CollinearPairsFitExactly) {
  // density = 0.5 + 0.02 * grey.
  const auto c = fit_grey_calibration({100, 120, 150}, {2.5, 2.9, 3.5});
  EXPECT_NEAR(c.slope, 0.02, 1e-12);
  EXPECT_NEAR(c.intercept, 0.5, 1e-10);
  EXPECT_NEAR(c.r_squared, 1.0, 1e-12);
  EXPECT_NEAR(c.density(110), 2.7, 1e-10);
  EXPECT_THROW(fit_grey_calibration({100}, {2.5}), InputError);
  EXPECT_THROW(fit_grey_calibration({100, 100}, {2.5, 2.6}), InputError);
  EXPECT_THROW(fit_grey_calibration({100, 120}, {2.5}), InputError);
}

TEST(GreyProfile, MaskedMeansEqualBruteForceOnEveryAxis) {
  std::mt19937_64 rng(4);
  Volume<uint8_t> labels({9, 10, 11}, {0.5, 1, 2});
  Volume<uint16_t> grey({9, 10, 11}, {0.5, 1, 2});
  for (auto& l : labels) l = static_cast<uint8_t>(rng() % 4);
  for (auto& g : grey) g = static_cast<uint16_t>(rng() % 60000);
  const AnyVolume any(grey.clone());
  for (int axis = 0; axis < 3; ++axis) {
    GreyProfileParams p;
    p.axis = axis;
    p.mask_labels = {0, 2};
    const int before = thread_count();
    const auto one = test::on_threads(1, [&] { return grey_profile(any, labels.view(), p); });
    const auto r = test::on_threads(3, [&] { return grey_profile(any, labels.view(), p); });
    set_threads(before);
    EXPECT_EQ(one.mean_grey, r.mean_grey);
    const int64_t n = labels.shape()[axis];
    for (int64_t s = 0; s < n; ++s) {
      double sum = 0;
      int64_t count = 0;
      for (int z = 0; z < 9; ++z)
        for (int y = 0; y < 10; ++y)
          for (int x = 0; x < 11; ++x) {
            if ((axis == 0 ? z : axis == 1 ? y : x) != s) continue;
            if (labels(z, y, x) != 0 && labels(z, y, x) != 2) continue;
            sum += grey(z, y, x), ++count;
          }
      EXPECT_EQ(r.voxels[static_cast<std::size_t>(s)], count);
      EXPECT_NEAR(r.mean_grey[static_cast<std::size_t>(s)], sum / count, 1e-9);
      EXPECT_DOUBLE_EQ(r.position_um[static_cast<std::size_t>(s)], (s + 0.5) * labels.spacing()[axis]);
    }
  }
}

TEST(GreyProfile, BadInput) {
  Volume<uint8_t> labels = Volume<uint8_t>::filled({2, 2, 2}, {}, 0);
  GreyProfileParams p;
  p.mask_labels = {0};
  EXPECT_THROW(grey_profile(AnyVolume(Volume<float>::filled({2, 2, 3}, {}, 1.0f)), labels.view(), p), InputError);
  p.mask_labels.clear();
  EXPECT_THROW(grey_profile(AnyVolume(Volume<float>::filled({2, 2, 2}, {}, 1.0f)), labels.view(), p), InputError);
}
