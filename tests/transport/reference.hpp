#pragma once
// Slow, obvious references for the transport tests: breadth-first percolation classes and a dense
// direct solve of the finite-volume diffusion system.
#include <array>
#include <cmath>
#include <cstdint>
#include <deque>
#include <random>
#include <vector>

#include "emorph/volume.hpp"

namespace emorph::test {

inline Volume<uint8_t> random_labels(Shape shape, double p_one, uint64_t seed, uint8_t one = 1, uint8_t zero = 0) {
  Volume<uint8_t> v(shape);
  std::mt19937_64 rng(seed);
  std::bernoulli_distribution coin(p_one);
  for (auto& x : v) x = coin(rng) ? one : zero;
  return v;
}

inline std::vector<std::array<int, 3>> neighbourhood(int connectivity) {
  std::vector<std::array<int, 3>> out;
  for (int dz = -1; dz <= 1; ++dz)
    for (int dy = -1; dy <= 1; ++dy)
      for (int dx = -1; dx <= 1; ++dx) {
        const int nonzero = (dz != 0) + (dy != 0) + (dx != 0);
        if (nonzero == 0 || (connectivity == 6 && nonzero != 1)) continue;
        out.push_back({dz, dy, dx});
      }
  return out;
}

// Class per voxel by flood fill from each face: 0 outside, 1 both faces, 2 one face, 3 none.
inline std::vector<uint8_t> reference_classes(const Volume<uint8_t>& v, const std::vector<bool>& member, int axis,
                                              int connectivity) {
  const Shape s = v.shape();
  const auto nbh = neighbourhood(connectivity);
  auto reach = [&](int64_t face) {
    std::vector<char> seen(static_cast<std::size_t>(s.voxels()), 0);
    std::deque<std::array<int64_t, 3>> queue;
    for (int64_t z = 0; z < s.nz; ++z)
      for (int64_t y = 0; y < s.ny; ++y)
        for (int64_t x = 0; x < s.nx; ++x) {
          const int64_t c[3] = {z, y, x};
          if (c[axis] == face && member[v(z, y, x)]) {
            seen[(z * s.ny + y) * s.nx + x] = 1;
            queue.push_back({z, y, x});
          }
        }
    while (!queue.empty()) {
      const auto [z, y, x] = queue.front();
      queue.pop_front();
      for (const auto& o : nbh) {
        const int64_t zz = z + o[0], yy = y + o[1], xx = x + o[2];
        if (zz < 0 || yy < 0 || xx < 0 || zz >= s.nz || yy >= s.ny || xx >= s.nx) continue;
        const int64_t j = (zz * s.ny + yy) * s.nx + xx;
        if (seen[j] || !member[v(zz, yy, xx)]) continue;
        seen[j] = 1;
        queue.push_back({zz, yy, xx});
      }
    }
    return seen;
  };
  const auto a = reach(0), b = reach(s[axis] - 1);
  std::vector<uint8_t> out(static_cast<std::size_t>(s.voxels()));
  for (int64_t i = 0; i < s.voxels(); ++i) {
    if (!member[v.data()[i]]) out[i] = 0;
    else if (a[i] && b[i]) out[i] = 1;
    else if (a[i] || b[i]) out[i] = 2;
    else out[i] = 3;
  }
  return out;
}

// D_eff/D0 from the finite-volume system assembled voxel by voxel and solved by Gaussian elimination
// with partial pivoting. sigma[label] is the relative diffusivity; d0 the reference diffusivity.
inline double reference_deff(const Volume<uint8_t>& v, const std::array<double, 256>& sigma, int axis, double d0) {
  const Shape s = v.shape();
  const Spacing sp = v.spacing();
  std::vector<bool> member(256);
  for (int l = 0; l < 256; ++l) member[l] = sigma[l] > 0;
  const auto cls = reference_classes(v, member, axis, 6);
  std::vector<int64_t> index(static_cast<std::size_t>(s.voxels()), -1);
  int64_t n = 0;
  for (int64_t i = 0; i < s.voxels(); ++i)
    if (cls[i] == 1) index[i] = n++;
  if (n == 0) return 0.0;
  const double area[3] = {sp.dy * sp.dx, sp.dz * sp.dx, sp.dz * sp.dy};
  const double len[3] = {sp.dz, sp.dy, sp.dx};
  std::vector<double> a(static_cast<std::size_t>(n * n), 0.0), b(static_cast<std::size_t>(n), 0.0);
  for (int64_t z = 0; z < s.nz; ++z)
    for (int64_t y = 0; y < s.ny; ++y)
      for (int64_t x = 0; x < s.nx; ++x) {
        const int64_t i = (z * s.ny + y) * s.nx + x, k = index[i];
        if (k < 0) continue;
        const double si = sigma[v(z, y, x)];
        for (int d = 0; d < 3; ++d)
          for (int step : {-1, 1}) {
            int64_t c[3] = {z, y, x};
            c[d] += step;
            const int64_t limit = s[d];
            if (c[d] < 0 || c[d] >= limit) {
              if (d != axis) continue;
              const double g = area[d] / (0.5 * len[d]) * si;  // to the Dirichlet face, half a voxel away
              a[k * n + k] += g;
              if (c[d] < 0) b[k] += g * 1.0;
              continue;
            }
            const int64_t j = index[(c[0] * s.ny + c[1]) * s.nx + c[2]];
            if (j < 0) continue;
            const double sj = sigma[v(c[0], c[1], c[2])];
            // Two half-voxel resistances in series.
            const double g = area[d] / (0.5 * len[d] / si + 0.5 * len[d] / sj);
            a[k * n + k] += g;
            a[k * n + j] -= g;
          }
      }
  std::vector<double> conc = b;
  for (int64_t col = 0; col < n; ++col) {
    int64_t piv = col;
    for (int64_t r = col + 1; r < n; ++r)
      if (std::fabs(a[r * n + col]) > std::fabs(a[piv * n + col])) piv = r;
    if (piv != col) {
      for (int64_t c = 0; c < n; ++c) std::swap(a[col * n + c], a[piv * n + c]);
      std::swap(conc[col], conc[piv]);
    }
    for (int64_t r = col + 1; r < n; ++r) {
      const double f = a[r * n + col] / a[col * n + col];
      if (f == 0) continue;
      for (int64_t c = col; c < n; ++c) a[r * n + c] -= f * a[col * n + c];
      conc[r] -= f * conc[col];
    }
  }
  for (int64_t r = n - 1; r >= 0; --r) {
    double acc = conc[r];
    for (int64_t c = r + 1; c < n; ++c) acc -= a[r * n + c] * conc[c];
    conc[r] = acc / a[r * n + r];
  }
  // Flux entering through the inlet face.
  double flux = 0;
  for (int64_t z = 0; z < s.nz; ++z)
    for (int64_t y = 0; y < s.ny; ++y)
      for (int64_t x = 0; x < s.nx; ++x) {
        const int64_t c[3] = {z, y, x};
        const int64_t k = index[(z * s.ny + y) * s.nx + x];
        if (k < 0 || c[axis] != 0) continue;
        flux += area[axis] / (0.5 * len[axis]) * sigma[v(z, y, x)] * (1.0 - conc[k]);
      }
  const double cross = double(s.voxels() / s[axis]) * area[axis];
  return flux * double(s[axis]) * len[axis] / (cross * d0);
}

}  // namespace emorph::test
