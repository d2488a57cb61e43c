// Granulometry by openings with discrete balls (Matheron 1975). The opening by the ball B_r is the
// dilation by B_r of the fitting centres E_r = {EDT^2 > r^2} (Coeurjolly & Montanvert 2007), i.e.
// {x : squared distance from x to E_r <= r^2}. One exact EDT of the phase gives every E_r; each
// dilation is then a separable min-plus product with the parabola w d^2 truncated to the ball's reach
// (x, then y, then z), exact because a partial sum above r^2 can only grow. Rows without centres
// within reach are skipped, so the work shrinks as the centres thin out with growing radii.
#include "emorph/measure/granulometry.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "emorph/measure/edt.hpp"
#include "emorph/progress.hpp"

namespace emorph {
namespace {

// Relative margin on squared-radius comparisons: absorbs float rounding of anisotropic squared
// distances, while no integer lies in (r^2, r^2 (1 + margin)] for r <= 1000.
constexpr double kMargin = 1e-6;
constexpr float kFar = std::numeric_limits<float>::infinity();
// Per-voxel code: 0 outside the phase, else 1 + the largest radius index whose ball fits there, so
// that "centre of radius index i" reads code > i.
using Code = uint16_t;
constexpr int64_t kLargestCode = std::numeric_limits<Code>::max();

double squared_threshold(int64_t i) { return static_cast<double>(i) * static_cast<double>(i) * (1.0 + kMargin); }

// Largest offset d >= 0 with w d^2 <= threshold.
int64_t reach(double w, double threshold) {
  auto d = static_cast<int64_t>(std::floor(std::sqrt(threshold / w)));
  while (w * static_cast<double>(d + 1) * static_cast<double>(d + 1) <= threshold) ++d;
  while (d > 0 && w * static_cast<double>(d) * static_cast<double>(d) > threshold) --d;
  return d;
}

// Distances are float in general, and uint16 when the weights are all 1 (isotropic voxels at the
// default step) and r^2 <= kSmallMax: then every partial sum of in-reach terms is an exact integer
// <= r^2, out-of-reach is kSmallFar, and no sum of a far value and two parabola terms overflows
// (0x7FFF + 2 * 0x3F01 < 0xFFFF). Half the memory traffic, twice the vector width.
constexpr uint16_t kSmallFar = 0x7FFF;
constexpr int64_t kSmallMax = 127 * 127;
template <class T>
constexpr T far_value() {
  if constexpr (std::is_same_v<T, float>) return kFar;
  else return kSmallFar;
}

// Parabola w d^2 for d = 0..reach, as the values the passes add, then "far" (out of reach).
template <class T>
std::vector<T> parabola(double w, int64_t r) {
  std::vector<T> p(static_cast<std::size_t>(r) + 2, far_value<T>());
  for (int64_t d = 0; d <= r; ++d) p[static_cast<std::size_t>(d)] = static_cast<T>(w * static_cast<double>(d * d));
  return p;
}

// acc = src + c: the first row a pass adds (no fill first). acc = min(acc, src + c): the inner loop
// of the y and z passes. Vectorised; the AVX2 clones are picked at run time where the CPU has it.
__attribute__((target_clones("avx2", "default"))) void add_row(float* __restrict acc, const float* __restrict src,
                                                               float c, int64_t n) {
  for (int64_t x = 0; x < n; ++x) acc[x] = src[x] + c;
}
__attribute__((target_clones("avx2", "default"))) void add_row(uint16_t* __restrict acc,
                                                               const uint16_t* __restrict src, uint16_t c,
                                                               int64_t n) {
  for (int64_t x = 0; x < n; ++x) acc[x] = static_cast<uint16_t>(src[x] + c);
}
__attribute__((target_clones("avx2", "default"))) void min_plus_row(float* __restrict acc, const float* __restrict src,
                                                                    float c, int64_t n) {
  for (int64_t x = 0; x < n; ++x) {
    const float v = src[x] + c;
    acc[x] = v < acc[x] ? v : acc[x];
  }
}
__attribute__((target_clones("avx2", "default"))) void min_plus_row(uint16_t* __restrict acc,
                                                                    const uint16_t* __restrict src, uint16_t c,
                                                                    int64_t n) {
  for (int64_t x = 0; x < n; ++x) {
    const auto v = static_cast<uint16_t>(src[x] + c);
    acc[x] = v < acc[x] ? v : acc[x];
  }
}

// Weighted squared distance along the row to the nearest centre of radius index i (code > i), or
// "far" beyond the reach; `px` holds w d^2 for d = 0..reach followed by the far value.
template <class T>
void row_distance(const Code* code, T* out, int64_t n, int64_t i, const std::vector<T>& px) {
  const auto far = static_cast<int64_t>(px.size()) - 1;  // first offset out of reach
  const T* p = px.data();
  int64_t last = -far;
  for (int64_t x = 0; x < n; ++x) {
    last = code[x] > i ? x : last;
    out[x] = p[std::min(x - last, far)];
  }
  int64_t next = n + far;
  for (int64_t x = n - 1; x >= 0; --x) {
    next = code[x] > i ? x : next;
    out[x] = std::min(out[x], p[std::min(next - x, far)]);
  }
}

// Opening voxels of one row: phase voxels (code != 0) within the threshold of a centre.
template <class T>
int64_t count_row(const Code* code, const T* dist, int64_t n, T limit) {
  int64_t kept = 0;
  for (int64_t x = 0; x < n; ++x) kept += (code[x] != 0) & (dist[x] <= limit);
  return kept;
}

struct Grid {
  int64_t nz, ny, nx;
  Spacing w;                     // squared step along each axis, in radius steps
  const Code* code;              // per voxel
  const std::vector<Code>* row;  // per row: its largest code
};

// Voxels of the opening of radius index i (its squared radius `threshold`); writes `thickness` into
// `lt` (if any) at those voxels. `partial` and `reached` are scratch (one value per voxel / row).
template <class T>
int64_t open_radius(const Grid& g, int64_t i, double threshold, T* partial, std::vector<uint8_t>& reached, float* lt,
                    float thickness) {
  const int64_t nz = g.nz, ny = g.ny, nx = g.nx;
  const std::vector<Code>& row_code = *g.row;
  const Code* C = g.code;
  auto has_centre = [&](int64_t zy) { return row_code[static_cast<std::size_t>(zy)] > i; };
  bool centres = false;
  for (int64_t zy = 0; zy < nz * ny && !centres; ++zy) centres = has_centre(zy);
  if (!centres) return 0;
  const std::vector<T> px = parabola<T>(g.w.dx, reach(g.w.dx, threshold));
  const std::vector<T> py = parabola<T>(g.w.dy, reach(g.w.dy, threshold));
  const std::vector<T> pz = parabola<T>(g.w.dz, reach(g.w.dz, threshold));
  const auto ry = static_cast<int64_t>(py.size()) - 2, rz = static_cast<int64_t>(pz.size()) - 2;
  // Largest value whose double passes the threshold: comparisons in T decide as double ones.
  T limit;
  if constexpr (std::is_same_v<T, float>) {
    limit = static_cast<float>(threshold);
    if (static_cast<double>(limit) > threshold) limit = std::nextafter(limit, 0.0f);
  } else {
    limit = static_cast<T>(std::floor(threshold));
  }

  // x and y passes, plane by plane; rows that no centre reaches are flagged and never read.
#pragma omp parallel
  {
    std::vector<T> plane(static_cast<std::size_t>(ny * nx));
#pragma omp for schedule(dynamic, 1)
    for (int64_t z = 0; z < nz; ++z) {
      for (int64_t y = 0; y < ny; ++y)
        if (has_centre(z * ny + y)) row_distance(C + (z * ny + y) * nx, plane.data() + y * nx, nx, i, px);
      for (int64_t y = 0; y < ny; ++y) {
        T* acc = partial + (z * ny + y) * nx;
        bool any = false;
        for (int64_t yy = std::max<int64_t>(0, y - ry); yy <= std::min(ny - 1, y + ry); ++yy) {
          if (!has_centre(z * ny + yy)) continue;
          const T c = py[static_cast<std::size_t>(std::abs(yy - y))];
          if (any)
            min_plus_row(acc, plane.data() + yy * nx, c, nx);
          else
            add_row(acc, plane.data() + yy * nx, c, nx);
          any = true;
        }
        reached[static_cast<std::size_t>(z * ny + y)] = any;
      }
    }
  }
  // z pass, column slice by column slice, and the opening's voxels.
  int64_t kept = 0;
#pragma omp parallel reduction(+ : kept)
  {
    std::vector<T> acc(static_cast<std::size_t>(nx));
#pragma omp for schedule(dynamic, 1)
    for (int64_t y = 0; y < ny; ++y)
      for (int64_t z = 0; z < nz; ++z) {
        if (row_code[static_cast<std::size_t>(z * ny + y)] == 0) continue;  // no phase voxel
        bool any = false;
        for (int64_t zz = std::max<int64_t>(0, z - rz); zz <= std::min(nz - 1, z + rz); ++zz) {
          if (!reached[static_cast<std::size_t>(zz * ny + y)]) continue;
          const T c = pz[static_cast<std::size_t>(std::abs(zz - z))];
          const T* src = partial + (zz * ny + y) * nx;
          if (any)
            min_plus_row(acc.data(), src, c, nx);
          else
            add_row(acc.data(), src, c, nx);
          any = true;
        }
        if (!any) continue;
        const Code* c = C + (z * ny + y) * nx;
        kept += count_row(c, acc.data(), nx, limit);
        if (lt)
          for (int64_t x = 0; x < nx; ++x)
            if (c[x] != 0 && acc[static_cast<std::size_t>(x)] <= limit) lt[(z * ny + y) * nx + x] = thickness;
      }
  }
  return kept;
}

}  // namespace

GranulometryResult granulometry(VolumeView<const uint8_t> mask, const GranulometryParams& params) {
  const Spacing s = mask.spacing();
  for (int a = 0; a < 3; ++a)
    require(std::isfinite(s[a]) && s[a] > 0, "granulometry: voxel size must be positive and finite");
  const double step = params.step_um.value_or(std::min({s.dz, s.dy, s.dx}));
  require(std::isfinite(step) && step > 0, "granulometry: --step must be positive (um)");
  if (params.max_radius_um)
    require(std::isfinite(*params.max_radius_um) && *params.max_radius_um > 0,
            "granulometry: --max-radius must be positive (um)");
  const Spacing w{(s.dz / step) * (s.dz / step), (s.dy / step) * (s.dy / step), (s.dx / step) * (s.dx / step)};

  GranulometryResult r;
  const Shape shape = mask.shape();
  const int64_t nz = shape.nz, ny = shape.ny, nx = shape.nx, rows = nz * ny;
  if (params.local_thickness) r.local_thickness_um = Volume<float>::filled(shape, s, 0.0f);

  // Code volume and, per row, its largest code (0: the row holds no phase voxel).
  Volume<Code> code(shape, s);
  std::vector<Code> row_code(static_cast<std::size_t>(rows), 0);
  int64_t phase_voxels = 0;
  bool unbounded = false;
  float largest = 0;
  {
    const Volume<float> d2 = squared_distance_transform(mask, w);
#pragma omp parallel for schedule(static) reduction(+ : phase_voxels) reduction(max : largest) reduction(|| : unbounded)
    for (int64_t zy = 0; zy < rows; ++zy) {
      const float* d = d2.data() + zy * nx;
      Code* c = code.data() + zy * nx;
      Code top = 0;
      for (int64_t x = 0; x < nx; ++x) {
        const float v = d[x];
        Code k = 0;
        if (v > 0) {
          ++phase_voxels;
          if (std::isinf(v)) {
            unbounded = true;
            k = static_cast<Code>(kLargestCode);
          } else {
            largest = std::max(largest, v);
            // Largest i with v > i^2 (1 + margin), the same comparison as the fitting test.
            auto i = static_cast<int64_t>(std::sqrt(static_cast<double>(v) / (1.0 + kMargin)));
            while (static_cast<double>(v) > squared_threshold(i + 1)) ++i;
            while (i > 0 && !(static_cast<double>(v) > squared_threshold(i))) --i;
            k = static_cast<Code>(std::min<int64_t>(i + 1, kLargestCode));
          }
        }
        c[x] = k;
        top = std::max(top, k);
      }
      row_code[static_cast<std::size_t>(zy)] = top;
    }
  }
  r.phase_voxels = phase_voxels;
  if (phase_voxels == 0) return r;
  require(!unbounded || params.max_radius_um.has_value(),
          "granulometry: the phase fills the whole volume, so no opening ever empties it; give --max-radius");
  // Beyond this radius no ball fits anywhere (finite distances) and every later opening is empty.
  const int64_t last = params.max_radius_um
                           ? static_cast<int64_t>(std::floor(*params.max_radius_um / step + 1e-9))
                           : static_cast<int64_t>(std::ceil(std::sqrt(static_cast<double>(largest)))) + 1;
  require(last >= 1, "granulometry: --max-radius is smaller than one radius step (" + std::to_string(step) + " um)");
  require(last < kLargestCode, "granulometry: --max-radius / --step asks for more than " +
                                   std::to_string(kLargestCode - 1) + " radii; use a larger --step");

  const Grid grid{nz, ny, nx, w, code.data(), &row_code};
  const bool unit_weights = w.dz == 1.0 && w.dy == 1.0 && w.dx == 1.0;
  Volume<uint16_t> small_partial;  // scratch of the integer passes
  Volume<float> float_partial;     // scratch of the float passes, allocated only when needed
  std::vector<uint8_t> reached(static_cast<std::size_t>(rows));
  Progress progress("granulometry", last);
  for (int64_t i = 1; i <= last; ++i) {
    const double threshold = squared_threshold(i);
    const float thickness = static_cast<float>(2.0 * static_cast<double>(i) * step);
    float* lt = params.local_thickness ? r.local_thickness_um.data() : nullptr;
    int64_t kept = 0;
    if (unit_weights && i * i <= kSmallMax) {
      if (small_partial.size() == 0) small_partial = Volume<uint16_t>(shape, s);
      kept = open_radius<uint16_t>(grid, i, threshold, small_partial.data(), reached, lt, thickness);
    } else {
      small_partial = Volume<uint16_t>();
      if (float_partial.size() == 0) float_partial = Volume<float>(shape, s);
      kept = open_radius<float>(grid, i, threshold, float_partial.data(), reached, lt, thickness);
    }
    const int64_t previous = r.opening_voxels.empty() ? phase_voxels : r.opening_voxels.back();
    r.radius_um.push_back(static_cast<double>(i) * step);
    r.opening_voxels.push_back(kept);
    r.volume_fraction_removed.push_back(static_cast<double>(previous - kept) / static_cast<double>(phase_voxels));
    r.cumulative_fraction.push_back(1.0 - static_cast<double>(kept) / static_cast<double>(phase_voxels));
    progress.advance();
    if (kept == 0) break;
  }

  double prev_radius = 0, prev_cum = 0;
  for (std::size_t i = 0; i < r.radius_um.size(); ++i) {
    const double cum = r.cumulative_fraction[i];
    if (cum >= 0.5) {
      const double t = cum > prev_cum ? (0.5 - prev_cum) / (cum - prev_cum) : 1.0;
      r.d50_um = 2.0 * (prev_radius + t * (r.radius_um[i] - prev_radius));
      break;
    }
    prev_radius = r.radius_um[i];
    prev_cum = cum;
  }
  return r;
}

}  // namespace emorph
