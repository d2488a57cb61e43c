// Distributed granulometry by ball openings (Matheron 1975; Coeurjolly & Montanvert 2007, as
// measure/granulometry.cpp): distributed squared EDT -> codes -> per radius, x/y passes on z slabs and
// the z pass on y slabs after an MPI_Alltoallv transpose in rounds of slices.
#include "emorph/mpi/distributed_granulometry.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "emorph/measure/edt.hpp"
#include "emorph/measure/phase_selection.hpp"
#include "emorph/mpi/distributed_edt.hpp"
#include "emorph/mpi/exchange.hpp"
#include "emorph/mpi/world.hpp"
#include "emorph/parallel.hpp"
#include "measure/opening_passes.hpp"
#include "own_slab.hpp"
#include "slab_transpose.hpp"

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

template <class T>
void release(std::vector<T>& v) {
  std::vector<T>().swap(v);
}

// The codes on the y slab and the whole volume's largest code per row (every rank's copy alike).
struct Codes {
  std::vector<Code> y_slab, row_top;
};

// Voxels of the opening of radius index i over all ranks; writes i into the y-slab map of radius
// indices (if any). `partial_y` (one T per y-slab voxel) receives the passes' partial sums: in uint16 or
// float as the in-core granulometry picks them, so each voxel is decided alike.
template <class T, class M>
int64_t open_radius(const Share& sh, const Spacing& w, const Codes& codes, int64_t i, double threshold,
                    std::vector<T>& partial_y, std::vector<M>* map_y) {
  const int64_t nz = sh.whole.nz, ny = sh.whole.ny, nx = sh.whole.nx, plane = ny * nx;
  const std::vector<Code>& row_code = codes.row_top;
  // row_code is the whole volume's on every rank: all ranks take the same branches around collectives.
  if (std::none_of(row_code.begin(), row_code.end(), [&](Code top) { return top > i; })) return 0;
  const std::vector<T> px = opening::parabola<T>(w.dx, opening::reach(w.dx, threshold));
  const std::vector<T> py = opening::parabola<T>(w.dy, opening::reach(w.dy, threshold));
  const std::vector<T> pz = opening::parabola<T>(w.dz, opening::reach(w.dz, threshold));
  const T limit = opening::threshold_limit<T>(threshold);
  const int64_t rows = sh.own_ny();

  // The x pass on the y slab (whole x rows), the y pass on the z slab's planes round by round, back in
  // place on the y slab.
#pragma omp parallel for schedule(static)
  for (int64_t z = 0; z < nz; ++z)
    for (int64_t y = sh.y0; y < sh.y1; ++y) {
      const int64_t row = (z * rows + (y - sh.y0)) * nx;
      if (row_code[static_cast<std::size_t>(z * ny + y)] > i)
        opening::row_distance(codes.y_slab.data() + row, partial_y.data() + row, nx, i, px);
    }
  std::vector<uint8_t> reached_own(static_cast<std::size_t>(sh.own_nz() * ny), 0);
  transform_on_z_slab(sh.whole, sizeof(T), partial_y.data(), [&](int64_t z0, int64_t z1, const void* in, void* out) {
#pragma omp parallel for schedule(dynamic, 1)
    for (int64_t z = z0; z < z1; ++z)
      opening::y_pass_plane(static_cast<const T*>(in) + (z - z0) * plane, row_code.data() + (sh.z0 + z) * ny, ny, nx, i, py,
                            static_cast<T*>(out) + (z - z0) * plane, reached_own.data() + z * ny);
  });
  std::vector<int64_t> reached_rows(static_cast<std::size_t>(nz * ny), 0);
  std::copy(reached_own.begin(), reached_own.end(), reached_rows.begin() + sh.z0 * ny);
  const std::vector<uint8_t> reached = whole_rows<uint8_t>(reached_rows);

  // z pass on the own y slab of whole columns, the opening's voxels and the map.
  const M index = static_cast<M>(i);  // M holds the last radius index
  int64_t kept = 0;
#pragma omp parallel reduction(+ : kept)
  {
    std::vector<T> acc(static_cast<std::size_t>(nx));
#pragma omp for schedule(dynamic, 1)
    for (int64_t y = sh.y0; y < sh.y1; ++y)
      for (int64_t z = 0; z < nz; ++z) {
        if (row_code[static_cast<std::size_t>(z * ny + y)] == 0) continue;  // no phase voxel
        if (!opening::z_pass_row(partial_y.data() + (y - sh.y0) * nx, rows * nx, reached.data() + y, ny, nz, z, pz, acc.data(), nx))
          continue;
        const int64_t row = (z * rows + (y - sh.y0)) * nx;
        kept += opening::keep_row(codes.y_slab.data() + row, acc.data(), nx, limit, map_y ? map_y->data() + row : nullptr, index);
      }
  }
  std::vector<int64_t> total{kept};
  world_sum(total);
  return total[0];
}

// The openings of radius indices 1..last into r (the codes are released at the end); with a map, its
// thickness on the y slab (the in-core run's float of each radius index) into thickness_y.
template <class M>
void open_all(const Share& sh, const opening::Steps& steps, Codes& codes, int64_t last, bool with_map, GranulometryResult& r,
              std::vector<float>& thickness_y) {
  std::vector<M> map_y;  // radius index of the last opening that kept the voxel (0: none)
  if (with_map) map_y.assign(codes.y_slab.size(), 0);
  const bool unit_weights = steps.w.dz == 1.0 && steps.w.dy == 1.0 && steps.w.dx == 1.0;
  std::vector<uint16_t> small_partial;  // scratch of the integer passes
  std::vector<float> float_partial;     // scratch of the float passes, allocated only when needed
  for (int64_t i = 1; i <= last; ++i) {
    const double threshold = opening::squared_threshold(i);
    int64_t kept = 0;
    if (unit_weights && i * i <= opening::kSmallMax) {
      small_partial.resize(codes.y_slab.size());
      kept = open_radius<uint16_t, M>(sh, steps.w, codes, i, threshold, small_partial, with_map ? &map_y : nullptr);
    } else {
      release(small_partial);
      float_partial.resize(codes.y_slab.size());
      kept = open_radius<float, M>(sh, steps.w, codes, i, threshold, float_partial, with_map ? &map_y : nullptr);
    }
    opening::add_opening(r, static_cast<double>(i) * steps.step, kept);
    if (kept == 0) break;
  }
  codes = Codes();
  release(small_partial), release(float_partial);
  if (!with_map) return;
  thickness_y.resize(map_y.size());
  for (std::size_t k = 0; k < map_y.size(); ++k)
    thickness_y[k] = map_y[k] == 0 ? 0.0f : static_cast<float>(2.0 * static_cast<double>(map_y[k]) * steps.step);
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

  // Squared EDT (x/y passes on the z slab, the z pass on the y slab), then per voxel of the y slab its
  // code and per row its largest code; the phase's figures over all ranks.
  Codes codes;
  std::vector<int64_t> own_row_code(static_cast<std::size_t>(nz * ny), 0);
  opening::CodeTally tally;
  {
    std::vector<float> d2 = distributed_squared_edt(own.voxels, nz, steps.w);
    own.voxels = Volume<uint8_t>();
    codes.y_slab.resize(d2.size());
    for (int64_t z = 0; z < nz; ++z)
      for (int64_t y = sh.y0; y < sh.y1; ++y) {
        const int64_t row = (z * sh.own_ny() + (y - sh.y0)) * nx;
        own_row_code[static_cast<std::size_t>(z * ny + y)] = opening::code_row(d2.data() + row, codes.y_slab.data() + row, nx, tally);
      }
  }
  codes.row_top = whole_rows<Code>(own_row_code);
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

  StreamedGranulometry out;
  out.result.phase_voxels = phase_voxels[0];
  const int64_t last = opening::last_radius_index(params.granulometry, steps.step, largest, unbounded);
  std::vector<float> thickness_y;
  // The map's radius indices in one byte where they fit (most runs), else two (codes are uint16).
  if (last <= 255)
    open_all<uint8_t>(sh, steps, codes, last, params.granulometry.local_thickness, out.result, thickness_y);
  else
    open_all<Code>(sh, steps, codes, last, params.granulometry.local_thickness, out.result, thickness_y);
  opening::set_d50(out.result);
  if (!params.granulometry.local_thickness) return out;

  // Rank 0 gathers the map in z order, writes it and sums it in raster order (0 outside the phase adds
  // nothing), as the in-core localthickness does.
  const NonzeroFigures figures = write_y_slabs_on_root(thickness_y, params.local_thickness_output, shape, s);
  out.thickness_sum_um = figures.sum;
  out.thickness_max_um = figures.max;
  return out;
}

}  // namespace emorph
