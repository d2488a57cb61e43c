// The column model of FIB/SEM stacks (fibsem_columns.hpp): exact on columns that follow the
// shine-through model, and, inside `segment --method fibsem`, better than the watershed split alone on
// the emorph simulator's stacks (default artefacts but drift: alignment is not this step's job).
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "emorph/error.hpp"
#include "emorph/phase_table.hpp"
#include "emorph/segment/fibsem_columns.hpp"
#include "emorph/segment/segment.hpp"
#include "emorph/synth/electrode.hpp"
#include "emorph/synth/fibsem.hpp"

using namespace emorph;

namespace {

// Columns along z of pore runs (lengths 1..12) and solid runs (LFP 2 or CBD 3, lengths 3..12); the grey
// follows the model exactly: solid k its level, a pore d slices in front of solid k
// pore + s (level_k - pore) exp(-d dz / depth), a pore with nothing behind the pore level.
struct ModelStack {
  Volume<uint8_t> labels;
  Volume<float> grey;
};

ModelStack model_stack(double noise, uint64_t seed) {
  const Shape s{96, 6, 6};
  const double dz = 0.02, depth = 0.08, strength = 0.7, pore = 25, level[4] = {0, 200, 140, 75};
  ModelStack m{Volume<uint8_t>(s, Spacing{dz, dz, dz}), Volume<float>(s, Spacing{dz, dz, dz})};
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> n(0, 1);
  for (int64_t y = 0; y < s.ny; ++y)
    for (int64_t x = 0; x < s.nx; ++x) {
      int64_t z = 0;
      while (z < s.nz) {
        const uint8_t l = (z == 0 || m.labels(z - 1, y, x) != 0) ? 0 : uint8_t(2 + rng() % 2);
        const int64_t run = l == 0 ? 1 + int64_t(rng() % 12) : 3 + int64_t(rng() % 10);
        for (int64_t k = 0; k < run && z < s.nz; ++k, ++z) m.labels(z, y, x) = l;
      }
      for (int64_t z2 = s.nz - 1, behind = -1; z2 >= 0; --z2) {
        const uint8_t l = m.labels(z2, y, x);
        double g = l ? level[l] : pore;
        if (l) behind = z2;
        else if (behind >= 0) g += strength * (level[m.labels(behind, y, x)] - pore) * std::exp(-(behind - z2) * dz / depth);
        m.grey(z2, y, x) = float(g + noise * n(rng));
      }
    }
  return m;
}

FibsemColumnLevels exact_levels(int64_t nz, double noise) {
  FibsemColumnLevels lv;
  lv.names = {"CBD", "LFP"};
  lv.labels = {3, 2};
  lv.grey = {std::vector<double>(nz, 75.0), std::vector<double>(nz, 140.0)};
  lv.pore_grey.assign(nz, 25.0);
  lv.from_expected = {false, false};
  lv.noise_sigma = noise;
  return lv;
}

double agreement(const Volume<uint8_t>& a, const Volume<uint8_t>& b) {
  int64_t same = 0;
  for (int64_t i = 0; i < a.size(); ++i) same += a.data()[i] == b.data()[i];
  return double(same) / double(a.size());
}

// Pore Dice and the largest |segmented - true| vol% over labels 0..3.
std::pair<double, double> score(const Volume<uint8_t>& seg, const Volume<uint8_t>& truth) {
  int64_t n_seg[4] = {0}, n_true[4] = {0}, both = 0;
  for (int64_t i = 0; i < seg.size(); ++i) {
    const uint8_t s = seg.data()[i], t = truth.data()[i];
    if (s < 4) ++n_seg[s];
    if (t < 4) ++n_true[t];
    both += s == 0 && t == 0;
  }
  double worst = 0;
  for (int l = 0; l < 4; ++l) worst = std::max(worst, 100.0 * std::abs(double(n_seg[l] - n_true[l])) / double(seg.size()));
  return {2.0 * double(both) / double(n_seg[0] + n_true[0]), worst};
}

}  // namespace

// Noise-free columns that follow the model are labelled exactly (every pore ramp, whatever the solid
// behind it; no in-plane edges to decide) when the noise assumed is small against the change penalty;
// at noise 8 (the simulator's) the penalty prefers fewer changes where a one-slice pore in front of
// LFP (grey 88) sits next to CBD (75), and still 95 % of the voxels are right.
TEST(FibsemColumns, ColumnsThatFollowTheModelAreLabelledExactly) {
  FibsemColumnParams p;
  p.watershed_edges = false;
  const ModelStack clean = model_stack(0.0, 1);
  const auto labels = fibsem_column_labels(clean.grey.view(), exact_levels(clean.grey.nz(), 1.0), 0, p);
  EXPECT_EQ(agreement(labels, clean.labels), 1.0);
  const ModelStack noisy = model_stack(8.0, 2);
  const double right = agreement(fibsem_column_labels(noisy.grey.view(), exact_levels(noisy.grey.nz(), 8.0), 0, p), noisy.labels);
  std::printf("noise 8: %.4f of the voxels right\n", right);
  EXPECT_GE(right, 0.95);
  // Bad input is an InputError naming the step.
  FibsemColumnParams bad = p;
  bad.milling_axis = 1;
  EXPECT_THROW(fibsem_column_labels(clean.grey.view(), exact_levels(clean.grey.nz(), 8.0), 0, bad), InputError);
  FibsemColumnLevels short_levels = exact_levels(clean.grey.nz() - 1, 8.0);
  EXPECT_THROW(fibsem_column_labels(clean.grey.view(), short_levels, 0, p), InputError);
}

// The emorph simulator's stacks (presets F and H, 80^3 at 20 nm,
// default artefacts but drift), destriping and shading left out: `segment --method fibsem` with the
// column model against the watershed split alone. Figures measured when this test was written, in the
// comments; the bounds leave a margin of about 0.02 in Dice and 0.4 vol% beyond them.
TEST(FibsemColumns, SegmentationBeatsTheWatershedSplitOnSimulatedStacks) {
  struct Case {
    const char* preset;
    uint64_t seed;
    double min_dice, max_error;
  };
    // Measured: F seed 4: Dice 0.851, worst 3.15 vol% (watershed split 0.777, 9.09); H seed 3: 0.907,
  // 1.77 (0.832, 5.61).
  for (const Case& c : {Case{"F", 4, 0.83, 3.6}, Case{"H", 3, 0.885, 2.2}}) {
    const auto gen = synth::generate_electrode(synth::preset(c.preset, 80, 0.02, c.seed));
    synth::FibsemParams fp;
    fp.seed = c.seed;
    fp.drift_step_px = 0;
    const auto sim = synth::simulate_fibsem(gen.labels.view(), fp);
    SegmentParams sp;
    sp.method = "fibsem";
    const auto with = segment(AnyVolume(sim.image.clone()), sp, PhaseTable::default_table());
    sp.fibsem_columns.enabled = false;
    const auto without = segment(AnyVolume(sim.image.clone()), sp, PhaseTable::default_table());
    const auto a = score(with.labels, gen.labels), b = score(without.labels, gen.labels);
    std::printf("%s seed %llu: columns: pore Dice %.3f, worst %.2f vol%% | watershed split: %.3f, %.2f vol%%\n", c.preset,
                static_cast<unsigned long long>(c.seed), a.first, a.second, b.first, b.second);
    EXPECT_GE(a.first, c.min_dice) << c.preset;
    EXPECT_LE(a.second, c.max_error) << c.preset;
    EXPECT_GT(a.first, b.first) << c.preset;
    EXPECT_TRUE(with.fibsem_solids.contains("columns"));
    EXPECT_FALSE(without.fibsem_solids.contains("columns"));
  }
}
