// Drift track: ground truth from rendered synthetic stacks (random-walk drift), robustness to a ruined
// slice, region of interest, reference slice, 1-thread vs N-thread identity and the error paths.
#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <random>

#include "emorph/error.hpp"
#include "emorph/filter/drift_curtains.hpp"
#include "emorph/filter/drift_track.hpp"
#include "filter/fibsem_synthetic.hpp"

namespace emorph {
namespace {

test::SyntheticFibsem drifting_stack(int64_t nz, uint64_t seed) {
  test::SyntheticFibsemParams p;
  p.nz = nz;
  p.max_drift_px = 20;
  p.seed = seed;
  p.z_elongation = 4;
  return test::make_synthetic_fibsem(p);
}

TEST(DriftTrack, FollowsRandomWalkWithinAFractionOfAPixel) {
  // 64 slices of 128 x 128 with a random walk reaching 20 px. The structure itself changes between
  // slices (particles grow, shrink, appear), which moves what registration sees: measured 0.27 px
  // RMS here, 0.03 px per pair. The acceptance figure (0.5 px over 200 slices) is measured by
  // bench_fibsem; 0.4 px here leaves room for platform differences without hiding a regression.
  const auto s = drifting_stack(64, 11);
  const DriftTrack t = estimate_drift(s.stack.view());
  ASSERT_EQ(t.drift_px.size(), 64u);
  EXPECT_EQ(t.drift_px[0][0], 0.0);
  EXPECT_EQ(t.drift_px[0][1], 0.0);
  EXPECT_LT(test::drift_rms_error(t.drift_px, s.drift), 0.4);
  EXPECT_TRUE(t.unreliable_slices.empty());
  EXPECT_LT(t.residual_rms_px, 0.25);
}

// A stack with one particle far larger than the field painted in (content frame, so it drifts with the
// rest): its face, inclined to the sections, sweeps down the field the way a large NMC particle's face
// does in a FIB/SEM stack (the emorph simulator's case: tests/report/test_fibsem_analysis.cpp).
test::SyntheticFibsem with_large_particle(test::SyntheticFibsem s) {
  std::mt19937_64 rng(5);
  std::normal_distribution<float> noise(0.0f, 4.0f);
  const double cz = 100, cy = -40, cx = 64, radius = 110;
  for (int64_t z = 0; z < s.stack.nz(); ++z)
    for (int64_t y = 0; y < s.stack.ny(); ++y)
      for (int64_t x = 0; x < s.stack.nx(); ++x) {
        const double yc = y - s.drift[z][0] - cy, xc = x - s.drift[z][1] - cx;
        if ((z - cz) * (z - cz) + yc * yc + xc * xc < radius * radius) s.stack(z, y, x) = 200.0f + noise(rng);
      }
  return s;
}

// Random two-level texture: `bright_share` of the values bright, the rest dark.
std::vector<float> binary_texture(std::size_t n, float bright_share, float bright, float dark, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> blob(0.0f, 1.0f);
  std::vector<float> texture(n);
  for (float& v : texture) v = blob(rng) < bright_share ? bright : dark;
  return texture;
}

double largest_error(const DriftTrack& t, const test::SyntheticFibsem& s) {
  double e = 0;
  for (std::size_t z = 0; z < s.drift.size(); ++z)
    for (int a = 0; a < 2; ++a) e = std::max(e, std::abs(t.drift_px[z][a] - s.drift[z][a]));
  return e;
}

TEST(DriftTrack, ASliceInsideOneParticleHoldsItsPosition) {
  // The last 8 slices show nothing but the inside of one particle (noise): they carry no information,
  // so they hold the last textured slice's position rather than follow the noise.
  auto s = drifting_stack(32, 8);
  std::mt19937_64 rng(6);
  std::normal_distribution<float> noise(200.0f, 4.0f);
  for (int64_t z = 24; z < 32; ++z)
    for (int64_t y = 0; y < s.stack.ny(); ++y)
      for (int64_t x = 0; x < s.stack.nx(); ++x) s.stack(z, y, x) = noise(rng);
  const DriftTrack t = estimate_drift(s.stack.view());
  EXPECT_EQ(t.featureless_slices, (std::vector<int64_t>{24, 25, 26, 27, 28, 29, 30, 31}));
  EXPECT_TRUE(t.unreliable_slices.empty());
  for (int64_t z = 24; z < 32; ++z) {
    EXPECT_NEAR(t.drift_px[z][0], t.drift_px[23][0], 1e-3);
    EXPECT_NEAR(t.drift_px[z][1], t.drift_px[23][1], 1e-3);
  }
  double sum = 0;
  for (int64_t z = 0; z < 24; ++z)
    for (int a = 0; a < 2; ++a) sum += std::pow(t.drift_px[z][a] - s.drift[z][a], 2);
  EXPECT_LT(std::sqrt(sum / 24), 0.4);
}

TEST(DriftTrack, NoDriftGivesNoDrift) {
  // Without drift the track must stay at zero: no structure, large particle included, is read as drift.
  test::SyntheticFibsemParams p;
  p.nz = 32;
  p.seed = 12;
  p.z_elongation = 4;
  const auto s = with_large_particle(test::make_synthetic_fibsem(p));
  const DriftTrack t = estimate_drift(s.stack.view());
  EXPECT_LT(largest_error(t, s), 0.5);
}

TEST(DriftTrack, TilesSeeingTheirOwnMotionAreLeftOut) {
  // A large particle (so the pairs are correlated on tiles) and, in the bottom-left corner, a patch of
  // strong texture that slides along x by 2 px per slice on top of the drift: the structure's own
  // motion in a few tiles (a face inclined to the sections). Its tiles' own shifts lie far from the
  // combined one: left out, the track follows the drift more closely. Measured: largest error 0.81 px
  // with the outlier tiles left out, 0.99 px with every tile kept (the large particle's face alone
  // leaves some error on its own).
  test::SyntheticFibsemParams p;
  p.nz = 32;
  p.seed = 12;
  p.max_drift_px = 8;
  p.z_elongation = 4;
  auto s = with_large_particle(test::make_synthetic_fibsem(p));
  const std::vector<float> texture = binary_texture(48 * 160, 0.3f, 230.0f, 20.0f, 9);
  for (int64_t z = 0; z < s.stack.nz(); ++z)
    for (int64_t y = 88; y < 128; ++y)
      for (int64_t x = 0; x < 48; ++x) {
        // Content frame (the drift moves it too), then 1 px per slice along x of its own.
        const int64_t cy = y - std::lround(s.drift[z][0]), cx = x - std::lround(s.drift[z][1]) - 2 * z + 96;
        s.stack(z, y, x) = texture[std::clamp<int64_t>((cy - 60) / 3, 0, 47) * 160 + std::clamp<int64_t>(cx / 3, 0, 159)];
      }
  DriftTrackParams every_tile;
  every_tile.tile_outlier_px = 0;
  const double kept = largest_error(estimate_drift(s.stack.view(), every_tile), s);
  const double left_out = largest_error(estimate_drift(s.stack.view()), s);
  EXPECT_LT(left_out, kept - 0.1);
  EXPECT_LT(left_out, 0.9);
}

// Drift paths drawn here, independently of any simulator's defaults: real FIB/SEM drift wanders slowly
// and jumps (a stage slip, a beam re-centring).
std::vector<std::array<double, 2>> random_walk(int64_t nz, double step_px, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> step(0.0, step_px);
  std::vector<std::array<double, 2>> path(static_cast<std::size_t>(nz), {0.0, 0.0});
  for (int64_t z = 1; z < nz; ++z) path[z] = {path[z - 1][0] + step(rng), path[z - 1][1] + step(rng)};
  return path;
}

test::SyntheticFibsem stack_with_drift(int64_t nz, std::vector<std::array<double, 2>> drift, uint64_t seed) {
  test::SyntheticFibsemParams p;
  p.nz = nz;
  p.seed = seed;
  p.z_elongation = 4;
  p.drift_path = std::move(drift);
  return test::make_synthetic_fibsem(p);
}

TEST(DriftTrack, FollowsAFractionalRandomWalk) {
  // Steps of 0.8 px (sub-pixel, not rounded) over 64 slices, reaching several pixels. Tolerance as in
  // FollowsRandomWalkWithinAFractionOfAPixel: the structure's change between slices moves what
  // registration sees (measured rms 0.10 px, largest 0.33 px; bounds 0.4 and 1.0).
  const auto s = stack_with_drift(64, random_walk(64, 0.8, 21), 31);
  const DriftTrack t = estimate_drift(s.stack.view());
  std::printf("random walk: rms %.3f px, largest %.3f px\n", test::drift_rms_error(t.drift_px, s.drift), largest_error(t, s));
  EXPECT_LT(test::drift_rms_error(t.drift_px, s.drift), 0.4);
  EXPECT_LT(largest_error(t, s), 1.0);
}

TEST(DriftTrack, FollowsAStep) {
  // A slow wander (0.3 px steps) with a jump of 7 px along x and -5 px along y between slices 29 and 30:
  // the track must take the jump whole, not smooth it over the lags (measured: rms 0.27 px, largest
  // 0.38 px, the jump itself within 0.07 px; bounds 0.4, 1.0 and 0.5 px).
  auto path = random_walk(60, 0.3, 22);
  for (int64_t z = 30; z < 60; ++z) path[z] = {path[z][0] - 5.0, path[z][1] + 7.0};
  const auto s = stack_with_drift(60, path, 32);
  const DriftTrack t = estimate_drift(s.stack.view());
  EXPECT_LT(test::drift_rms_error(t.drift_px, s.drift), 0.4);
  EXPECT_LT(largest_error(t, s), 1.0);
  const double jump_x = (t.drift_px[30][1] - t.drift_px[29][1]) - (s.drift[30][1] - s.drift[29][1]);
  const double jump_y = (t.drift_px[30][0] - t.drift_px[29][0]) - (s.drift[30][0] - s.drift[29][0]);
  EXPECT_LT(std::hypot(jump_x, jump_y), 0.5);
  std::printf("step: rms %.3f px, largest %.3f px, jump error %.3f px\n", test::drift_rms_error(t.drift_px, s.drift),
              largest_error(t, s), std::hypot(jump_x, jump_y));
}

// A stack whose drift is a random walk plus a slow wander along x, stripes (curtains drawn on the face,
// which drift with the content, or stripes fixed in the frame) and, over the bottom 24 rows, a texture
// that slides along x on its own by 0.15 px per slice: the structure's own motion, which the slices'
// pairs read as drift and add up slice after slice.
test::SyntheticFibsem wandering_stack(bool stripes_drift, double stripe_amplitude) {
  auto path = random_walk(64, 0.6, 23);
  for (int64_t z = 0; z < 64; ++z) path[z][1] += 4.0 * std::sin(3.14159265358979 * double(z) / 63.0);
  test::SyntheticFibsemParams p;
  p.nz = 64;
  p.seed = 33;
  p.z_elongation = 4;
  p.drift_path = path;
  p.stripe_amplitude = stripe_amplitude;
  p.stripe_count = 48;
  p.partial_stripe_fraction = 0;
  p.stripes_drift = stripes_drift;
  auto s = test::make_synthetic_fibsem(p);
  const std::vector<float> texture = binary_texture(16 * 80, 0.4f, 110.0f, 60.0f, 10);
  for (int64_t z = 0; z < s.stack.nz(); ++z)
    for (int64_t y = 104; y < 128; ++y)
      for (int64_t x = 0; x < 128; ++x) {
        const double fx = (x - s.drift[z][1] - 0.15 * double(z) + 48) / 2.5;
        const int64_t ty = std::clamp<int64_t>((y - 104) / 2, 0, 15);
        const float stripe = s.stack(z, y, x) - s.without_stripes(z, y, x);
        s.stack(z, y, x) = texture[ty * 80 + std::clamp<int64_t>(static_cast<int64_t>(std::floor(fx)), 0, 79)] + stripe;
      }
  return s;
}

double rms_error_along(const DriftTrack& t, const test::SyntheticFibsem& s, int axis) {
  double sum = 0;
  for (std::size_t z = 0; z < s.drift.size(); ++z) sum += std::pow(t.drift_px[z][axis] - s.drift[z][axis], 2);
  return std::sqrt(sum / double(s.drift.size()));
}

TEST(DriftTrack, FollowsARandomWalkWithASlowWander) {
  // The drift of wandering_stack (0.6 px steps plus a 4 px arc along x) without the sliding texture: the
  // track must follow the wander, not smooth it away. Measured: rms 0.44 px, largest 0.56 px. This
  // stack's spheres add a slow wander of their own (the same random walk without the arc: rms 0.55 px,
  // largest 0.83 px, the error growing along z), hence bounds of 0.6 and 1.0 px.
  auto path = random_walk(64, 0.6, 23);
  for (int64_t z = 0; z < 64; ++z) path[z][1] += 4.0 * std::sin(3.14159265358979 * double(z) / 63.0);
  const auto s = stack_with_drift(64, path, 33);
  const DriftTrack t = estimate_drift(s.stack.view());
  std::printf("random walk + wander: rms %.3f px, largest %.3f px\n", test::drift_rms_error(t.drift_px, s.drift),
              largest_error(t, s));
  EXPECT_LT(test::drift_rms_error(t.drift_px, s.drift), 0.6);
  EXPECT_LT(largest_error(t, s), 1.0);
}

TEST(DriftTrack, CurtainsOnTheFaceRefitX) {
  // Curtains drawn on the face, and texture sliding on its own in the bottom rows. With curtain pairs
  // (lags 1, 2) x is refitted with them; y keeps the slices' track exactly. Both x tracks partly follow
  // the texture, whose column means enter the profiles too: measured x rms 0.68 px with the curtains,
  // 0.70 px without; bounds 1.0 px and no worse than without + 0.05 px.
  const auto s = wandering_stack(true, 30);
  DriftTrackParams with_curtains;
  with_curtains.curtain_lags = {1, 2};
  const DriftTrack slices_only = estimate_drift(s.stack.view());
  const DriftTrack t = estimate_drift(s.stack.view(), with_curtains);
  std::printf("curtains: x rms %.3f px (without %.3f), y rms %.3f px, agreement %.2f, step share %.2f\n",
              rms_error_along(t, s, 1), rms_error_along(slices_only, s, 1), rms_error_along(t, s, 0), t.curtain_agreement,
              t.curtain_step_share);
  EXPECT_TRUE(t.curtains_used);
  EXPECT_FALSE(slices_only.curtains_used);
  EXPECT_EQ(t.curtain_pairs.size(), 63u + 62u);
  EXPECT_LT(rms_error_along(t, s, 1), 1.0);
  EXPECT_LT(rms_error_along(t, s, 1), rms_error_along(slices_only, s, 1) + 0.05);
  for (int64_t z = 0; z < 64; ++z) EXPECT_EQ(t.drift_px[z][0], slices_only.drift_px[z][0]);
}

TEST(DriftTrack, StripesFixedInTheFrameOrNoneAreNotUsed) {
  // Stripes that stay put in the frame show no drift: their steps do not explain the slices' (measured
  // share 0.87, limit 0.75), they are not used and the track is the slices' own. Without stripes the
  // halves' column profiles do not agree (measured -0.14, limit 0.1): not used either.
  DriftTrackParams with_curtains;
  with_curtains.curtain_lags = {1, 2};
  for (const bool with_fixed_stripes : {true, false}) {
    const auto s = wandering_stack(false, with_fixed_stripes ? 30 : 0);
    const DriftTrack t = estimate_drift(s.stack.view(), with_curtains);
    std::printf("stripes %s: agreement %.2f, step share %.2f\n", with_fixed_stripes ? "fixed" : "none", t.curtain_agreement,
                t.curtain_step_share);
    EXPECT_FALSE(t.curtains_used);
    if (with_fixed_stripes) EXPECT_GT(t.curtain_step_share, 0.75);
    else EXPECT_LT(t.curtain_agreement, 0.1);
    EXPECT_EQ(t.drift_px, estimate_drift(s.stack.view()).drift_px);
  }
}

// Pearson correlation of two equally long series.
double pearson(const std::vector<double>& a, const std::vector<double>& b) {
  double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) ma += a[i] / double(a.size()), mb += b[i] / double(b.size());
  for (std::size_t i = 0; i < a.size(); ++i)
    sab += (a[i] - ma) * (b[i] - mb), saa += (a[i] - ma) * (a[i] - ma), sbb += (b[i] - mb) * (b[i] - mb);
  return sab / std::sqrt(saa * sbb);
}

TEST(DriftCurtains, TheMedianOfDifferencesFollowsTheCurtainsNotTheStructure) {
  // Curtains drawn on the face of wandering_stack: each slice's true stripe profile is known (stack minus
  // the stack without stripes). The profile the tracker correlates is compared with the true stripes'
  // x differences: the column means (differenced) also hold the structure's column means, the median of
  // the x differences over y leaves the structure's edges out as outliers. Mean correlation over the
  // slices, measured 0.999 (median) against 0.910 (column means), halves' agreement 0.98 against 0.64;
  // bounds: median at least 0.95 and above the column means' by 0.05 (half the measured gap: the median
  // must stay clearly cleaner than the stop-19 profile it replaces).
  const auto s = wandering_stack(true, 30);
  const int64_t nz = s.stack.nz(), nx = s.stack.nx();
  const CurtainProfiles median = curtain_profiles(s.stack.view(), CurtainProfileKind::median_difference);
  const CurtainProfiles mean = curtain_profiles(s.stack.view(), CurtainProfileKind::column_mean);
  double r_median = 0, r_mean = 0;
  for (int64_t z = 0; z < nz; ++z) {
    std::vector<double> truth(nx - 1, 0.0), med(nx - 1), avg(nx - 1);
    for (int64_t x = 0; x + 1 < nx; ++x) {
      // Rows above the sliding texture (wandering_stack rewrites the bottom 24 rows, not without_stripes).
      for (int64_t y = 0; y < 104; ++y)
        truth[x] += ((s.stack(z, y, x + 1) - s.without_stripes(z, y, x + 1)) - (s.stack(z, y, x) - s.without_stripes(z, y, x))) / 104.0;
      med[x] = median.profile[z * nx + x];
      avg[x] = mean.profile[z * nx + x + 1] - mean.profile[z * nx + x];
    }
    r_median += pearson(truth, med) / double(nz);
    r_mean += pearson(truth, avg) / double(nz);
  }
  std::printf("curtain profile against the true stripes: median of differences %.3f, column means %.3f; agreement %.2f / %.2f\n",
              r_median, r_mean, median.half_agreement, mean.half_agreement);
  EXPECT_GT(r_median, 0.95);
  EXPECT_GT(r_median, r_mean + 0.05);
  EXPECT_GT(median.half_agreement, 0.1);
}

TEST(DriftTrack, MedianCurtainsRefitXCloserToTheDrift) {
  // As CurtainsOnTheFaceRefitX with the median profile: x follows the face's curtains rather than the
  // texture sliding on its own. Measured x rms: slices 0.699, column-mean curtains 0.681, median curtains
  // 0.677 px (the slices' pairs still take part in the refit, and they follow the texture in part); bound:
  // no worse than the column means' + 0.02 px and below 1.0 px; y identical to the slices' track.
  const auto s = wandering_stack(true, 30);
  DriftTrackParams mean_curtains, median_curtains;
  mean_curtains.curtain_lags = median_curtains.curtain_lags = {1, 2};
  median_curtains.curtain_profile = CurtainProfileKind::median_difference;
  const DriftTrack slices_only = estimate_drift(s.stack.view());
  const DriftTrack by_mean = estimate_drift(s.stack.view(), mean_curtains);
  const DriftTrack by_median = estimate_drift(s.stack.view(), median_curtains);
  std::printf("x rms: slices %.3f, column-mean curtains %.3f, median curtains %.3f px (step share %.2f, correlation %.2f)\n",
              rms_error_along(slices_only, s, 1), rms_error_along(by_mean, s, 1), rms_error_along(by_median, s, 1),
              by_median.curtain_step_share, by_median.curtain_step_correlation);
  EXPECT_TRUE(by_median.curtains_used);
  EXPECT_LT(rms_error_along(by_median, s, 1), 1.0);
  EXPECT_LT(rms_error_along(by_median, s, 1), rms_error_along(by_mean, s, 1) + 0.02);
  for (int64_t z = 0; z < 64; ++z) EXPECT_EQ(by_median.drift_px[z][0], slices_only.drift_px[z][0]);
}

TEST(DriftTrack, StripesFixedInTheFrameFailTheStepCorrelation) {
  // The step gate by correlation: stripes fixed in the frame give curtain steps unrelated to the slices'
  // (measured 0.17), curtains on the face steps that follow them (1.00); with a limit of 0.5 the first are
  // not used, the second are.
  DriftTrackParams gate;
  gate.curtain_lags = {1, 2};
  gate.curtain_profile = CurtainProfileKind::median_difference;
  gate.curtain_min_step_correlation = 0.5;
  const DriftTrack fixed = estimate_drift(wandering_stack(false, 30).stack.view(), gate);
  const DriftTrack face = estimate_drift(wandering_stack(true, 30).stack.view(), gate);
  std::printf("step correlation: fixed stripes %.2f, curtains on the face %.2f\n", fixed.curtain_step_correlation,
              face.curtain_step_correlation);
  EXPECT_FALSE(fixed.curtains_used);
  EXPECT_TRUE(face.curtains_used);
}

TEST(DriftTrack, RuinedSliceIsFlaggedAndInterpolated) {
  auto s = drifting_stack(40, 3);
  const double intact_error = test::drift_rms_error(estimate_drift(s.stack.view()).drift_px, s.drift);
  std::mt19937_64 rng(1);
  std::normal_distribution<float> noise(100.0f, 50.0f);
  for (int64_t y = 0; y < s.stack.ny(); ++y)
    for (int64_t x = 0; x < s.stack.nx(); ++x) s.stack(17, y, x) = noise(rng);
  const DriftTrack t = estimate_drift(s.stack.view());
  ASSERT_EQ(t.unreliable_slices, std::vector<int64_t>{17});
  EXPECT_GT(t.rejected_pairs, 0);
  // Every other slice keeps the accuracy of the intact stack's track (0.05 px of slack for the lost
  // pairs); the ruined one lies between its neighbours (steps of about 1 px: within 2 px of the truth).
  double sum = 0;
  for (int64_t z = 0; z < 40; ++z) {
    if (z == 17) continue;
    for (int a = 0; a < 2; ++a) sum += std::pow(t.drift_px[z][a] - s.drift[z][a], 2);
  }
  EXPECT_LT(std::sqrt(sum / 39), intact_error + 0.05);
  EXPECT_NEAR(t.drift_px[17][0], s.drift[17][0], 2.0);
  EXPECT_NEAR(t.drift_px[17][1], s.drift[17][1], 2.0);
}

TEST(DriftTrack, RegionAndReferenceSlice) {
  const auto s = drifting_stack(24, 9);
  DriftTrackParams params;
  params.region = Box{0, 0, 8, 72, 16, 112};  // z bounds are ignored
  params.reference_slice = 10;
  const DriftTrack t = estimate_drift(s.stack.view(), params);
  EXPECT_EQ(t.drift_px[10][0], 0.0);
  EXPECT_EQ(t.drift_px[10][1], 0.0);
  double sum = 0;
  for (int64_t z = 0; z < 24; ++z)
    for (int a = 0; a < 2; ++a) sum += std::pow(t.drift_px[z][a] - (s.drift[z][a] - s.drift[10][a]), 2);
  EXPECT_LT(std::sqrt(sum / 24), 0.3);
}

TEST(DriftTrack, OneThreadAndManyThreadsAgreeExactly) {
  const auto s = drifting_stack(20, 4);
  const int saved = omp_get_max_threads();
  omp_set_num_threads(1);
  const DriftTrack one = estimate_drift(s.stack.view());
  omp_set_num_threads(4);
  const DriftTrack many = estimate_drift(s.stack.view());
  omp_set_num_threads(saved);
  EXPECT_EQ(one.drift_px, many.drift_px);
}

TEST(DriftTrack, CsvHasOneRowPerSlice) {
  const auto s = drifting_stack(6, 2);
  const DriftTrack t = estimate_drift(s.stack.view());
  const auto rows = drift_track_csv_rows(t);
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[0].size(), drift_track_csv_header().size());
  EXPECT_EQ(rows[0][3], "");  // slice 0 has no step
  EXPECT_NEAR(std::stod(rows[5][1]), t.drift_px[5][0], 1e-4);
}

TEST(DriftTrack, BadInputIsReported) {
  auto s = drifting_stack(8, 1);
  DriftTrackParams params;
  params.region = Box{0, 0, 0, 200, 0, 64};
  EXPECT_THROW(estimate_drift(s.stack.view(), params), InputError);  // region larger than the slices
  params.region = Box{0, 0, 0, 10, 0, 10};
  EXPECT_THROW(estimate_drift(s.stack.view(), params), InputError);  // region too small to register
  params = {};
  params.lags = {2, 4};
  EXPECT_THROW(estimate_drift(s.stack.view(), params), InputError);
  params = {};
  params.curtain_lags = {0};
  EXPECT_THROW(estimate_drift(s.stack.view(), params), InputError);
  params = {};
  params.reference_slice = 8;
  EXPECT_THROW(estimate_drift(s.stack.view(), params), InputError);

  for (int64_t y = 0; y < s.stack.ny(); ++y)
    for (int64_t x = 0; x < s.stack.nx(); ++x) s.stack(5, y, x) = 42.0f;
  try {
    estimate_drift(s.stack.view());
    FAIL() << "constant slice accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("slice 5"), std::string::npos) << e.what();
  }
  s.stack(3, 7, 9) = std::numeric_limits<float>::quiet_NaN();
  try {
    estimate_drift(s.stack.view());
    FAIL() << "NaN accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("slice 3"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace emorph
