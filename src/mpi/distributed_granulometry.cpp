// Distributed granulometry by ball openings (Matheron 1975; Coeurjolly & Montanvert 2007, as
// measure/granulometry.cpp): distributed squared EDT -> codes -> per radius, x/y passes on z slabs and
// the z pass on y slabs after an MPI_Alltoallv transpose.
#include "emorph/mpi/distributed_granulometry.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

#include "emorph/measure/edt.hpp"
#include "emorph/measure/phase_selection.hpp"
#include "emorph/mpi/distributed_edt.hpp"
#include "emorph/mpi/exchange.hpp"
#include "emorph/mpi/world.hpp"
#include "emorph/parallel.hpp"
#include "measure/opening_passes.hpp"
#include "own_slab.hpp"

namespace emorph {
namespace {

using opening::Code;

// One rank's share: its z slab [z0, z1) and its y rows [y0, y1) of the whole shape.
struct Share {
  Shape whole;
  int64_t z0, z1, y0, y1;
  int64_t own_nz() const { return z1 - z0; }
  int64_t own_ny() const { return y1 - y0; }
};

// Per-row table of the whole volume (nz * ny values) from each rank's own rows: element-wise maximum
// over the ranks of tables that are 0 outside the own rows.
template <class T>
std::vector<T> whole_rows(const std::vector<int64_t>& own_rows_filled) {
  std::vector<int64_t> all = own_rows_filled;
  world_max(all);
  return std::vector<T>(all.begin(), all.end());
}

// Voxels of the opening of radius index i over all ranks; writes `thickness` into the y-slab map.
int64_t open_radius(const Share& sh, const Spacing& w, const Volume<Code>& code_z, const std::vector<Code>& code_y,
                    const std::vector<Code>& row_code, int64_t i, double threshold, std::vector<float>* map_y, float thickness) {
  const int64_t nz = sh.whole.nz, ny = sh.whole.ny, nx = sh.whole.nx, plane = ny * nx;
  // row_code is the whole volume's on every rank: all ranks take the same branches around collectives.
  if (std::none_of(row_code.begin(), row_code.end(), [&](Code top) { return top > i; })) return 0;
  const std::vector<float> px = opening::parabola<float>(w.dx, opening::reach(w.dx, threshold));
  const std::vector<float> py = opening::parabola<float>(w.dy, opening::reach(w.dy, threshold));
  const std::vector<float> pz = opening::parabola<float>(w.dz, opening::reach(w.dz, threshold));
  const float limit = opening::threshold_limit<float>(threshold);

  // x and y passes on the own z slab.
  Volume<float> partial_z = Volume<float>::filled(Shape{sh.own_nz(), ny, nx}, {}, 0.0f);
  std::vector<uint8_t> reached_own(static_cast<std::size_t>(sh.own_nz() * ny), 0);
#pragma omp parallel
  {
    std::vector<float> rows(static_cast<std::size_t>(plane));
#pragma omp for schedule(dynamic, 1)
    for (int64_t z = 0; z < sh.own_nz(); ++z)
      opening::xy_pass_plane(code_z.data() + z * plane, row_code.data() + (sh.z0 + z) * ny, ny, nx, i, px, py, rows.data(),
                             partial_z.data() + z * plane, reached_own.data() + z * ny);
  }
  std::vector<int64_t> reached_rows(static_cast<std::size_t>(nz * ny), 0);
  std::copy(reached_own.begin(), reached_own.end(), reached_rows.begin() + sh.z0 * ny);
  const std::vector<uint8_t> reached = whole_rows<uint8_t>(reached_rows);

  // z pass on the own y slab of whole columns, the opening's voxels and the map.
  const std::vector<float> partial_y = z_slab_to_y_slab(partial_z, nz);
  const int64_t rows = sh.own_ny();
  int64_t kept = 0;
#pragma omp parallel reduction(+ : kept)
  {
    std::vector<float> acc(static_cast<std::size_t>(nx));
#pragma omp for schedule(dynamic, 1)
    for (int64_t y = sh.y0; y < sh.y1; ++y)
      for (int64_t z = 0; z < nz; ++z) {
        if (row_code[static_cast<std::size_t>(z * ny + y)] == 0) continue;  // no phase voxel
        if (!opening::z_pass_row(partial_y.data() + (y - sh.y0) * nx, rows * nx, reached.data() + y, ny, nz, z, pz, acc.data(), nx))
          continue;
        const int64_t row = (z * rows + (y - sh.y0)) * nx;
        kept += opening::keep_row(code_y.data() + row, acc.data(), nx, limit, map_y ? map_y->data() + row : nullptr, thickness);
      }
  }
  std::vector<int64_t> total{kept};
  world_sum(total);
  return total[0];
}

}  // namespace

StreamedGranulometry distributed_granulometry(const std::string& input, const StreamedGranulometryParams& params,
                                              const ReadOptions& read_options, StreamReport* report) {
  OwnSlab<uint8_t> own = read_own_slab_mask(input, params.phase.label, "granulometry");
  const Shape shape = own.info.shape;
  const int64_t nz = shape.nz, ny = shape.ny, nx = shape.nx;
  const RankSlab own_y = own_slices(ny);
  const Share sh{shape, own.z0, own.z1, own_y.begin, own_y.end};
  const Spacing s = read_options.voxel ? *read_options.voxel : own.info.spacing;
  const opening::Steps steps = opening::opening_steps(s, params.granulometry);
  {
    std::vector<int64_t> foreground{static_cast<int64_t>(std::count(own.voxels.begin(), own.voxels.end(), uint8_t{1}))};
    world_sum(foreground);  // every rank throws alike, none is left waiting
    if (foreground[0] == 0) throw InputError(absent_phase_message(params.phase, "--phase"));
  }
  if (report) report->slab_slices = sh.own_nz(), report->halo = 0, report->slabs = 1;

  // Squared EDT in radius steps (x/y passes per slice, the z pass across the ranks), then per voxel its
  // code and per row its largest code; the phase's figures over all ranks.
  Volume<float> d2 = distributed_squared_edt(own.voxels, nz, steps.w);
  Volume<Code> code_z(d2.shape());
  std::vector<int64_t> own_row_code(static_cast<std::size_t>(nz * ny), 0);
  opening::CodeTally tally;
  for (int64_t zy = 0; zy < sh.own_nz() * ny; ++zy) {
    float* d = d2.data() + zy * nx;
    Code* c = code_z.data() + zy * nx;
    own_row_code[static_cast<std::size_t>(sh.z0 * ny + zy)] = opening::code_row(d, c, nx, tally);
    for (int64_t x = 0; x < nx; ++x) d[x] = static_cast<float>(c[x]);  // exact: codes are integers below 2^16
  }
  const std::vector<Code> row_code = whole_rows<Code>(own_row_code);
  // Non-negative floats order as their bit patterns: the maximum over ranks is taken on those.
  uint32_t largest_bits = 0;
  std::memcpy(&largest_bits, &tally.largest, sizeof tally.largest);
  std::vector<int64_t> phase_voxels{tally.phase_voxels}, maxima{tally.unbounded ? 1 : 0, static_cast<int64_t>(largest_bits)};
  world_sum(phase_voxels);
  world_max(maxima);
  largest_bits = static_cast<uint32_t>(maxima[1]);
  float largest = 0;
  std::memcpy(&largest, &largest_bits, sizeof largest);
  const bool unbounded = maxima[0] != 0;
  // The codes on the y slab too, for the z pass (transposed as floats, exact).
  std::vector<Code> code_y;
  {
    const std::vector<float> codes = z_slab_to_y_slab(d2, nz);
    code_y.assign(codes.begin(), codes.end());
  }

  StreamedGranulometry out;
  GranulometryResult& r = out.result;
  r.phase_voxels = phase_voxels[0];
  const bool with_map = params.granulometry.local_thickness;
  std::vector<float> map_y;
  if (with_map) map_y.assign(code_y.size(), 0.0f);
  const int64_t last = opening::last_radius_index(params.granulometry, steps.step, largest, unbounded);
  for (int64_t i = 1; i <= last; ++i) {
    const float thickness = static_cast<float>(2.0 * static_cast<double>(i) * steps.step);
    const int64_t kept = open_radius(sh, steps.w, code_z, code_y, row_code, i, opening::squared_threshold(i),
                                     with_map ? &map_y : nullptr, thickness);
    opening::add_opening(r, static_cast<double>(i) * steps.step, kept);
    if (kept == 0) break;
  }
  opening::set_d50(r);
  if (!with_map) return out;

  // The map back on the z slabs; rank 0 writes it in z order and sums it in raster order (0 outside the
  // phase adds nothing), as the in-core localthickness does.
  const NonzeroFigures figures = write_slabs_on_root(y_slab_to_z_slab(map_y, shape), params.local_thickness_output, shape, s);
  out.thickness_sum_um = figures.sum;
  out.thickness_max_um = figures.max;
  return out;
}

}  // namespace emorph
