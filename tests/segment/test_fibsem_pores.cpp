#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "emorph/error.hpp"
#include "emorph/parallel.hpp"
#include "emorph/phase_table.hpp"
#include "emorph/segment/fibsem_pores.hpp"
#include "emorph/segment/histogram.hpp"
#include "emorph/segment/segment.hpp"
#include "emorph/segment/threshold.hpp"
#include "emorph/synth/electrode.hpp"
#include "segment/fibsem_sim.hpp"
#include "support/input_error.hpp"
#include "support/prepped_fibsem.hpp"

using namespace emorph;

namespace {

struct Scores {
  double dice, accuracy, fraction_error;
};

Scores score(const Volume<uint8_t>& truth_labels, const Volume<uint8_t>& pores) {
  int64_t tp = 0, fp = 0, fn = 0, tn = 0;
  for (int64_t i = 0; i < pores.size(); ++i) {
    const bool t = truth_labels.data()[i] == 0, p = pores.data()[i] != 0;
    tp += t && p, fp += !t && p, fn += t && !p, tn += !t && !p;
  }
  const double n = static_cast<double>(pores.size());
  return {2.0 * tp / (2.0 * tp + fp + fn), (tp + tn) / n, (tp + fp - (tp + fn)) / n};
}

Volume<uint8_t> otsu_pores(const Volume<uint8_t>& grey) {
  const double t = threshold_otsu(histogram<uint8_t>(grey.view(), {})).thresholds[0];
  Volume<uint8_t> p(grey.shape());
  for (int64_t i = 0; i < p.size(); ++i) p.data()[i] = grey.data()[i] <= t;
  return p;
}

}  // namespace

// Acceptance (issue 5): pore Dice >= 0.90 with the morphological method on FIB/SEM images with
// shine-through, clearly better than a global Otsu threshold on the same image.
TEST(FibsemPores, ShineThroughStackBeatsGlobalOtsu) {
  for (uint64_t seed : {1, 2}) {
    // 40 vol% pores, shine-through depth 5 slices, noise sd 6 over a 25..200 grey range.
    auto sim = test::simulate_fibsem({48, 80, 80}, seed, 0.6, 5.0);
    auto r = fibsem_pores<uint8_t>(sim.grey.view(), {});
    const Scores morph = score(sim.labels, r.pores), otsu = score(sim.labels, otsu_pores(sim.grey));
    std::printf("seed %llu: morphological Dice %.3f acc %.3f fraction error %+.3f | global Otsu Dice %.3f acc %.3f "
                "fraction error %+.3f\n",
                static_cast<unsigned long long>(seed), morph.dice, morph.accuracy, morph.fraction_error, otsu.dice,
                otsu.accuracy, otsu.fraction_error);
    EXPECT_GE(morph.dice, 0.90);
    EXPECT_LE(std::abs(morph.fraction_error), 0.03);
    EXPECT_GE(morph.dice - otsu.dice, 0.03);
    EXPECT_GT(r.pore_markers, 0);
    EXPECT_GT(r.solid_markers, 0);
  }
}

// Preset A's failure (issue 14 point 7): a cube of 75 % pores, CB+PVdF and a little NMC, no LFP. Four
// multi-Otsu classes on its flat voxels put the lowest threshold inside the pores' own peak (A 20 nm
// seed 4: 36 % of 79 % pores found, Dice 0.62); the classes follow the grey modes present instead.
TEST(FibsemPores, ClassesFollowTheGreyModesOfACubeWithoutLfp) {
  auto sim = test::simulate_fibsem({48, 80, 80}, 7, 0.25);
  Volume<uint8_t> labels(sim.labels.shape(), Spacing{0.02, 0.02, 0.02});
  for (int64_t i = 0; i < labels.size(); ++i) labels.data()[i] = sim.labels.data()[i] == 2 ? 3 : sim.labels.data()[i];
  // The FIB/SEM simulator's BSE levels and shine-through (0.08 um at 0.7), blur 0.7 px, noise 8.
  const auto image = test::simulate_prepped_fibsem(labels.view());
  const auto r = fibsem_pores<uint8_t>(image.image.view(), {});
  const Scores s = score(labels, r.pores);
  std::printf("grey classes %d, pore Dice %.3f, fraction error %+.3f\n", r.grey_classes, s.dice, s.fraction_error);
  // Fewer than the four classes (the old fixed count): measured 3, pore Dice 0.987, fraction -0.001.
  // Bounds as the pore target and the 3 vol% of ShineThroughStackBeatsGlobalOtsu.
  EXPECT_LT(r.grey_classes, 4);
  EXPECT_FALSE(r.single_population);
  EXPECT_GE(s.dice, 0.90);
  EXPECT_LE(std::abs(s.fraction_error), 0.03);
}

// Preset A's refused cubes (issue 14 point 7, docs/segmentation.md). A 2 um cube inside one NMC particle
// is one grey population: no pore (before, the noise's rises and a two-class threshold through its one
// mode made 58 % "pores"), and one level names no phase, so the route asks for it; named, every voxel is
// that phase. A cube of pores and CB+PVdF alone shows one solid mode: its contrast over the pores is
// measured, but contrasts are known only as ratios between phases, so it is refused too, saying so;
// `--classes pore,CBD` segments it.
TEST(FibsemPores, OnePhaseOrOneSolidModeIsNamedByTheUser) {
  const PhaseTable table = PhaseTable::default_table();
  SegmentParams route;
  route.method = "fibsem";
  auto segment_stack = [&](const Volume<uint8_t>& grey, const std::string& classes) {
    SegmentParams p = route;
    p.classes = classes;
    return segment(AnyVolume(grey.clone()), p, table);
  };
  // The simulator's curtains stay (they widen the one population beyond the pixel noise).
  const synth::FibsemParams imaging{.drift_step_px = 0, .contrast_decay = 0, .shading = 0};
  const Volume<uint8_t> nmc = Volume<uint8_t>::filled({32, 48, 48}, Spacing{0.02, 0.02, 0.02}, 1);
  const auto one_phase = synth::simulate_fibsem(nmc.view(), imaging);
  const auto r = fibsem_pores<uint8_t>(one_phase.image.view(), {});
  EXPECT_TRUE(r.single_population);
  EXPECT_EQ(std::count(r.pores.data(), r.pores.data() + r.pores.size(), uint8_t{1}), 0);
  const std::string why = test::input_error_message([&] { segment_stack(one_phase.image, ""); });
  EXPECT_NE(why.find("one grey population"), std::string::npos) << why;
  EXPECT_NE(why.find("--classes pore,<phase>"), std::string::npos) << why;
  const SegmentResult named = segment_stack(one_phase.image, "pore,NMC");
  EXPECT_EQ(std::count(named.labels.data(), named.labels.data() + named.labels.size(), uint8_t{1}), named.labels.size());

  auto sim = test::simulate_fibsem({48, 80, 80}, 11, 0.2);
  Volume<uint8_t> labels(sim.labels.shape(), Spacing{0.02, 0.02, 0.02});
  for (int64_t i = 0; i < labels.size(); ++i) labels.data()[i] = sim.labels.data()[i] == 0 ? 0 : 3;
  const auto pores_and_cbd = test::simulate_prepped_fibsem(labels.view());
  EXPECT_FALSE(fibsem_pores<uint8_t>(pores_and_cbd.image.view(), {}).single_population);
  const std::string one_solid = test::input_error_message([&] { segment_stack(pores_and_cbd.image, ""); });
  EXPECT_NE(one_solid.find("one solid phase"), std::string::npos) << one_solid;
  EXPECT_NE(one_solid.find("--classes pore,<phase>"), std::string::npos) << one_solid;
  const SegmentResult cbd = segment_stack(pores_and_cbd.image, "pore,CBD");
  const Scores s = score(labels, [&] {
    Volume<uint8_t> pores(labels.shape());
    for (int64_t i = 0; i < pores.size(); ++i) pores.data()[i] = cbd.labels.data()[i] == 0;
    return pores;
  }());
  std::printf("pores + CB+PVdF named: pore Dice %.3f, fraction error %+.4f\n", s.dice, s.fraction_error);
  // Measured: Dice 0.989, fraction -0.003; bounds as ClassesFollowTheGreyModesOfACubeWithoutLfp.
  EXPECT_GE(s.dice, 0.90);
  EXPECT_LE(std::abs(s.fraction_error), 0.03);
}

// Preset F's pore / CB+PVdF split (issue 14 point 7): the generator's F cube (LFP, CB+PVdF finely
// dispersed, 80^3 at 20 nm, seed 3), imaged as fibsem-prep leaves it, through the whole default route
// (pores, solid modes, column model). Measured: pore +1.76, LFP +0.02, CBD -1.77 vol% (true 38.2 / 40.3
// / 21.6): the split leans to the pores, as on the matrix's F cubes, some of which miss by 2.05-2.60 vol%
// (docs/validation.md, "#14 point 7 stop 19"); bound: the 2 vol%.
// The generator's F cube (80^3 at 20 nm, seed 3: pores, LFP and fine CB+PVdF, no NMC) through the default
// FIB/SEM route, with or without the rim model: pore Dice and each label's vol% error.
struct CubeScore {
  double pore_dice = 0, error[4] = {0, 0, 0, 0};
};

CubeScore segment_f_cube(bool rims) {
  const Volume<uint8_t> labels = synth::generate_electrode(synth::preset("F", 80, 0.02, 3)).labels;
  const auto image = test::simulate_prepped_fibsem(labels.view());
  SegmentParams route;
  route.method = "fibsem";
  route.fibsem_rims.enabled = rims;
  const SegmentResult r = segment(AnyVolume(image.image.clone()), route, PhaseTable::default_table());
  CubeScore c;
  double truth[4] = {0, 0, 0, 0};
  int64_t both = 0, pore_seg = 0, pore_true = 0;
  for (int64_t i = 0; i < labels.size(); ++i) {
    const uint8_t s = r.labels.data()[i], t = labels.data()[i];
    if (s < 4) c.error[s] += 100.0 / double(labels.size());
    c.error[t] -= 100.0 / double(labels.size()), truth[t] += 100.0 / double(labels.size());
    both += s == 0 && t == 0, pore_seg += s == 0, pore_true += t == 0;
  }
  c.pore_dice = 2.0 * double(both) / double(pore_seg + pore_true);
  std::printf("rims %s: true vol%%: pore %.2f LFP %.2f CBD %.2f; pore Dice %.3f, error: pore %+.2f NMC %+.2f LFP %+.2f CBD %+.2f\n",
              rims ? "on" : "off", truth[0], truth[2], truth[3], c.pore_dice, c.error[0], c.error[1], c.error[2], c.error[3]);
  return c;
}

TEST(FibsemPores, PoreAndFineCbdSplitOfAnLfpCubeHolds) {
  // The column model's split alone (rims left to the watershed): within 2 vol% (pores +1.76, CBD -1.77).
  const CubeScore c = segment_f_cube(false);
  EXPECT_EQ(c.error[1], 0.0);  // no NMC class in a cube without NMC
  for (int phase : {0, 2, 3}) EXPECT_LE(std::abs(c.error[phase]), 2.0) << phase;
}

TEST(FibsemPores, RimModelRaisesThePoreDiceOfAnLfpCube) {
  // The default route places the rims by the probe-blur model (fibsem_rims.hpp): pore Dice 0.929 ->
  // 0.947 measured on this cube, but at 20 nm it takes thin CB+PVdF for pore (pores +2.59, CBD -2.82
  // vol%, the known miss of docs/validation.md "#14 stop 20"): bounds a Dice gain of 0.01 and 3.5 vol%.
  const CubeScore off = segment_f_cube(false), on = segment_f_cube(true);
  EXPECT_GE(on.pore_dice, off.pore_dice + 0.01);
  EXPECT_EQ(on.error[1], 0.0);
  for (int phase : {0, 2, 3}) EXPECT_LE(std::abs(on.error[phase]), 3.5) << phase;
}

TEST(FibsemPores, MillingAxisAndDirectionAreHonoured) {
  // The same stack with z reversed and behind = -1 must give the reversed segmentation.
  auto sim = test::simulate_fibsem({24, 32, 32}, 3);
  Volume<uint8_t> flipped(sim.grey.shape());
  for (int64_t z = 0; z < 24; ++z)
    for (int64_t y = 0; y < 32; ++y)
      for (int64_t x = 0; x < 32; ++x) flipped(23 - z, y, x) = sim.grey(z, y, x);
  auto a = fibsem_pores<uint8_t>(sim.grey.view(), {});
  FibsemPoreParams p;
  p.behind = -1;
  auto b = fibsem_pores<uint8_t>(flipped.view(), p);
  int64_t differ = 0;
  for (int64_t z = 0; z < 24; ++z)
    for (int64_t y = 0; y < 32; ++y)
      for (int64_t x = 0; x < 32; ++x) differ += a.pores(z, y, x) != b.pores(23 - z, y, x);
  // Gaussian reflection and watershed tie order are mirror-symmetric up to a handful of voxels.
  EXPECT_LE(differ, 24 * 32 * 32 / 200);
}

TEST(FibsemPores, OneAndManyThreadsIdenticalAndBadInput) {
  auto sim = test::simulate_fibsem({16, 24, 24}, 4);
  set_threads(1);
  auto a = fibsem_pores<uint8_t>(sim.grey.view(), {});
  set_threads(3);
  auto b = fibsem_pores<uint8_t>(sim.grey.view(), {});
  set_threads(0);
  EXPECT_TRUE(std::equal(a.pores.begin(), a.pores.end(), b.pores.begin()));
  auto flat = Volume<uint8_t>::filled({8, 8, 8}, {}, 100);
  EXPECT_THROW(fibsem_pores<uint8_t>(flat.view(), {}), InputError);
  FibsemPoreParams bad;
  bad.behind = 2;
  EXPECT_THROW(fibsem_pores<uint8_t>(sim.grey.view(), bad), InputError);
}
