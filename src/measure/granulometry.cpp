// Granulometry by openings with discrete balls (Matheron 1975). The opening by the ball B_r is the
// dilation by B_r of the fitting centres E_r = {EDT^2 > r^2} (Coeurjolly & Montanvert 2007), i.e.
// {x : squared distance from x to E_r <= r^2}. One exact EDT of the phase gives every E_r; each
// dilation is then a separable min-plus product with the parabola w d^2 truncated to the ball's reach
// (x, then y, then z; opening_passes.hpp), exact because a partial sum above r^2 can only grow. Rows
// without centres within reach are skipped, so the work shrinks as the centres thin out.
#include "emorph/measure/granulometry.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "emorph/measure/edt.hpp"
#include "emorph/progress.hpp"
#include "opening_passes.hpp"

namespace emorph {
namespace {

using opening::Code;

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
  if (std::none_of(row_code.begin(), row_code.end(), [&](Code top) { return top > i; })) return 0;
  const std::vector<T> px = opening::parabola<T>(g.w.dx, opening::reach(g.w.dx, threshold));
  const std::vector<T> py = opening::parabola<T>(g.w.dy, opening::reach(g.w.dy, threshold));
  const std::vector<T> pz = opening::parabola<T>(g.w.dz, opening::reach(g.w.dz, threshold));
  const T limit = opening::threshold_limit<T>(threshold);

  // x and y passes, plane by plane; rows that no centre reaches are flagged and never read.
#pragma omp parallel
  {
    std::vector<T> plane(static_cast<std::size_t>(ny * nx));
#pragma omp for schedule(dynamic, 1)
    for (int64_t z = 0; z < nz; ++z)
      opening::xy_pass_plane(C + z * ny * nx, row_code.data() + z * ny, ny, nx, i, px, py, plane.data(),
                             partial + z * ny * nx, reached.data() + z * ny);
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
        if (!opening::z_pass_row(partial + y * nx, ny * nx, reached.data() + y, ny, nz, z, pz, acc.data(), nx)) continue;
        const int64_t row = (z * ny + y) * nx;
        kept += opening::keep_row(C + row, acc.data(), nx, limit, lt ? lt + row : nullptr, thickness);
      }
  }
  return kept;
}

}  // namespace

GranulometryResult granulometry(VolumeView<const uint8_t> mask, const GranulometryParams& params) {
  const Spacing s = mask.spacing();
  const opening::Steps steps = opening::opening_steps(s, params);
  const double step = steps.step;
  const Spacing w = steps.w;

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
      opening::CodeTally tally;
      row_code[static_cast<std::size_t>(zy)] = opening::code_row(d2.data() + zy * nx, code.data() + zy * nx, nx, tally);
      phase_voxels += tally.phase_voxels;
      unbounded = unbounded || tally.unbounded;
      largest = std::max(largest, tally.largest);
    }
  }
  r.phase_voxels = phase_voxels;
  if (phase_voxels == 0) return r;
  const int64_t last = opening::last_radius_index(params, step, largest, unbounded);

  const Grid grid{nz, ny, nx, w, code.data(), &row_code};
  const bool unit_weights = w.dz == 1.0 && w.dy == 1.0 && w.dx == 1.0;
  Volume<uint16_t> small_partial;  // scratch of the integer passes
  Volume<float> float_partial;     // scratch of the float passes, allocated only when needed
  std::vector<uint8_t> reached(static_cast<std::size_t>(rows));
  Progress progress("granulometry", last);
  for (int64_t i = 1; i <= last; ++i) {
    const double threshold = opening::squared_threshold(i);
    const float thickness = static_cast<float>(2.0 * static_cast<double>(i) * step);
    float* lt = params.local_thickness ? r.local_thickness_um.data() : nullptr;
    int64_t kept = 0;
    if (unit_weights && i * i <= opening::kSmallMax) {
      if (small_partial.size() == 0) small_partial = Volume<uint16_t>(shape, s);
      kept = open_radius<uint16_t>(grid, i, threshold, small_partial.data(), reached, lt, thickness);
    } else {
      small_partial = Volume<uint16_t>();
      if (float_partial.size() == 0) float_partial = Volume<float>(shape, s);
      kept = open_radius<float>(grid, i, threshold, float_partial.data(), reached, lt, thickness);
    }
    opening::add_opening(r, static_cast<double>(i) * step, kept);
    progress.advance();
    if (kept == 0) break;
  }
  opening::set_d50(r);
  return r;
}

}  // namespace emorph
