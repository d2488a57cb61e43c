#pragma once
// The passes of the granulometry by ball openings (Coeurjolly & Montanvert 2007), shared by the
// in-core granulometry (granulometry.cpp) and the streamed one (stream/streamed_granulometry.cpp) so
// that both decide every voxel with the same arithmetic: per radius index i, the opening is the
// dilation of the centres {code > i} by the ball, a separable min-plus product with the parabola
// w d^2 truncated to the ball's reach (x, then y per plane, then z per row).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

#include "emorph/measure/granulometry.hpp"

namespace emorph::opening {

// Relative margin on squared-radius comparisons: absorbs float rounding of anisotropic squared
// distances, while no integer lies in (r^2, r^2 (1 + margin)] for r <= 1000.
constexpr double kMargin = 1e-6;
// Per-voxel code: 0 outside the phase, else 1 + the largest radius index whose ball fits there, so
// that "centre of radius index i" reads code > i.
using Code = uint16_t;
constexpr int64_t kLargestCode = std::numeric_limits<Code>::max();

inline double squared_threshold(int64_t i) {
  return static_cast<double>(i) * static_cast<double>(i) * (1.0 + kMargin);
}

// Largest offset d >= 0 with w d^2 <= threshold.
int64_t reach(double w, double threshold);

// The code of a voxel from its squared distance (radius steps) to the background: 0 outside the phase
// (v == 0); kLargestCode with `unbounded` set when no background exists (v infinite).
Code code_of(float v, bool& unbounded);

// The phase's figures gathered while coding rows: its voxels, whether some voxel has no background
// (infinite distance), and the largest finite squared distance.
struct CodeTally {
  int64_t phase_voxels = 0;
  bool unbounded = false;
  float largest = 0;
};
// Codes of a row of n squared distances `d` into `code` (code_of), adding to `tally`; returns the row's
// largest code.
Code code_row(const float* d, Code* code, int64_t n, CodeTally& tally);

// The radius step (um) and the squared step along each axis in radius steps; checks the voxel size,
// --step and --max-radius.
struct Steps {
  double step = 0;
  Spacing w;
};
Steps opening_steps(const Spacing& voxel, const GranulometryParams& params);

// The last radius index to open: from --max-radius, else one past the largest finite squared distance
// (beyond it no ball fits); checks the count of radii and the unbounded case.
int64_t last_radius_index(const GranulometryParams& params, double step, float largest, bool unbounded);

// Appends radius index i's opening of `kept` voxels to the distribution (phase_voxels set).
void add_opening(GranulometryResult& r, double radius_um, int64_t kept);
// The volume-weighted median diameter from the cumulative fractions (d50_um).
void set_d50(GranulometryResult& r);

// Distances are float in general, and uint16 when the weights are all 1 (isotropic voxels at the
// default step) and r^2 <= kSmallMax: then every partial sum of in-reach terms is an exact integer
// <= r^2, out-of-reach is kSmallFar, and no sum of a far value and two parabola terms overflows
// (0x7FFF + 2 * 0x3F01 < 0xFFFF). Both kinds decide every voxel alike (integers below 2^24 are exact
// floats, and "far" fails the threshold either way).
constexpr uint16_t kSmallFar = 0x7FFF;
constexpr int64_t kSmallMax = 127 * 127;
template <class T>
constexpr T far_value() {
  if constexpr (std::is_same_v<T, float>) return std::numeric_limits<float>::infinity();
  else return kSmallFar;
}

// Parabola w d^2 for d = 0..reach, as the values the passes add, then "far" (out of reach).
template <class T>
std::vector<T> parabola(double w, int64_t r) {
  std::vector<T> p(static_cast<std::size_t>(r) + 2, far_value<T>());
  for (int64_t d = 0; d <= r; ++d) p[static_cast<std::size_t>(d)] = static_cast<T>(w * static_cast<double>(d * d));
  return p;
}

// Largest value whose double passes the threshold: comparisons in T decide as double ones.
template <class T>
T threshold_limit(double threshold) {
  if constexpr (std::is_same_v<T, float>) {
    auto limit = static_cast<float>(threshold);
    if (static_cast<double>(limit) > threshold) limit = std::nextafter(limit, 0.0f);
    return limit;
  } else {
    return static_cast<T>(std::floor(threshold));
  }
}

// acc = src + c: the first row a pass adds (no fill first). acc = min(acc, src + c): the inner loop of
// the y and z passes. Vectorised (AVX2 clones picked at run time where the CPU has it).
void add_row(float* acc, const float* src, float c, int64_t n);
void add_row(uint16_t* acc, const uint16_t* src, uint16_t c, int64_t n);
void min_plus_row(float* acc, const float* src, float c, int64_t n);
void min_plus_row(uint16_t* acc, const uint16_t* src, uint16_t c, int64_t n);

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

// acc = min over the rows k within reach of row `at` (|k - at| <= the parabola's reach, 0 <= k < count)
// that `use(k)` of row(k) + p[|k - at|]; false when no row is used (acc then untouched).
template <class T, class Use, class Row>
bool min_plus_rows(T* acc, int64_t nx, int64_t at, int64_t count, const std::vector<T>& p, Use use, Row row) {
  const auto r = static_cast<int64_t>(p.size()) - 2;
  bool any = false;
  for (int64_t k = std::max<int64_t>(0, at - r); k <= std::min(count - 1, at + r); ++k) {
    if (!use(k)) continue;
    const T c = p[static_cast<std::size_t>(std::abs(k - at))];
    if (any)
      min_plus_row(acc, row(k), c, nx);
    else
      add_row(acc, row(k), c, nx);
    any = true;
  }
  return any;
}

// The y pass of radius index i on one plane of ny rows of x-pass distances `rows`: `row_top[y]` is row
// y's largest code (rows without a centre are never read); writes the partial sums of the rows some
// centre reaches into `partial` and flags those rows in `reached`.
template <class T>
void y_pass_plane(const T* rows, const Code* row_top, int64_t ny, int64_t nx, int64_t i, const std::vector<T>& py, T* partial,
                  uint8_t* reached) {
  auto has_centre = [&](int64_t y) { return row_top[y] > i; };
  for (int64_t y = 0; y < ny; ++y)
    reached[y] = min_plus_rows(partial + y * nx, nx, y, ny, py, has_centre, [&](int64_t yy) { return rows + yy * nx; });
}

// The x and y passes of radius index i on one plane: the x pass of the rows with a centre into `rows`
// (scratch of ny * nx values), then y_pass_plane.
template <class T>
void xy_pass_plane(const Code* code, const Code* row_top, int64_t ny, int64_t nx, int64_t i, const std::vector<T>& px,
                   const std::vector<T>& py, T* rows, T* partial, uint8_t* reached) {
  for (int64_t y = 0; y < ny; ++y)
    if (row_top[y] > i) row_distance(code + y * nx, rows + y * nx, nx, i, px);
  y_pass_plane(rows, row_top, ny, nx, i, py, partial, reached);
}

// The z pass of row z of a column of nz rows (row zz's partial sums at column + zz * stride, its
// reached flag at reached[zz * reached_stride]) into `acc`; false when no reached row is within reach.
template <class T>
bool z_pass_row(const T* column, int64_t stride, const uint8_t* reached, int64_t reached_stride, int64_t nz, int64_t z,
                const std::vector<T>& pz, T* acc, int64_t nx) {
  return min_plus_rows(acc, nx, z, nz, pz, [&](int64_t zz) { return reached[zz * reached_stride] != 0; },
                       [&](int64_t zz) { return column + zz * stride; });
}

// Opening voxels of one row: phase voxels (code != 0) within the threshold of a centre; writes
// `thickness` at those voxels of `lt` (if any): a float thickness, or the radius index (distributed runs).
template <class T, class M>
int64_t keep_row(const Code* code, const T* dist, int64_t n, T limit, M* lt, M thickness) {
  int64_t kept = 0;
  for (int64_t x = 0; x < n; ++x) kept += (code[x] != 0) & (dist[x] <= limit);
  if (lt)
    for (int64_t x = 0; x < n; ++x)
      if (code[x] != 0 && dist[x] <= limit) lt[x] = thickness;
  return kept;
}

}  // namespace emorph::opening
