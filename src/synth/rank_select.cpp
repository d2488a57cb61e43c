// Exact-count top-k selection by a per-plane histogram of quantised scores and a shared threshold.
#include "rank_select.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "emorph/error.hpp"

namespace emorph::synth {

namespace {
constexpr int kLevels = 4096;

inline int quantise(float s, float lo, float scale) {
  const float q = (s - lo) * scale;
  return q <= 0.f ? 0 : q >= kLevels - 1 ? kLevels - 1 : static_cast<int>(q);
}
}  // namespace

void select_top_voxels(Volume<uint8_t>& labels, uint8_t from, uint8_t to, int64_t count, float lo, float hi,
                       const PlaneScorer& scorer) {
  if (count <= 0) return;
  const int64_t nz = labels.nz(), plane = labels.ny() * labels.nx();
  const float scale = static_cast<float>(kLevels - 1) / (hi - lo);
  std::vector<uint32_t> hist(static_cast<std::size_t>(nz) * kLevels, 0);
  // Quantised scores are kept (2 bytes per voxel) so that the scorer runs once per plane.
  Volume<uint16_t> levels(labels.shape(), labels.spacing());

#pragma omp parallel
  {
    std::vector<float> scores(static_cast<std::size_t>(plane));
#pragma omp for schedule(dynamic, 1)
    for (int64_t z = 0; z < nz; ++z) {
      scorer(z, scores.data());
      const uint8_t* lab = &labels(z, 0, 0);
      uint16_t* lev = &levels(z, 0, 0);
      uint32_t* h = &hist[static_cast<std::size_t>(z) * kLevels];
      for (int64_t i = 0; i < plane; ++i) {
        if (lab[i] != from) continue;
        const int q = quantise(scores[i], lo, scale);
        lev[i] = static_cast<uint16_t>(q);
        ++h[q];
      }
    }
  }

  std::vector<int64_t> total(kLevels, 0);
  for (int64_t z = 0; z < nz; ++z)
    for (int q = 0; q < kLevels; ++q) total[q] += hist[static_cast<std::size_t>(z) * kLevels + q];
  int64_t available = 0;
  for (int64_t t : total) available += t;
  if (count > available)
    throw InputError("synth: cannot place " + std::to_string(count) + " voxels, only " + std::to_string(available) +
                     " free voxels remain (fractions too high for the space left)");
  int threshold = kLevels - 1;
  int64_t above = 0;
  while (above + total[threshold] < count) above += total[threshold--];
  const int64_t need = count - above;  // taken from the threshold level

  // Share the tied voxels among planes in proportion (the rounding remainder to the first planes).
  std::vector<int64_t> quota(static_cast<std::size_t>(nz), 0);
  const int64_t tied = total[threshold];
  int64_t given = 0;
  for (int64_t z = 0; z < nz; ++z) {
    const int64_t t = hist[static_cast<std::size_t>(z) * kLevels + threshold];
    quota[z] = static_cast<int64_t>((static_cast<__int128>(need) * t) / tied);
    given += quota[z];
  }
  for (int64_t z = 0; z < nz && given < need; ++z)
    if (quota[z] < hist[static_cast<std::size_t>(z) * kLevels + threshold]) ++quota[z], ++given;

#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t z = 0; z < nz; ++z) {
    uint8_t* lab = &labels(z, 0, 0);
    const uint16_t* lev = &levels(z, 0, 0);
    int64_t left = quota[z];
    for (int64_t i = 0; i < plane; ++i) {
      if (lab[i] != from) continue;
      if (lev[i] > threshold) {
        lab[i] = to;
      } else if (lev[i] == threshold && left > 0) {
        lab[i] = to;
        --left;
      }
    }
  }
}

}  // namespace emorph::synth
