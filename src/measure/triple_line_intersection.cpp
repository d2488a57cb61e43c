// Triple line as the intersection of two implicit surfaces, traced by marching tetrahedra (Bloomenthal
// 1988; the zero set of two linear functions in a tetrahedron is a segment): the active material's
// surface from its Gaussian-smoothed indicator, sharpened by one backward heat step against the
// curvature shift (G*u ~ u + sigma^2/2 Lap u), and the conductor|pore interface as a moving-least-
// squares plane (Levin 2003) fitted to the voxel faces between the two, its normal the faces' vector area.
#include "emorph/measure/triple_line_intersection.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "emorph/error.hpp"

namespace emorph {
namespace {

// Sampled Gaussian (moment 0 or 1) along one axis: entry j at offset (j - r + shift) voxels of size
// `step` um; the weight is exp(-d^2 / (2 sigma^2)) times d when `moment`.
std::vector<float> axis_kernel(double sigma_um, double step, double shift, bool moment) {
  const int r = static_cast<int>(std::ceil(3 * sigma_um / step));
  std::vector<float> k(static_cast<std::size_t>(2 * r + 1));
  for (int j = 0; j <= 2 * r; ++j) {
    const double d = (j - r + shift) * step;
    k[static_cast<std::size_t>(j)] = static_cast<float>(std::exp(-d * d / (2 * sigma_um * sigma_um)) * (moment ? d : 1.0));
  }
  return k;
}

// out(p) = sum_j k[j] in(p + (j - r) e_axis), zero outside the volume.
void correlate_axis(const Volume<float>& in, Volume<float>& out, int axis, const std::vector<float>& k) {
  const Shape s = in.shape();
  const int64_t r = static_cast<int64_t>(k.size() / 2);
  const int64_t n = s[axis];
  const int64_t stride = axis == 0 ? s.ny * s.nx : axis == 1 ? s.nx : 1;
#pragma omp parallel for schedule(static)
  for (int64_t z = 0; z < s.nz; ++z)
    for (int64_t y = 0; y < s.ny; ++y) {
      float* o = &out(z, y, 0);
      const float* src = &in(z, y, 0);
      std::fill(o, o + s.nx, 0.f);
      const int64_t pos = axis == 0 ? z : y;  // the line's coordinate along `axis` (z and y passes)
      for (int64_t j = 0; j <= 2 * r; ++j) {
        const float w = k[static_cast<std::size_t>(j)];
        if (axis == 2) {
          const int64_t lo = std::max<int64_t>(0, r - j), hi = std::min<int64_t>(s.nx, s.nx + r - j);
          for (int64_t x = lo; x < hi; ++x) o[x] += w * src[x + j - r];
        } else {
          const int64_t q = pos + j - r;
          if (q < 0 || q >= n) continue;
          const float* line = src + (j - r) * stride;
          for (int64_t x = 0; x < s.nx; ++x) o[x] += w * line[x];
        }
      }
    }
}

Volume<float> correlate3(const Volume<float>& in, const std::array<std::vector<float>, 3>& k) {
  Volume<float> a(in.shape(), in.spacing()), b(in.shape(), in.spacing());
  correlate_axis(in, a, 2, k[2]);
  correlate_axis(a, b, 1, k[1]);
  correlate_axis(b, a, 0, k[0]);
  return a;
}

void add_into(Volume<float>& sum, const Volume<float>& term) {
  const int64_t n = sum.size();
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < n; ++i) sum.data()[i] += term.data()[i];
}

}  // namespace

std::vector<TripleLinePiece> triple_line_intersection_segments(VolumeView<const uint8_t> labels,
                                                              const TripleLineIntersectionParams& params,
                                                              std::vector<TripleLinePiece>* probes) {
  const Spacing sp = labels.spacing();
  require(std::isfinite(params.surface_sigma_voxels) && params.surface_sigma_voxels > 0 &&
              std::isfinite(params.plane_sigma_voxels) && params.plane_sigma_voxels > 0 &&
              std::isfinite(params.normal_sigma_voxels) && params.normal_sigma_voxels > 0,
          "triple line: the smoothing sigmas must be positive");
  const Shape s = labels.shape();
  if (s.nz < 2 || s.ny < 2 || s.nx < 2) return {};
  const uint8_t A = params.phases[0], B = params.phases[1], C = params.phases[2];
  const double unit = std::min({sp.dz, sp.dy, sp.dx});
  const double step[3] = {sp.dz, sp.dy, sp.dx};

  // Cells (cubes of 8 voxel centres) holding the three phases, widened by 2 cells: the line lies
  // within the band where the digital phases meet.
  const Shape cs{s.nz - 1, s.ny - 1, s.nx - 1};
  Volume<uint8_t> near = Volume<uint8_t>::filled(cs, sp, 0);
  auto bit = [&](uint8_t label) -> uint8_t { return label == A ? 1 : label == B ? 2 : label == C ? 4 : 0; };
  bool any = false;
#pragma omp parallel for schedule(static) reduction(|| : any)
  for (int64_t z = 0; z < cs.nz; ++z)
    for (int64_t y = 0; y < cs.ny; ++y)
      for (int64_t x = 0; x < cs.nx; ++x) {
        uint8_t all = 0;
        for (int k = 0; k < 8; ++k) all |= bit(labels(z + (k >> 2), y + ((k >> 1) & 1), x + (k & 1)));
        if (all == 7) near(z, y, x) = 1, any = true;
      }
  if (!any) return {};
  for (int axis = 0; axis < 3; ++axis) {  // dilation by 2 cells along each axis (a 5^3 box)
    Volume<uint8_t> grown = Volume<uint8_t>::filled(cs, sp, 0);
#pragma omp parallel for schedule(static)
    for (int64_t z = 0; z < cs.nz; ++z)
      for (int64_t y = 0; y < cs.ny; ++y)
        for (int64_t x = 0; x < cs.nx; ++x) {
          const int64_t c[3] = {z, y, x};
          uint8_t v = 0;
          for (int64_t d = -2; d <= 2 && !v; ++d) {
            int64_t q[3] = {c[0], c[1], c[2]};
            q[axis] += d;
            if (q[axis] >= 0 && q[axis] < cs[axis]) v = near(q[0], q[1], q[2]);
          }
          grown(z, y, x) = v;
        }
    near = std::move(grown);
  }

  // Active material surface: f = G*1_A - 1/2 - sigma^2/2 Lap(G*1_A), zero on the sub-voxel surface.
  const double sigma_a = params.surface_sigma_voxels * unit;
  // Kernels renormalised on the part inside the volume, so the surface does not bend at the faces.
  Volume<float> smooth(s, sp);
  {
    Volume<float> indicator(s, sp);
    for (int64_t z = 0; z < s.nz; ++z)
      for (int64_t y = 0; y < s.ny; ++y)
        for (int64_t x = 0; x < s.nx; ++x) indicator(z, y, x) = labels(z, y, x) == A ? 1.f : 0.f;
    std::array<std::vector<float>, 3> k;
    std::array<std::vector<double>, 3> inside;  // per axis and position: kernel weight inside the volume
    for (int axis = 0; axis < 3; ++axis) {
      k[axis] = axis_kernel(sigma_a, step[axis], 0, false);
      const int64_t r = static_cast<int64_t>(k[axis].size() / 2);
      inside[axis].assign(static_cast<std::size_t>(s[axis]), 0.0);
      for (int64_t i = 0; i < s[axis]; ++i)
        for (int64_t j = 0; j <= 2 * r; ++j)
          if (i + j - r >= 0 && i + j - r < s[axis]) inside[axis][i] += k[axis][j];
    }
    smooth = correlate3(indicator, k);
#pragma omp parallel for schedule(static)
    for (int64_t z = 0; z < s.nz; ++z)
      for (int64_t y = 0; y < s.ny; ++y)
        for (int64_t x = 0; x < s.nx; ++x)
          smooth(z, y, x) = static_cast<float>(smooth(z, y, x) / (inside[0][z] * inside[1][y] * inside[2][x]));
  }
  auto surface = [&](int64_t z, int64_t y, int64_t x) {
    const int64_t p[3] = {z, y, x};
    const double centre = smooth(z, y, x);
    double lap = 0;
    for (int axis = 0; axis < 3; ++axis) {
      int64_t lo[3] = {z, y, x}, hi[3] = {z, y, x};
      lo[axis] = std::max<int64_t>(p[axis] - 1, 0);
      hi[axis] = std::min<int64_t>(p[axis] + 1, s[axis] - 1);
      lap += (smooth(lo[0], lo[1], lo[2]) + smooth(hi[0], hi[1], hi[2]) - 2 * centre) / (step[axis] * step[axis]);
    }
    return centre - 0.5 - sigma_a * sigma_a / 2 * lap;
  };

  // Conductor|pore plane fit. Per face axis a, S_a = +1 on a face from a B voxel to a C voxel along +a,
  // -1 the other way; weight W = sum w, normal N = sum w S e_a, first
  // moment D = sum w (q - p): the plane through the weighted centroid p + D/W with normal N.
  const double sigma_p = params.plane_sigma_voxels * unit, sigma_n = params.normal_sigma_voxels * unit;
  Volume<float> weight = Volume<float>::filled(s, sp, 0.f), area = Volume<float>::filled(s, sp, 0.f);
  std::array<Volume<float>, 3> normal, moment;
  for (int b = 0; b < 3; ++b) moment[b] = Volume<float>::filled(s, sp, 0.f);
  for (int a = 0; a < 3; ++a) {
    Volume<float> face = Volume<float>::filled(s, sp, 0.f), face_abs = Volume<float>::filled(s, sp, 0.f);
#pragma omp parallel for schedule(static)
    for (int64_t z = 0; z < s.nz - (a == 0); ++z)
      for (int64_t y = 0; y < s.ny - (a == 1); ++y)
        for (int64_t x = 0; x < s.nx - (a == 2); ++x) {
          const uint8_t lo = labels(z, y, x), hi = labels(z + (a == 0), y + (a == 1), x + (a == 2));
          const float sign = lo == B && hi == C ? 1.f : lo == C && hi == B ? -1.f : 0.f;
          if (sign == 0) continue;
          face(z, y, x) = sign;
          face_abs(z, y, x) = 1;
        }
    std::array<std::vector<float>, 3> base, normal_kernel;
    for (int axis = 0; axis < 3; ++axis) {
      const double shift = axis == a ? 0.5 : 0.0;  // the face lies half a voxel past its voxel along a
      base[axis] = axis_kernel(sigma_p, step[axis], shift, false);
      normal_kernel[axis] = axis_kernel(sigma_n, step[axis], shift, false);
    }
    add_into(weight, correlate3(face_abs, base));
    normal[a] = correlate3(face, normal_kernel);
    add_into(area, correlate3(face_abs, normal_kernel));
    for (int b = 0; b < 3; ++b) {
      auto k = base;
      k[b] = axis_kernel(sigma_p, step[b], b == a ? 0.5 : 0.0, true);
      add_into(moment[b], correlate3(face_abs, k));
    }
  }
  const float nan = std::numeric_limits<float>::quiet_NaN();
  auto plane = [&](int64_t z, int64_t y, int64_t x) -> double {
    const double w = weight(z, y, x);
    const double n[3] = {normal[0](z, y, x), normal[1](z, y, x), normal[2](z, y, x)};
    const double norm = std::sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
    if (!(w > 1e-6) || !(norm > 1e-12)) return nan;  // no conductor|pore face within reach
    double dot = 0;
    for (int b = 0; b < 3; ++b) dot += n[b] * moment[b](z, y, x);
    return -dot / (norm * w);  // signed distance to the fitted plane, positive on the pore side
  };
  // Planarity of the faces in the normal's window: the faces of a plane (a monotone staircase) all face
  // the same way along each axis, so sum_a |N_a| equals their area; a cap or a blob a few voxels
  // across cancels part of it.
  auto planarity = [&](int64_t z, int64_t y, int64_t x) -> double {
    const double total = area(z, y, x);
    if (!(total > 1e-6)) return 0;
    return (std::abs(normal[0](z, y, x)) + std::abs(normal[1](z, y, x)) + std::abs(normal[2](z, y, x))) / total;
  };
  auto planarity_of_cell = [&](int64_t z, int64_t y, int64_t x) {
    double lowest = 1;
    for (int k = 0; k < 8; ++k) lowest = std::min(lowest, planarity(z + (k >> 2), y + ((k >> 1) & 1), x + (k & 1)));
    return lowest;
  };
  if (probes) {
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < static_cast<int64_t>(probes->size()); ++i) {
      auto& probe = (*probes)[static_cast<std::size_t>(i)];
      int64_t c[3];
      for (int axis = 0; axis < 3; ++axis)
        c[axis] = std::clamp<int64_t>(static_cast<int64_t>(std::floor(probe.point_um[axis] / step[axis])), 0, cs[axis] - 1);
      probe.planarity = planarity_of_cell(c[0], c[1], c[2]);
    }
  }

  // Marching the 6 Kuhn tetrahedra of each cell near the line: on each triangle, the point where both
  // linear interpolants vanish; two such points bound the line's segment in the tetrahedron.
  static const int kOrders[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
  std::vector<std::vector<TripleLinePiece>> per_slice(static_cast<std::size_t>(cs.nz));
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t z = 0; z < cs.nz; ++z) {
    auto& out = per_slice[static_cast<std::size_t>(z)];
    for (int64_t y = 0; y < cs.ny; ++y)
      for (int64_t x = 0; x < cs.nx; ++x) {
        if (!near(z, y, x)) continue;
        double f[8], g[8];
        double fmin = 1, fmax = -1, gmin = 1, gmax = -1;
        bool ok = true;
        for (int k = 0; k < 8 && ok; ++k) {
          const int64_t cz = z + (k >> 2), cy = y + ((k >> 1) & 1), cx = x + (k & 1);
          f[k] = surface(cz, cy, cx);
          g[k] = plane(cz, cy, cx);
          ok = std::isfinite(g[k]);
          fmin = std::min(fmin, f[k]), fmax = std::max(fmax, f[k]);
          gmin = std::min(gmin, g[k]), gmax = std::max(gmax, g[k]);
        }
        if (!ok || !(fmin < 0 && fmax > 0 && gmin < 0 && gmax > 0)) continue;
        const double cell_planarity = planarity_of_cell(z, y, x);
        for (const auto& order : kOrders) {
          int corner[4] = {0, 0, 0, 7};
          int bits = 0;
          for (int t = 0; t < 2; ++t) {
            bits |= 4 >> order[t];  // axis 0 (z) is bit 4, axis 2 (x) bit 1
            corner[t + 1] = bits;
          }
          double pts[4][3];
          int found = 0;
          for (int omit = 0; omit < 4; ++omit) {
            int tri[3], m = 0;
            for (int v = 0; v < 4; ++v)
              if (v != omit) tri[m++] = corner[v];
            const double a11 = f[tri[1]] - f[tri[0]], a12 = f[tri[2]] - f[tri[0]];
            const double a21 = g[tri[1]] - g[tri[0]], a22 = g[tri[2]] - g[tri[0]];
            const double det = a11 * a22 - a12 * a21;
            if (det == 0) continue;
            const double al = (-f[tri[0]] * a22 + g[tri[0]] * a12) / det;
            const double be = (-g[tri[0]] * a11 + f[tri[0]] * a21) / det;
            if (!(al >= 0 && be >= 0 && al + be <= 1)) continue;
            for (int axis = 0; axis < 3; ++axis) {
              const int sh = 2 - axis;  // corner bit of the axis
              const double p0 = (tri[0] >> sh) & 1, p1 = (tri[1] >> sh) & 1, p2 = (tri[2] >> sh) & 1;
              pts[found][axis] = (p0 + al * (p1 - p0) + be * (p2 - p0)) * step[axis];
            }
            ++found;
          }
          // Two points bound the segment; more only where it passes through an edge or a vertex
          // (repeated points): the farthest pair.
          double longest = 0;
          int ends[2] = {0, 0};
          for (int i = 0; i < found; ++i)
            for (int j = i + 1; j < found; ++j) {
              const double dz = pts[i][0] - pts[j][0], dy = pts[i][1] - pts[j][1], dx = pts[i][2] - pts[j][2];
              const double d = std::sqrt(dz * dz + dy * dy + dx * dx);
              if (d > longest) longest = d, ends[0] = i, ends[1] = j;
            }
          if (longest == 0) continue;
          const double origin[3] = {z * step[0], y * step[1], x * step[2]};
          TripleLinePiece seg;
          for (int axis = 0; axis < 3; ++axis)
            seg.point_um[axis] = origin[axis] + (pts[ends[0]][axis] + pts[ends[1]][axis]) / 2;
          seg.length_um = longest;
          seg.planarity = cell_planarity;
          out.push_back(seg);
        }
      }
  }
  std::vector<TripleLinePiece> all;
  for (auto& slice : per_slice) all.insert(all.end(), slice.begin(), slice.end());
  return all;
}

double triple_line_intersection_length(VolumeView<const uint8_t> labels, const TripleLineIntersectionParams& params) {
  double total = 0;
  for (const auto& seg : triple_line_intersection_segments(labels, params)) total += seg.length_um;
  return total;
}

}  // namespace emorph
