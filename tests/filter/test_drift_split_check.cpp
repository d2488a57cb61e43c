// Split-half check of a drift track: on stacks whose drift the test draws itself, the check lets a good
// track through with an error estimate of the right size, and stops one that would not help (no drift,
// or one half of the field moving on its own); fibsem_prepare then leaves the stack unaligned and says why.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

#include "emorph/error.hpp"
#include "emorph/filter/drift_split_check.hpp"
#include "emorph/filter/fibsem_prep.hpp"
#include "emorph/results/filter_results.hpp"
#include "filter/fibsem_synthetic.hpp"

namespace emorph {
namespace {

test::SyntheticFibsem stack(int64_t nz, double max_drift_px, uint64_t seed) {
  test::SyntheticFibsemParams p;
  p.nz = nz;
  p.seed = seed;
  p.max_drift_px = max_drift_px;
  p.z_elongation = 4;
  return test::make_synthetic_fibsem(p);
}

// The left half's content also wanders on its own, by whole pixels along a random walk of `step_px` per
// slice (drawn here): a structure moving by itself, which the right half does not share.
void wander_left_half(test::SyntheticFibsem& s, double step_px, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> step(0.0, step_px);
  const Volume<float> original = s.stack.clone();
  double wy = 0, wx = 0;
  for (int64_t z = 0; z < s.stack.nz(); ++z) {
    if (z > 0) wy += step(rng), wx += step(rng);
    const int64_t oy = std::lround(wy), ox = std::lround(wx);
    for (int64_t y = 0; y < s.stack.ny(); ++y)
      for (int64_t x = 0; x < s.stack.nx() / 2; ++x)
        s.stack(z, y, x) = original(z, std::clamp<int64_t>(y - oy, 0, s.stack.ny() - 1), std::clamp<int64_t>(x - ox, 0, s.stack.nx() - 1));
  }
}

TEST(DriftSplitCheck, AGoodTrackHelpsAndItsErrorIsEstimated) {
  // A random walk reaching 12 px: the halves agree to a fraction of a pixel. The position estimate (half
  // the halves' disagreement) must be of the size of the true error: within a factor of 3 either way or
  // below 0.3 px both (measured here: estimate 0.15 px, true rms 0.17 px about its mean; the steps' error
  // estimate 0.014 px against steps of 1.2 px).
  const auto s = stack(48, 12, 41);
  const DriftTrack track = estimate_drift(s.stack.view());
  const DriftSplitCheck check = check_drift_by_halves(s.stack.view(), track, {});
  ASSERT_TRUE(check.checked);
  EXPECT_TRUE(check.helps) << check.reason;
  EXPECT_EQ(check.left_px.size(), 48u);
  EXPECT_GT(check.drift_spread_px, 2.0);
  // The true error about its mean, per axis, as the estimate is defined (a constant offset moves no boundary).
  double mean[2] = {0, 0}, sum = 0;
  const double n = double(s.drift.size());
  for (std::size_t z = 0; z < s.drift.size(); ++z)
    for (int a = 0; a < 2; ++a) mean[a] += (track.drift_px[z][a] - s.drift[z][a]) / n;
  for (std::size_t z = 0; z < s.drift.size(); ++z)
    for (int a = 0; a < 2; ++a) sum += std::pow(track.drift_px[z][a] - s.drift[z][a] - mean[a], 2);
  const double truth = std::sqrt(sum / (2 * n));
  EXPECT_LT(check.estimated_error_px, std::max(0.3, 3 * truth));
  EXPECT_GT(check.estimated_error_px, std::min(truth / 3, 0.3 * truth));
  EXPECT_LT(check.estimated_step_error_px, 0.25 * check.step_rms_px);
  std::printf("estimate %.3f px, true rms %.3f px, steps %.3f, step error %.3f\n", check.estimated_error_px, truth,
              check.step_rms_px, check.estimated_step_error_px);
}

TEST(DriftSplitCheck, NoDriftIsNotWorthApplying) {
  // Without drift the track is noise about zero: nothing to gain, the check says so (measured: steps
  // 0.008 px, their estimated error 0.014 px).
  const auto s = stack(32, 0, 42);
  const DriftTrack track = estimate_drift(s.stack.view());
  const DriftSplitCheck check = check_drift_by_halves(s.stack.view(), track, {});
  EXPECT_TRUE(check.checked);
  EXPECT_FALSE(check.helps);
  EXPECT_NE(check.reason.find("halves"), std::string::npos) << check.reason;
  std::printf("no drift: steps %.3f, step error %.3f\n", check.step_rms_px, check.estimated_step_error_px);
}

TEST(DriftSplitCheck, AHalfMovingOnItsOwnStopsTheAlignment) {
  // No drift, and the left half wandering by 1 px steps: the whole field's track follows the left half
  // partly, and its steps are as large as the halves' disagreement says its error is (measured: steps
  // 0.42 px, estimated step error 0.48 px).
  auto s = stack(32, 0, 43);
  wander_left_half(s, 1.0, 7);
  const DriftTrack track = estimate_drift(s.stack.view());
  const DriftSplitCheck check = check_drift_by_halves(s.stack.view(), track, {});
  EXPECT_FALSE(check.helps);
  EXPECT_GT(check.halves_step_disagreement_px, 0.5);
  std::printf("wander: steps %.3f, step error %.3f\n", check.step_rms_px, check.estimated_step_error_px);
  // The same wander under a drift of 1.5 px steps (drawn here): the track's step error is a small share
  // of the steps it corrects, and the check lets it through (measured: steps 1.51 px, error 0.48 px).
  test::SyntheticFibsemParams p;
  p.nz = 32;
  p.seed = 43;
  p.z_elongation = 4;
  std::mt19937_64 rng(8);
  std::normal_distribution<double> step(0.0, 1.5);
  p.drift_path.assign(32, {0.0, 0.0});
  for (std::size_t z = 1; z < 32; ++z) p.drift_path[z] = {p.drift_path[z - 1][0] + step(rng), p.drift_path[z - 1][1] + step(rng)};
  auto drifting = test::make_synthetic_fibsem(p);
  wander_left_half(drifting, 1.0, 7);
  const DriftTrack drifting_track = estimate_drift(drifting.stack.view());
  const DriftSplitCheck drifting_check = check_drift_by_halves(drifting.stack.view(), drifting_track, {});
  EXPECT_TRUE(drifting_check.helps);
  std::printf("wander under drift: steps %.3f, step error %.3f\n", drifting_check.step_rms_px, drifting_check.estimated_step_error_px);
}

TEST(DriftSplitCheck, TheChainLeavesAStackUnalignedWhenTheCheckFails) {
  auto s = stack(32, 0, 43);
  wander_left_half(s, 1.0, 7);
  FibsemPrepParams p;
  p.destripe = false;
  p.flatten = false;
  p.drift_check = DriftSplitCheckParams{};
  const FibsemPrepResult r = fibsem_prepare(s.stack.view(), p);
  const Json record = fibsem_prep_record_json(r);
  ASSERT_TRUE(record.contains("align_skipped"));
  EXPECT_NE(record["align_skipped"].get<std::string>().find("halves"), std::string::npos);
  EXPECT_TRUE(record["alignment"]["split_check"]["estimated_step_error_px"].is_number());
  EXPECT_EQ(std::count(record["steps"].begin(), record["steps"].end(), "align"), 0);
  for (int64_t i = 0; i < s.stack.size(); i += 97) ASSERT_EQ(r.stack.data()[i], s.stack.data()[i]);
  // A stack with a drift the track clearly measures is aligned, and the check is recorded.
  const auto drifting = stack(32, 12, 41);
  const FibsemPrepResult aligned = fibsem_prepare(drifting.stack.view(), p);
  const Json aligned_record = fibsem_prep_record_json(aligned);
  EXPECT_FALSE(aligned_record.contains("align_skipped"));
  EXPECT_TRUE(aligned_record["alignment"]["split_check"]["checked"].get<bool>());
}

TEST(DriftSplitCheck, BadInputIsReported) {
  const auto s = stack(8, 4, 44);
  const DriftTrack track = estimate_drift(s.stack.view());
  DriftSplitCheckParams bad;
  bad.max_error_share = 0;
  EXPECT_THROW(check_drift_by_halves(s.stack.view(), track, {}, bad), InputError);
  EXPECT_THROW(check_drift_by_halves(s.stack.view().slab(0, 4), track, {}), InputError);
  // A region too narrow to split: nothing is measured and nothing is stopped.
  DriftTrackParams narrow;
  narrow.region = Box{0, 8, 0, 64, 0, 24};
  const DriftSplitCheck check = check_drift_by_halves(s.stack.view(), estimate_drift(s.stack.view(), narrow), narrow);
  EXPECT_FALSE(check.checked);
  EXPECT_TRUE(check.helps);
}

}  // namespace
}  // namespace emorph
