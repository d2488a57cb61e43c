#pragma once
// Stacks that follow the FIB/SEM column model exactly (fibsem_columns.hpp), their exact levels, and the
// scores of a four-phase labelling, shared by the column-model and shine-through tests.
#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "emorph/segment/fibsem_columns.hpp"
#include "emorph/volume.hpp"

namespace emorph::test {

struct ModelStack {
  Volume<uint8_t> labels;
  Volume<float> grey;
};

// Blocks of block x block columns along z share one sequence of pore runs (lengths 1..12) and solid runs
// (label first_solid or first_solid + 1, lengths 3..12); each voxel's grey follows the model: solid k its
// level (pore 25, NMC 200, LFP 140, CBD 75), a pore d slices in front of solid k
// pore + s (level_k - pore) exp(-d dz / depth), a pore with nothing behind the pore level; plus noise.
inline ModelStack model_stack(Shape s, int64_t block, uint8_t first_solid, double depth, double strength, double noise,
                              uint64_t seed) {
  const double dz = 0.02, pore = 25, level[4] = {0, 200, 140, 75};
  ModelStack m{Volume<uint8_t>(s, Spacing{dz, dz, dz}), Volume<float>(s, Spacing{dz, dz, dz})};
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> n(0, 1);
  std::vector<uint8_t> column(s.nz);
  for (int64_t by = 0; by < s.ny; by += block)
    for (int64_t bx = 0; bx < s.nx; bx += block) {
      int64_t z = 0;
      while (z < s.nz) {
        const uint8_t l = (z == 0 || column[z - 1] != 0) ? 0 : uint8_t(first_solid + rng() % 2);
        const int64_t run = l == 0 ? 1 + int64_t(rng() % 12) : 3 + int64_t(rng() % 10);
        for (int64_t k = 0; k < run && z < s.nz; ++k, ++z) column[z] = l;
      }
      for (int64_t y = by; y < std::min(by + block, s.ny); ++y)
        for (int64_t x = bx; x < std::min(bx + block, s.nx); ++x)
          for (int64_t z2 = s.nz - 1, behind = -1; z2 >= 0; --z2) {
            const uint8_t l = column[z2];
            m.labels(z2, y, x) = l;
            double g = l ? level[l] : pore;
            if (l) behind = z2;
            else if (behind >= 0) g += strength * (level[column[behind]] - pore) * std::exp(-(behind - z2) * dz / depth);
            m.grey(z2, y, x) = float(g + noise * n(rng));
          }
    }
  return m;
}

// The levels model_stack uses, constant along z, for the named solid phases.
inline FibsemColumnLevels exact_levels(int64_t nz, double noise, std::vector<std::string> names, std::vector<uint8_t> labels) {
  const double level[4] = {0, 200, 140, 75};
  FibsemColumnLevels lv;
  lv.names = std::move(names);
  lv.labels = std::move(labels);
  for (uint8_t l : lv.labels) lv.grey.emplace_back(nz, level[l]);
  lv.pore_grey.assign(nz, 25.0);
  lv.from_expected.assign(lv.labels.size(), false);
  lv.noise_sigma = noise;
  return lv;
}

// Pore Dice and the largest |segmented - true| vol% over labels 0..3.
inline std::pair<double, double> pore_dice_and_worst_error(const Volume<uint8_t>& seg, const Volume<uint8_t>& truth) {
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

}  // namespace emorph::test
