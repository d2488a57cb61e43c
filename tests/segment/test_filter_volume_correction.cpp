// The volume a pre-filter removes, restored by moving the threshold (filter_volume_correction.hpp):
// exact arithmetic on a known histogram (the default route on sphere packings: test_pv_mixture.cpp).
#include <gtest/gtest.h>

#include "emorph/error.hpp"
#include "emorph/results/segment_results.hpp"
#include "emorph/segment/filter_volume_correction.hpp"

using namespace emorph;

namespace {

Histogram flat_histogram() {  // 100 bins of width 2 from 0, 10 voxels each
  Histogram h;
  h.lower = 0, h.bin_width = 2;
  h.counts.assign(100, 10);
  return h;
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

// The repeat estimate (the bright share the filter's next pass removes at the threshold) replaces the
// mean-based shift where it is larger; where the next pass adds bright volume the mean-based one stands.
TEST(FilterVolumeCorrection, TakesTheLargerOfTheMeanAndTheRepeatShift) {
  const Histogram h = flat_histogram();
  FilterVolumeCorrectionParams p{80.0, 77.0, 25.0, 175.0, std::array<double, 2>{0.30, 0.26}};
  const FilterVolumeCorrection larger = correct_filter_volume(h, 100, p);
  EXPECT_DOUBLE_EQ(larger.mean_shift, 0.02);
  ASSERT_TRUE(larger.repeat_shift);
  EXPECT_NEAR(*larger.repeat_shift, 0.04, 1e-15);
  EXPECT_NEAR(larger.fraction_shift, 0.04, 1e-15);
  EXPECT_NEAR(larger.threshold, 92.0, 1e-9);  // 4 % of 200 grey units: 8 units lower
  const Json j = volume_correction_json(larger);
  EXPECT_NEAR(j["repeat_shift"].get<double>(), 0.04, 1e-15);
  EXPECT_DOUBLE_EQ(j["mean_shift"].get<double>(), 0.02);
  p.repeat_shares = std::array<double, 2>{0.30, 0.31};  // the next pass adds 1 % bright
  const FilterVolumeCorrection smaller = correct_filter_volume(h, 100, p);
  EXPECT_DOUBLE_EQ(smaller.fraction_shift, 0.02);
  EXPECT_NEAR(smaller.threshold, 96.0, 1e-9);
  p.repeat_shares.reset();
  EXPECT_FALSE(correct_filter_volume(h, 100, p).repeat_shift);
  EXPECT_FALSE(volume_correction_json(correct_filter_volume(h, 100, p)).contains("repeat_shift"));
}
