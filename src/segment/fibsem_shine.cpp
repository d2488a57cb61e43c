// Shine-through depth and strength of a FIB/SEM stack: least-squares fit of s exp(-d dz / depth) to the
// median grey ratios of the pore voxels d slices in front of each solid (see fibsem_shine.hpp).
#include "emorph/segment/fibsem_shine.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <vector>

#include "emorph/error.hpp"

namespace emorph {

FibsemShineEstimate estimate_fibsem_shine(VolumeView<const float> grey, VolumeView<const uint8_t> labels, uint8_t pore_label,
                                          const FibsemColumnLevels& lv, const FibsemColumnParams& cp,
                                          const FibsemShineParams& p) {
  const Shape s = grey.shape();
  const double dz = grey.spacing().dz;
  const double min_depth = std::max(p.min_depth_um, 0.25 * dz);
  require(labels.shape() == s, "fibsem shine: label shape differs from the grey volume's");
  require(std::isfinite(p.max_depth_um) && p.max_depth_um > min_depth && p.max_depth_um <= 64 * dz,
          "fibsem shine: the depth bounds must satisfy max(min_depth, dz / 4) < max_depth <= 64 dz");
  require(p.min_strength >= 0 && p.min_strength < p.max_strength && p.max_strength < 1,
          "fibsem shine: the strength bounds must satisfy 0 <= min < max < 1");
  require(p.edge_fraction > 0 && p.min_contrast_sigmas > 0 && p.min_voxels >= 1,
          "fibsem shine: edge fraction, minimum contrast and minimum voxels must be positive");
  require(cp.behind == 1 || cp.behind == -1, "fibsem shine: behind must be +1 or -1");
  require(int64_t(lv.pore_grey.size()) == s.nz && lv.grey.size() == lv.labels.size() && lv.noise_sigma > 0,
          "fibsem shine: one pore level per slice, one level line per solid and a positive noise are needed");
  const int64_t max_gap = std::min<int64_t>(s.nz - 1, static_cast<int64_t>(std::ceil(4 * p.max_depth_um / dz)));
  FibsemColumnParams edge_params = cp;
  edge_params.edge_fraction = p.edge_fraction;
  const Volume<uint8_t> edges = fibsem_column_edges(grey, edge_params);
  std::array<int, 256> phase{};
  phase.fill(-1);
  for (std::size_t k = 0; k < lv.labels.size(); ++k) phase[lv.labels[k]] = int(k);
  // ratio[d]: (grey - pore) / (level_k - pore) of the flat pore voxels d slices in front of solid k,
  // walking each column from the unmilled side.
  std::vector<std::vector<float>> ratio(std::size_t(max_gap + 1));
  for (int64_t y = 0; y < s.ny; ++y)
    for (int64_t x = 0; x < s.nx; ++x) {
      int64_t solid_t = -1;
      int k = -1;
      for (int64_t t = 0; t < s.nz; ++t) {
        const int64_t z = cp.behind > 0 ? s.nz - 1 - t : t;
        const uint8_t l = labels(z, y, x);
        if (l != pore_label) {
          solid_t = t, k = phase[l];
          continue;
        }
        if (solid_t < 0 || k < 0 || t - solid_t > max_gap || edges(z, y, x)) continue;
        const double contrast = lv.grey[k][z] - lv.pore_grey[z];
        if (contrast > p.min_contrast_sigmas * lv.noise_sigma)
          ratio[t - solid_t].push_back(float((grey(z, y, x) - lv.pore_grey[z]) / contrast));
      }
    }
  FibsemShineEstimate e;
  std::vector<double> median(ratio.size(), 0.0), weight(ratio.size(), 0.0);
  for (std::size_t d = 1; d < ratio.size(); ++d) {
    if (int64_t(ratio[d].size()) < p.min_voxels) continue;
    const auto mid = ratio[d].begin() + std::ptrdiff_t(ratio[d].size() / 2);
    std::nth_element(ratio[d].begin(), mid, ratio[d].end());
    median[d] = *mid, weight[d] = double(ratio[d].size());
    ++e.gaps, e.voxels += int64_t(ratio[d].size());
  }
  // The fit stops at the first distance (from the third on) whose median ratio is below tail_ratio: past
  // it the ramp has decayed into the offsets of the pores' level and the voxels a labelling got wrong,
  // which, many and flat, pulled the depth to its upper bound on 80^3 cubes.
  // A labelling whose ratios never fall below it does not follow the model (on 80^3 cubes the first
  // labelling's "pores" far from any solid held enough solid to keep the medians above 0.1, and the fit
  // ran to its depth bound): the estimate is not trusted, the given values are kept.
  bool tail_reached = false;
  for (std::size_t d = 3; d < median.size(); ++d)
    if (weight[d] > 0 && median[d] < p.tail_ratio) {
      for (std::size_t later = d + 1; later < median.size(); ++later)
        if (weight[later] > 0) --e.gaps, e.voxels -= int64_t(weight[later]), weight[later] = 0;
      tail_reached = true;
      break;
    }
  if (e.gaps < 2 || !tail_reached) {
    e.depth_um = cp.shine_depth_um, e.strength = cp.shine_strength;
    return e;
  }
  e.fitted = true;
  // Least squares over the depth grid (400 steps: 1 % apart over 0.005-0.4 um), strength in closed form.
  double best = std::numeric_limits<double>::infinity(), total_weight = 0;
  for (double w : weight) total_weight += w;
  const int steps = 400;
  for (int i = 0; i <= steps; ++i) {
    const double depth = min_depth * std::pow(p.max_depth_um / min_depth, double(i) / steps);
    double sff = 0, sfm = 0;
    for (std::size_t d = 1; d < median.size(); ++d) {
      const double f = std::exp(-double(d) * dz / depth);
      sff += weight[d] * f * f, sfm += weight[d] * f * median[d];
    }
    if (!(sff > 0)) continue;
    const double strength = std::clamp(sfm / sff, p.min_strength, p.max_strength);
    double r = 0;
    for (std::size_t d = 1; d < median.size(); ++d) r += weight[d] * std::pow(median[d] - strength * std::exp(-double(d) * dz / depth), 2);
    if (r < best) best = r, e.depth_um = depth, e.strength = strength;
  }
  e.residual_rms = std::sqrt(best / total_weight);
  return e;
}

}  // namespace emorph
