// Collective rearrangement (Jodrey & Tory 1985; Bezrukov, Bargiel & Stoyan 2002): pairwise overlap
// removal along the line of centres, Gauss-Seidel sweeps, periodic cell list in y and x.
#include "emorph/synth/packing.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "emorph/error.hpp"

namespace emorph::synth {

namespace {

struct CellGrid {
  int nz = 1, ny = 1, nx = 1;
  double cz = 1, cy = 1, cx = 1, z0 = 0;
  std::vector<int> start, items;  // CSR: items[start[c] .. start[c+1])
  std::vector<int> cell_of;

  int cell_z(double z) const { return std::clamp(static_cast<int>(std::floor((z - z0) / cz)), 0, nz - 1); }
  int cell_wrap(double v, double c, int n) const {
    int i = static_cast<int>(std::floor(v / c));
    return ((i % n) + n) % n;
  }
};

// Moves slightly past contact: fewer sweeps than exact removal, and leaves tiny gaps (Jodrey & Tory).
constexpr double kOverRelaxation = 1.1;

double wrap(double v, double period) {
  v = std::fmod(v, period);
  return v < 0 ? v + period : v;
}

}  // namespace

PackingResult relax_overlaps(std::vector<Sphere>& s, const PackingParams& p) {
  require(p.period_y_um > 0 && p.period_x_um > 0, "packing: lateral periods must be positive");
  require(p.ceiling_um >= p.floor_um, "packing: ceiling below floor");
  require(p.z_mobility > 0 && p.z_mobility <= 1, "packing: z_mobility must be in (0, 1]");
  PackingResult result;
  const int n = static_cast<int>(s.size());
  if (n == 0) {
    result.converged = true;
    return result;
  }
  const double inflate = 1.0 + p.gap;
  double rmax = 0, rmin = s[0].r;
  std::vector<double> radii(n);
  for (int i = 0; i < n; ++i) {
    radii[i] = s[i].r;
    rmax = std::max(rmax, s[i].r);
    rmin = std::min(rmin, s[i].r);
  }
  require(2 * rmax * inflate < std::min(p.period_y_um, p.period_x_um),
          "packing: the lateral box is smaller than the largest particle diameter");
  std::nth_element(radii.begin(), radii.begin() + n / 2, radii.end());
  const double cell = std::max(2.0 * radii[n / 2] * inflate, 1e-6);

  CellGrid g;
  g.z0 = p.floor_um;
  const double zspan = std::max(p.ceiling_um - p.floor_um, cell);
  g.nz = std::max(1, static_cast<int>(zspan / cell));
  g.ny = std::max(1, static_cast<int>(p.period_y_um / cell));
  g.nx = std::max(1, static_cast<int>(p.period_x_um / cell));
  g.cz = zspan / g.nz;
  g.cy = p.period_y_um / g.ny;
  g.cx = p.period_x_um / g.nx;
  const int ncells = g.nz * g.ny * g.nx;
  g.start.assign(ncells + 1, 0);
  g.items.resize(n);
  g.cell_of.resize(n);

  // Overlaps below this (inflated radii) still leave the true radii strictly apart.
  const double tolerance = 0.5 * p.gap * rmin;
  auto clamp_sphere = [&](Sphere& a) {
    a.z = std::clamp(a.z, p.floor_um + a.r * inflate, std::max(p.ceiling_um, p.floor_um + a.r * inflate));
  };

  // Verlet list: pairs closer than contact + skin, rebuilt once some sphere has moved skin/2 since.
  struct Pair {
    int i, j;
    double shift_y, shift_x;  // image of j seen from i
  };
  std::vector<Pair> pairs;
  std::vector<Sphere> at_build;
  const double skin = 0.5 * radii[n / 2];
  bool rebuild = true;
  double last_overlap = 0;
  for (int sweep = 0; sweep < p.max_sweeps; ++sweep) {
    if (rebuild) {
      // Positions are wrapped only here, so that the stored image shifts stay valid until the next build.
      std::fill(g.start.begin(), g.start.end(), 0);
      for (int i = 0; i < n; ++i) {
        s[i].y = wrap(s[i].y, p.period_y_um);
        s[i].x = wrap(s[i].x, p.period_x_um);
        const int c = (g.cell_z(s[i].z) * g.ny + g.cell_wrap(s[i].y, g.cy, g.ny)) * g.nx + g.cell_wrap(s[i].x, g.cx, g.nx);
        g.cell_of[i] = c;
        ++g.start[c + 1];
      }
      for (int c = 0; c < ncells; ++c) g.start[c + 1] += g.start[c];
      std::vector<int> fill(g.start.begin(), g.start.end() - 1);
      for (int i = 0; i < n; ++i) g.items[fill[g.cell_of[i]]++] = i;
      pairs.clear();
      for (int i = 0; i < n; ++i) {
        const int c = g.cell_of[i];
        const int ciz = c / (g.ny * g.nx), ciy = (c / g.nx) % g.ny, cix = c % g.nx;
        const double reach = (s[i].r + rmax) * inflate + skin;
        const int rz = static_cast<int>(std::ceil(reach / g.cz));
        const int ry = static_cast<int>(std::ceil(reach / g.cy));
        const int rx = static_cast<int>(std::ceil(reach / g.cx));
        for (int kz = std::max(0, ciz - rz); kz <= std::min(g.nz - 1, ciz + rz); ++kz) {
          for (int ky = ciy - ry; ky <= ciy + ry; ++ky) {
            const int wy = ((ky % g.ny) + g.ny) % g.ny;
            const double shift_y = static_cast<double>((ky - wy) / g.ny) * p.period_y_um;
            for (int kx = cix - rx; kx <= cix + rx; ++kx) {
              const int wx = ((kx % g.nx) + g.nx) % g.nx;
              const double shift_x = static_cast<double>((kx - wx) / g.nx) * p.period_x_um;
              const int cj = (kz * g.ny + wy) * g.nx + wx;
              for (int t = g.start[cj]; t < g.start[cj + 1]; ++t) {
                const int j = g.items[t];
                if (j <= i) continue;  // each pair (and image) once: j sees i with the opposite shift
                const double dz = s[j].z - s[i].z, dy = s[j].y + shift_y - s[i].y, dx = s[j].x + shift_x - s[i].x;
                const double near = (s[i].r + s[j].r) * inflate + skin;
                if (dz * dz + dy * dy + dx * dx < near * near) pairs.push_back({i, j, shift_y, shift_x});
              }
            }
          }
        }
      }
      at_build = s;
      rebuild = false;
    }

    double max_overlap = 0;
    for (const Pair& pr : pairs) {
      Sphere& a = s[pr.i];
      Sphere& b = s[pr.j];
      const double dz = b.z - a.z, dy = b.y + pr.shift_y - a.y, dx = b.x + pr.shift_x - a.x;
      const double contact = (a.r + b.r) * inflate;
      const double d2 = dz * dz + dy * dy + dx * dx;
      if (d2 >= contact * contact) continue;
      const double d = std::sqrt(d2);
      const double ov = contact - d;
      max_overlap = std::max(max_overlap, ov);
      // Heavier spheres move less: shares by the other's volume. Coincident centres part along x.
      const double va = a.r * a.r * a.r, vb = b.r * b.r * b.r;
      const double share_a = vb / (va + vb), share_b = va / (va + vb);
      const bool coincident = d < 1e-12;
      const double ux = coincident ? 1.0 : dx / d, uy = coincident ? 0.0 : dy / d;
      const double uz = coincident ? 0.0 : dz / d * p.z_mobility;
      const double step = ov * kOverRelaxation;
      a.z -= step * share_a * uz, a.y -= step * share_a * uy, a.x -= step * share_a * ux;
      b.z += step * share_b * uz, b.y += step * share_b * uy, b.x += step * share_b * ux;
      clamp_sphere(a);
      clamp_sphere(b);
    }
    result.sweeps = sweep + 1;
    last_overlap = max_overlap;
    double moved = 0;
    for (int i = 0; i < n; ++i) {
      const double dz = s[i].z - at_build[i].z, dy = s[i].y - at_build[i].y, dx = s[i].x - at_build[i].x;
      moved = std::max(moved, dz * dz + dy * dy + dx * dx);
    }
    if (std::sqrt(moved) > 0.5 * skin) {
      rebuild = true;  // the pair list may miss a pair: no verdict on this sweep
      continue;
    }
    if (max_overlap <= tolerance) {
      result.converged = true;
      break;
    }
  }
  for (auto& a : s) {
    a.y = wrap(a.y, p.period_y_um);
    a.x = wrap(a.x, p.period_x_um);
  }
  // The last sweep's largest overlap of the inflated radii bounds that of the true radii from above.
  result.max_overlap_um = result.converged ? 0.0 : last_overlap;
  return result;
}

}  // namespace emorph::synth
