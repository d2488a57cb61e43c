// FIB/SEM rims by a forward model of the probe blur: iterated conditional modes (Besag 1986) on the
// least-squares misfit of the blurred phase levels; see fibsem_rims.hpp.
#include "emorph/segment/fibsem_rims.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "emorph/error.hpp"
#include "emorph/parallel.hpp"

namespace emorph {

namespace {

// Normalised Gaussian taps, radius ceil(3 sigma).
std::vector<double> gaussian_taps(double sigma) {
  const int radius = std::max(1, static_cast<int>(std::ceil(3 * sigma)));
  std::vector<double> k(2 * radius + 1);
  double sum = 0;
  for (int i = -radius; i <= radius; ++i) sum += k[i + radius] = std::exp(-0.5 * i * i / (sigma * sigma));
  for (double& v : k) v /= sum;
  return k;
}

// Separable in-plane blur of one ny x nx plane (borders repeated), in place; tmp is scratch.
void blur_plane(std::vector<double>& plane, int64_t ny, int64_t nx, const std::vector<double>& k, std::vector<double>& tmp) {
  const int64_t r = static_cast<int64_t>(k.size() / 2);
  tmp.assign(plane.size(), 0.0);
  for (int64_t y = 0; y < ny; ++y)
    for (int64_t x = 0; x < nx; ++x) {
      double s = 0;
      for (int64_t i = -r; i <= r; ++i) s += k[i + r] * plane[y * nx + std::clamp<int64_t>(x + i, 0, nx - 1)];
      tmp[y * nx + x] = s;
    }
  for (int64_t y = 0; y < ny; ++y)
    for (int64_t x = 0; x < nx; ++x) {
      double s = 0;
      for (int64_t i = -r; i <= r; ++i) s += k[i + r] * tmp[std::clamp<int64_t>(y + i, 0, ny - 1) * nx + x];
      plane[y * nx + x] = s;
    }
}

}  // namespace

FibsemRimResult fibsem_rim_labels(VolumeView<const float> grey, const VolumeView<uint8_t>& labels,
                                  const FibsemColumnLevels& lv, uint8_t pore_label, const FibsemColumnParams& cp,
                                  const FibsemRimParams& p) {
  require(labels.shape() == grey.shape(), "fibsem rims: label shape differs from the grey volume's");
  require(p.probe_sigma_px > 0 && p.sweeps >= 0 && p.smoothness >= 0, "fibsem rims: probe sigma > 0, sweeps >= 0, smoothness >= 0");
  require(lv.noise_sigma > 0, "fibsem rims: the noise level must be positive");
  require(cp.behind == 1 || cp.behind == -1, "fibsem rims: behind must be +1 or -1");
  const Shape s = grey.shape();
  const int64_t nz = s.nz, ny = s.ny, nx = s.nx;
  require(int64_t(lv.pore_grey.size()) == nz, "fibsem rims: one pore level per slice");
  FibsemRimResult result;
  if (!p.enabled || p.sweeps == 0) return result;
  // Phase index per label: 0..ns-1 the solids, ns the pores, -1 any other label (kept as it is).
  const int ns = static_cast<int>(lv.labels.size());
  std::array<int, 256> index;
  index.fill(-1);
  for (int k = 0; k < ns; ++k) index[lv.labels[k]] = k;
  index[pore_label] = ns;
  const double lambda = cp.shine_depth_um / grey.spacing().dz;
  const int depth_states = std::max(1, static_cast<int>(std::ceil(4 * lambda)));  // as the column model
  const std::vector<double> taps = gaussian_taps(p.probe_sigma_px);
  double k1 = 0;
  for (double t : taps) k1 += t * t;
  const double kernel_energy = k1 * k1;  // sum of the 2-D kernel's squares
  const double inv = 1.0 / (2 * lv.noise_sigma * lv.noise_sigma);
  // pore_level(z, y, x): the grey of a pore at that voxel (the shine-through of the first solid behind).
  Volume<float> pore_level(s);
  const int64_t columns = ny * nx;
  for (int sweep = 0; sweep < p.sweeps; ++sweep) {
    int64_t changed = 0;
    for (int parity = 0; parity < 4; ++parity) {
#pragma omp parallel for schedule(static) num_threads(thread_count())
      for (int64_t c = 0; c < columns; ++c) {
        const int64_t y = c / nx, x = c % nx;
        int solid = -1, dist = 0;  // first solid behind and its distance
        for (int64_t t = 0; t < nz; ++t) {
          const int64_t z = cp.behind > 0 ? nz - 1 - t : t;
          const double pore = lv.pore_grey[z];
          double g = pore;
          if (solid >= 0 && dist <= depth_states)
            g = pore + cp.shine_strength * (lv.grey[solid][z] - pore) * std::exp(-dist / lambda);
          pore_level(z, y, x) = static_cast<float>(g);
          const int k = index[labels(z, y, x)];
          if (k >= 0 && k < ns) solid = k, dist = 1;
          else if (solid >= 0) ++dist;
        }
      }
      int64_t changed_here = 0;
#pragma omp parallel num_threads(thread_count()) reduction(+ : changed_here)
      {
        std::vector<double> residual(static_cast<std::size_t>(ny * nx)), tmp, column(static_cast<std::size_t>(ny));
#pragma omp for schedule(dynamic, 1)
        for (int64_t z = 0; z < nz; ++z) {
          auto level = [&](int k, int64_t y, int64_t x) { return k < ns ? lv.grey[k][z] : double(pore_level(z, y, x)); };
          // The blurred labelling, the misfit, and the curtains (the misfit's median along y per column).
          for (int64_t y = 0; y < ny; ++y)
            for (int64_t x = 0; x < nx; ++x) {
              const int k = index[labels(z, y, x)];
              residual[y * nx + x] = k >= 0 ? level(k, y, x) : double(grey(z, y, x));
            }
          blur_plane(residual, ny, nx, taps, tmp);
          for (int64_t i = 0; i < ny * nx; ++i) residual[i] = grey(z, i / nx, i % nx) - residual[i];
          for (int64_t x = 0; x < nx; ++x) {
            for (int64_t y = 0; y < ny; ++y) column[y] = residual[y * nx + x];
            std::nth_element(column.begin(), column.begin() + ny / 2, column.end());
            const double curtain = column[ny / 2];
            for (int64_t y = 0; y < ny; ++y) residual[y * nx + x] -= curtain;
          }
          blur_plane(residual, ny, nx, taps, tmp);  // the misfit seen through the kernel at each voxel
          // Voxels of this parity class (two apart: their flips barely interact through the kernel).
          for (int64_t y = parity / 2; y < ny; y += 2)
            for (int64_t x = parity % 2; x < nx; x += 2) {
              const uint8_t own = labels(z, y, x);
              const int ko = index[own];
              if (ko < 0) continue;
              const double mu = level(ko, y, x), fit = residual[y * nx + x];
              // In-plane 8-neighbours: the labels seen, how many of each (own first), and for the pores
              // their mean level: a rim voxel taken for pore takes the grey of the pore beside it (the
              // solid behind its own column is what the column model already placed).
              std::array<uint8_t, 9> seen{own};
              std::array<int, 9> count{};
              double pore_beside = 0;
              int distinct = 1;
              for (int64_t dy = -1; dy <= 1; ++dy)
                for (int64_t dx = -1; dx <= 1; ++dx) {
                  const int64_t yy = y + dy, xx = x + dx;
                  if (!(dy || dx) || yy < 0 || xx < 0 || yy >= ny || xx >= nx) continue;
                  const uint8_t l = labels(z, yy, xx);
                  int j = 0;
                  while (j < distinct && seen[j] != l) ++j;
                  if (j == distinct) seen[distinct++] = l;
                  ++count[j];
                  if (l == pore_label) pore_beside += pore_level(z, yy, xx);
                }
              if (distinct == 1) continue;
              // The label left: its run through the voxel along x and y, and whether the voxel is a simple
              // point of it (Yokoi's 8-connectivity number is 1).
              auto same = [&](int64_t dy, int64_t dx) {
                const int64_t yy = y + dy, xx = x + dx;
                return yy >= 0 && xx >= 0 && yy < ny && xx < nx && labels(z, yy, xx) == own;
              };
              if (p.keep_topology) {
                static constexpr int ry[8] = {0, -1, -1, -1, 0, 1, 1, 1}, rx[8] = {1, 1, 0, -1, -1, -1, 0, 1};
                int b[9];
                for (int i = 0; i < 8; ++i) b[i] = same(ry[i], rx[i]) ? 0 : 1;
                b[8] = b[0];
                int n8 = 0;
                for (int i = 0; i < 8; i += 2) n8 += b[i] - b[i] * b[i + 1] * b[(i + 2) % 8];
                if (n8 != 1) continue;
              }
              bool thin = false;
              if (p.thin_run > 0) {
                auto run = [&](int64_t dy, int64_t dx) {
                  int n = 1;
                  for (int64_t t = 1; t <= p.thin_run && same(t * dy, t * dx); ++t) ++n;
                  for (int64_t t = 1; t <= p.thin_run && same(-t * dy, -t * dx); ++t) ++n;
                  return n;
                };
                thin = run(0, 1) <= p.thin_run || run(1, 0) <= p.thin_run;
              }
              // The prior's count: the 8-neighbours, or the 4 nearest (a voxel of a straight line one voxel
              // wide then has as many neighbours alike as not).
              int own_near = count[0];
              std::array<int, 9> near{};
              if (p.prior_neighbours == 4) {
                own_near = 0;
                for (auto [dy, dx] : {std::pair<int64_t, int64_t>{-1, 0}, {1, 0}, {0, -1}, {0, 1}}) {
                  const int64_t yy = y + dy, xx = x + dx;
                  if (yy < 0 || xx < 0 || yy >= ny || xx >= nx) continue;
                  const uint8_t l = labels(z, yy, xx);
                  for (int j = 0; j < distinct; ++j)
                    if (seen[j] == l) ++near[j];
                }
                own_near = near[0];
              }
              double best = 0;
              uint8_t best_label = own;
              for (int j = 1; j < distinct; ++j) {
                const uint8_t other = seen[j];
                if (index[other] < 0) continue;
                // Misfit change of the flip, -2 delta (K * r)(p) + delta^2 sum K^2, in log-likelihood
                // units, plus the smoothness prior's change (one term per neighbour disagreeing).
                const double target = other == pore_label ? pore_beside / count[j] : level(index[other], y, x);
                const double delta = target - mu;
                const int other_near = p.prior_neighbours == 4 ? near[j] : count[j];
                const double prior = thin ? 0.0 : p.smoothness * double(own_near - other_near);
                // The margin: margin_sd noise sds of the likelihood change, |delta| sqrt(sum K^2) / sigma
                // (the noise seen through the kernel is sigma^2 sum K^2).
                const double data = (-2 * delta * fit + delta * delta * kernel_energy) * inv +
                                    p.margin_sd * std::abs(delta) * std::sqrt(kernel_energy) / lv.noise_sigma;
                if (p.prior_vetoes_only && data >= 0) continue;
                const double gain = data + prior;
                if (gain < best) best = gain, best_label = other;
              }
              if (best_label != own) labels(z, y, x) = best_label, ++changed_here;
            }
        }
      }
      changed += changed_here;
    }
    result.sweeps = sweep + 1;
    result.relabelled += changed;
    if (changed == 0) break;
  }
  return result;
}

}  // namespace emorph
