// The shine-through parameters estimated from the stack (fibsem_shine.hpp): recovered on stacks that
// follow the model; inside `segment --method fibsem` (opt-in) on the emorph simulator's stacks imaged with
// shine-through other than its default, against the fixed default parameters.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "emorph/error.hpp"
#include "emorph/phase_table.hpp"
#include "emorph/results/segment_results.hpp"
#include "emorph/segment/fibsem_shine.hpp"
#include "emorph/segment/segment.hpp"
#include "emorph/synth/electrode.hpp"
#include "emorph/synth/fibsem.hpp"
#include "fibsem_comparison.hpp"
#include "fibsem_model.hpp"

using namespace emorph;

namespace {

// Blocks of 8 x 8 columns along z share one sequence of pore runs and NMC 1 / LFP 2 runs following the
// model (fibsem_model.hpp). Blocks, not single columns: the estimate leaves out in-plane edges, as the
// probe blur mixes them on real stacks.
test::ModelStack model_stack(double depth, double strength, double noise, uint64_t seed) {
  return test::model_stack(Shape{96, 48, 48}, 8, 1, depth, strength, noise, seed);
}

FibsemColumnLevels exact_levels(int64_t nz, double noise) { return test::exact_levels(nz, noise, {"LFP", "NMC"}, {2, 1}); }

}  // namespace

// With the true labels and levels, the fit recovers depth and strength at the simulator's noise (8 grey)
// for a short weak and a long strong shine-through. Tolerance: 10 % of the depth and 0.05 in strength
// (the medians of 1-12 slice ramps at noise 8; measured errors are printed).
TEST(FibsemShine, ModelStacksGiveBackTheirParameters) {
  struct Case {
    double depth, strength;
  };
  for (const Case c : {Case{0.04, 0.5}, Case{0.08, 0.7}, Case{0.10, 0.8}}) {
    const test::ModelStack m = model_stack(c.depth, c.strength, 8.0, 7);
    FibsemColumnParams cp;  // starts at 0.08 um, 0.7
    const FibsemShineEstimate e = estimate_fibsem_shine(m.grey.view(), m.labels.view(), 0, exact_levels(m.grey.nz(), 8.0), cp);
    std::printf("depth %.3f strength %.2f: estimated %.4f, %.3f (%d distances, %lld voxels)\n", c.depth, c.strength, e.depth_um,
                e.strength, e.gaps, static_cast<long long>(e.voxels));
    EXPECT_TRUE(e.fitted);
    EXPECT_NEAR(e.depth_um, c.depth, 0.1 * c.depth);
    EXPECT_NEAR(e.strength, c.strength, 0.05);
  }
  // No pore in front of a solid: nothing to fit, the given values are kept.
  test::ModelStack solid = model_stack(0.08, 0.7, 8.0, 3);
  for (auto& l : solid.labels) l = 1;
  FibsemColumnParams cp;
  cp.shine_depth_um = 0.05, cp.shine_strength = 0.6;
  const FibsemShineEstimate none = estimate_fibsem_shine(solid.grey.view(), solid.labels.view(), 0, exact_levels(96, 8.0), cp);
  EXPECT_FALSE(none.fitted);
  EXPECT_EQ(none.depth_um, 0.05);
  EXPECT_EQ(none.strength, 0.6);
  // Bad input is an InputError.
  FibsemShineParams bad;
  bad.max_strength = 1.0;
  EXPECT_THROW(estimate_fibsem_shine(solid.grey.view(), solid.labels.view(), 0, exact_levels(96, 8.0), cp, bad), InputError);
  EXPECT_THROW(estimate_fibsem_shine(solid.grey.view(), solid.labels.view().crop(Box{0, 95, 0, 48, 0, 48}), 0,
                                     exact_levels(96, 8.0), cp),
               InputError);
}

// The emorph simulator's stack (preset H, 80^3 at 20 nm, seed 3, default artefacts but drift) imaged
// with shine-through other than the default, segmented with the estimate (fit_shine, off by default) and
// with the fixed default (0.08 um, 0.7). Measured when this test was written: 0.04 um, 0.5: estimated
// 0.048 um, 0.69, pore Dice 0.872, worst 2.36 vol% (fixed default 0.917, 1.62); 0.12 um, 0.8: estimated
// 0.141 um, 0.60, 0.818, 2.09 (fixed 0.870, 0.97). On such stacks the estimate is worse than the fixed
// default (its labelling is the watershed split's, whose pores are too poor: docs/validation.md), which
// is why it is not the default; the bounds (0.015 in Dice, 0.3 vol% beyond the figures) keep it from
// getting worse unnoticed and hold the fixed route's figures.
TEST(FibsemShine, SegmentationWithTheEstimateOnSimulatedStacks) {
  struct Case {
    double depth, strength;
    double fit_dice, fit_error, fixed_dice, fixed_error;
  };
  for (const Case c : {Case{0.04, 0.5, 0.857, 2.66, 0.902, 1.92}, Case{0.12, 0.8, 0.803, 2.39, 0.855, 1.27}}) {
    const auto gen = synth::generate_electrode(synth::preset("H", 80, 0.02, 3));
    synth::FibsemParams fp;
    fp.seed = 3;
    fp.drift_step_px = 0;
    fp.shine_depth_um = c.depth, fp.shine_strength = c.strength;
    const auto sim = synth::simulate_fibsem(gen.labels.view(), fp);
    const auto [fixed, fitted] = test::segment_fibsem_default_and_changed(
        sim.image, gen.labels, [](SegmentParams& sp) { sp.fibsem_columns.fit_shine = true; }, test::column_step_alone());
    const auto a = fitted.score, b = fixed.score;
    const Json fit = segment_results(fitted.result, false)["fibsem"]["solids"]["columns"]["shine_fit"];
    std::printf("shine %.2f um, %.2f: estimated %.3f um, %.2f | estimate: pore Dice %.3f, worst %.2f vol%% | fixed default: %.3f, %.2f vol%%\n",
                c.depth, c.strength, fit["depth_um"].get<double>(), fit["strength"].get<double>(), a.first, a.second, b.first,
                b.second);
    EXPECT_TRUE(fit["fitted"].get<bool>());
    EXPECT_GE(a.first, c.fit_dice);
    EXPECT_LE(a.second, c.fit_error);
    EXPECT_GE(b.first, c.fixed_dice);
    EXPECT_LE(b.second, c.fixed_error);
    ASSERT_TRUE(fixed.result.fibsem_columns.has_value());
    EXPECT_FALSE(fixed.result.fibsem_columns->shine_fit.has_value());
  }
}
