#include <gtest/gtest.h>

#include "emorph/error.hpp"
#include "emorph/parallel.hpp"
#include "emorph/segment/fibsem_pores.hpp"
#include "emorph/segment/histogram.hpp"
#include "emorph/segment/threshold.hpp"
#include "segment/fibsem_sim.hpp"
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
  EXPECT_GE(s.dice, 0.90);
  EXPECT_LE(std::abs(s.fraction_error), 0.03);
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
