#pragma once
// FIB/SEM bench cells (issue 14, point 7), shared by bench_fibsem_chain and bench_accuracy: a synthetic
// electrode (emorph's generator, a preset of Etiemble et al. 2017) imaged by the FIB/SEM simulator, the
// stack prepared with the simulator's own drift (the ceiling of alignment), and the score of a
// four-phase labelling against the generator's labels: pore Dice and each phase's vol% error.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "emorph/filter/fibsem_prep.hpp"
#include "emorph/filter/shift.hpp"
#include "emorph/synth/electrode.hpp"
#include "emorph/synth/fibsem.hpp"

namespace emorph::bench {

struct Score {
  double pore_dice = 0;
  double error[4] = {0, 0, 0, 0};  // segmented - true vol%, per label 0 pore, 1 NMC, 2 LFP, 3 CBD
  double truth[4] = {0, 0, 0, 0};
  double worst() const { return std::max({std::abs(error[0]), std::abs(error[1]), std::abs(error[2]), std::abs(error[3])}); }
  // Issue 14 point 7: pore Dice >= 0.90 and the four fractions within 2 vol% of truth.
  bool met() const { return pore_dice >= 0.90 && worst() <= 2.0; }
};

inline Score score(const Volume<uint8_t>& seg, VolumeView<const uint8_t> truth) {
  int64_t n_seg[4] = {0}, n_true[4] = {0}, both_pore = 0;
  for (int64_t z = 0; z < truth.nz(); ++z)
    for (int64_t y = 0; y < truth.ny(); ++y)
      for (int64_t x = 0; x < truth.nx(); ++x) {
        const uint8_t s = seg(z, y, x), t = truth(z, y, x);
        if (s < 4) ++n_seg[s];
        if (t < 4) ++n_true[t];
        both_pore += s == 0 && t == 0;
      }
  Score r;
  const double n = double(truth.size());
  r.pore_dice = 2.0 * double(both_pore) / double(n_seg[0] + n_true[0]);
  for (int l = 0; l < 4; ++l) {
    r.error[l] = 100.0 * double(n_seg[l] - n_true[l]) / n;
    r.truth[l] = 100.0 * double(n_true[l]) / n;
  }
  return r;
}

// One cell: the generator's electrode, its FIB/SEM image (the simulator's artefacts as `imaging`, the
// cell's seed) and that image as float.
struct SimulatedCell {
  synth::SynthResult gen;
  synth::FibsemResult sim;
  Volume<float> raw;
};

inline SimulatedCell simulate_cell(const std::string& preset, const std::string& voxel, const std::string& seed_s, int size,
                                   synth::FibsemParams imaging) {
  const uint64_t seed = std::stoull(seed_s);
  SimulatedCell c{synth::generate_electrode(synth::preset(preset, size, std::stod(voxel), seed)), {}, {}};
  imaging.seed = seed;
  c.sim = synth::simulate_fibsem(c.gen.labels.view(), imaging);
  c.raw = Volume<float>(c.sim.image.shape(), c.sim.image.spacing());
  for (int64_t i = 0; i < c.raw.size(); ++i) c.raw.data()[i] = c.sim.image.data()[i];
  return c;
}

// The stack prepared by `pp` without its own alignment, then shifted by the simulator's drift and cropped
// to the field every slice shares.
inline FibsemPrepResult prepare_with_true_drift(const SimulatedCell& cell, FibsemPrepParams pp) {
  pp.align = false;
  FibsemPrepResult prepared = fibsem_prepare(cell.raw.view(), pp);
  std::vector<std::array<double, 2>> d;
  int64_t m = 0;
  for (const auto& v : cell.sim.drift_px) {
    d.push_back({double(v[0]), double(v[1])});
    m = std::max<int64_t>({m, std::abs(v[0]), std::abs(v[1])});
  }
  prepared.stack = apply_drift(prepared.stack.view(), d);
  prepared.crop = {0, cell.raw.nz(), m, cell.raw.ny() - m, m, cell.raw.nx() - m};
  prepared.stack = to_volume(VolumeView<const float>(prepared.stack.view()).crop(prepared.crop));
  return prepared;
}

}  // namespace emorph::bench
