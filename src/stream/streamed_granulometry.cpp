// Streamed granulometry by ball openings (Matheron 1975; Coeurjolly & Montanvert 2007, as
// measure/granulometry.cpp): squared EDT -> per-voxel codes in a scratch store -> then either
// - windows (when a window fits the budget): z slabs of core slices with a halo of the largest
//   radius's z reach on each side, read once (the halo slices are kept from window to window), all
//   radii opened in core on the window and only the core's voxels counted; exact, since the opening
//   of a voxel depends only on the codes of the centres within the ball's reach of it;
// - or stores (the fallback): per radius, x/y passes on z slabs into a second store and the z pass on
//   y slabs read back from it (12 bytes of scratch I/O per voxel and radius).
#include "emorph/stream/streamed_granulometry.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <vector>

#include <omp.h>

#include "emorph/io/scratch_store.hpp"
#include "emorph/io/stream.hpp"
#include "emorph/stream/streamed_edt.hpp"
#include "measure/opening_passes.hpp"
#include "slab_masks.hpp"

namespace emorph {
namespace {

using opening::Code;

// Slabs below this many voxels run on one thread: at low limits a slab is a slice or a row, and a
// parallel region per slab cost more than it gave (threads spin-waiting for each other on a loaded
// machine: 100 s instead of 0.8 s for a 128^3 granulometry at 2 MiB, docs/benchmarks.md). The passes'
// values do not depend on the thread count.
constexpr int64_t kMinParallelVoxels = int64_t{1} << 17;

// The volume's slabs and the stores the radius passes walk.
struct Walk {
  Shape shape;
  Spacing w;  // squared radius step along each axis
  int64_t slab_z = 1, slab_y = 1;
  ScratchStore* codes = nullptr;    // per voxel its code (opening_passes.hpp), as floats
  ScratchStore* partial = nullptr;  // the x/y passes' sums of the current radius
  ScratchStore* map = nullptr;      // local thickness (um) so far; null without the map
  Progress* progress = nullptr;
  StreamReport* report = nullptr;
  void slab_done() const {
    if (progress) progress->advance();
    if (report) ++report->slabs;
  }
};

// The codes of a box read from the codes store (exact: codes are integers below 2^16).
void read_codes(const Walk& walk, int64_t z0, int64_t z1, int64_t y0, int64_t y1, std::vector<float>& values,
                std::vector<Code>& code) {
  const auto n = static_cast<std::size_t>((z1 - z0) * (y1 - y0) * walk.shape.nx);
  values.resize(n), code.resize(n);
  walk.codes->read(z0, z1, y0, y1, values.data());
  for (std::size_t k = 0; k < n; ++k) code[k] = static_cast<Code>(values[k]);
}

// Voxels of the opening of radius index i; writes `thickness` into the map at them. Float sums
// throughout: they decide every voxel as the in-core uint16 or float passes do (opening_passes.hpp).
int64_t open_radius(const Walk& walk, const std::vector<Code>& row_code, std::vector<uint8_t>& reached, int64_t i,
                    double threshold, float thickness) {
  const int64_t nz = walk.shape.nz, ny = walk.shape.ny, nx = walk.shape.nx, plane = ny * nx;
  auto centre_in = [&](int64_t row0, int64_t row1) {
    return std::any_of(row_code.begin() + row0, row_code.begin() + row1, [&](Code top) { return top > i; });
  };
  if (!centre_in(0, nz * ny)) return 0;
  const std::vector<float> px = opening::parabola<float>(walk.w.dx, opening::reach(walk.w.dx, threshold));
  const std::vector<float> py = opening::parabola<float>(walk.w.dy, opening::reach(walk.w.dy, threshold));
  const std::vector<float> pz = opening::parabola<float>(walk.w.dz, opening::reach(walk.w.dz, threshold));
  const float limit = opening::threshold_limit<float>(threshold);
  std::vector<float> values;
  std::vector<Code> code;

  // x and y passes on z slabs; slabs without a centre flag their rows unreached and write nothing.
  {
    std::vector<float> partial(static_cast<std::size_t>(walk.slab_z * plane));
    for (int64_t z0 = 0; z0 < nz; z0 += walk.slab_z) {
      const int64_t z1 = std::min(nz, z0 + walk.slab_z);
      if (!centre_in(z0 * ny, z1 * ny)) {
        std::fill(reached.begin() + z0 * ny, reached.begin() + z1 * ny, uint8_t{0});
        walk.slab_done();
        continue;
      }
      read_codes(walk, z0, z1, 0, ny, values, code);
#pragma omp parallel if ((z1 - z0) * plane >= kMinParallelVoxels)
      {
        std::vector<float> rows(static_cast<std::size_t>(plane));
#pragma omp for schedule(dynamic, 1)
        for (int64_t z = z0; z < z1; ++z)
          opening::xy_pass_plane(code.data() + (z - z0) * plane, row_code.data() + z * ny, ny, nx, i, px, py, rows.data(),
                                 partial.data() + (z - z0) * plane, reached.data() + z * ny);
      }
      walk.partial->write(z0, z1, 0, ny, partial.data());
      walk.slab_done();
    }
  }
  // z pass on y slabs of whole columns, the opening's voxels and the map.
  int64_t kept = 0;
  std::vector<float> partial(static_cast<std::size_t>(nz * walk.slab_y * nx)), map;
  for (int64_t y0 = 0; y0 < ny; y0 += walk.slab_y) {
    const int64_t y1 = std::min(ny, y0 + walk.slab_y), rows = y1 - y0;
    bool any = false;
    for (int64_t z = 0; z < nz && !any; ++z)
      for (int64_t y = y0; y < y1 && !any; ++y) any = reached[static_cast<std::size_t>(z * ny + y)] != 0;
    if (!any) {
      walk.slab_done();
      continue;
    }
    walk.partial->read(0, nz, y0, y1, partial.data());
    read_codes(walk, 0, nz, y0, y1, values, code);
    if (walk.map) {
      map.resize(partial.size());
      walk.map->read(0, nz, y0, y1, map.data());
    }
#pragma omp parallel reduction(+ : kept) if (nz * rows * nx >= kMinParallelVoxels)
    {
      std::vector<float> acc(static_cast<std::size_t>(nx));
#pragma omp for schedule(dynamic, 1)
      for (int64_t y = y0; y < y1; ++y)
        for (int64_t z = 0; z < nz; ++z) {
          if (row_code[static_cast<std::size_t>(z * ny + y)] == 0) continue;  // no phase voxel
          if (!opening::z_pass_row(partial.data() + (y - y0) * nx, rows * nx, reached.data() + y, ny, nz, z, pz, acc.data(), nx))
            continue;
          const int64_t row = (z * rows + (y - y0)) * nx;
          kept += opening::keep_row(code.data() + row, acc.data(), nx, limit, walk.map ? map.data() + row : nullptr, thickness);
        }
    }
    if (walk.map) walk.map->write(0, nz, y0, y1, map.data());
    walk.slab_done();
  }
  return kept;
}


// Window mode. The plan: core slices per window and the halo (the z reach of the last radius), or
// fits false when a window of at least max(1, halo / 4) core slices does not fit the budget. The x/y
// passes of radius r run on core + 2 r slices per window, so the work grows by at most 1 + halo / core
// (<= 1 + halo / (2 core) over the radii); below a quarter of the halo the stores are the better walk.
struct WindowPlan {
  bool fits = false;
  int64_t core = 0, halo = 0;
  bool small = false;  // uint16 passes (unit weights, every r^2 <= kSmallMax), else float
};

WindowPlan plan_windows(const Shape& shape, const Spacing& w, int64_t last, bool with_map, uint64_t budget) {
  WindowPlan p;
  const int64_t nz = shape.nz, ny = shape.ny, nx = shape.nx, plane = ny * nx;
  p.halo = std::min<int64_t>(nz, opening::reach(w.dz, opening::squared_threshold(last)));
  p.small = w.dz == 1.0 && w.dy == 1.0 && w.dx == 1.0 && last * last <= opening::kSmallMax;
  const uint64_t t = p.small ? 2 : 4, threads = static_cast<uint64_t>(std::max(1, omp_get_max_threads()));
  // Per window slice: its codes, partial sums and reached flags; per core slice: its map; fixed: one
  // slice of floats read from the store, and per thread a plane of x-pass rows and a row of z sums.
  const uint64_t per_slice = static_cast<uint64_t>(plane) * (2 + t) + static_cast<uint64_t>(ny);
  const uint64_t per_core = with_map ? static_cast<uint64_t>(plane) * 4 : 0;
  const uint64_t fixed = static_cast<uint64_t>(plane) * 4 + threads * (static_cast<uint64_t>(plane) + static_cast<uint64_t>(nx)) * t;
  if (budget <= fixed) return p;
  const uint64_t left = budget - fixed;
  int64_t core = 0;
  if (static_cast<uint64_t>(2 * p.halo) * per_slice < left)
    core = static_cast<int64_t>((left - static_cast<uint64_t>(2 * p.halo) * per_slice) / (per_slice + per_core));
  if (static_cast<uint64_t>(nz) * per_slice <= left)  // the window is the whole volume: only the map grows
    core = std::max(core, per_core ? static_cast<int64_t>((left - static_cast<uint64_t>(nz) * per_slice) / per_core) : nz);
  p.core = std::min(core, nz);
  p.fits = p.core >= 1 && (4 * p.core >= p.halo || p.core == nz);
  return p;
}

// One window of `count` slices (global z of its first: lo) with core slices [core0, core1) (window
// indices); codes and row tops of its slices; reached flags per window row.
struct Window {
  int64_t ny = 0, nx = 0, count = 0, core0 = 0, core1 = 0;
  Spacing w;
  const Code* code = nullptr;
  const Code* row_top = nullptr;
  uint8_t* reached = nullptr;
};

// Voxels of the core of the opening of radius index i, as open_radius in core (the same passes: x and
// y on the slices within the z reach of the core, z on the core's rows); writes `thickness` into
// `map` (the core's slices) at them.
template <class T>
int64_t open_window(const Window& v, int64_t i, double threshold, T* partial, float* map, float thickness) {
  const int64_t ny = v.ny, nx = v.nx, plane = ny * nx;
  const int64_t rz = opening::reach(v.w.dz, threshold);
  const int64_t a = std::max<int64_t>(0, v.core0 - rz), b = std::min(v.count, v.core1 + rz);
  if (std::none_of(v.row_top + a * ny, v.row_top + b * ny, [&](Code top) { return top > i; })) return 0;
  const std::vector<T> px = opening::parabola<T>(v.w.dx, opening::reach(v.w.dx, threshold));
  const std::vector<T> py = opening::parabola<T>(v.w.dy, opening::reach(v.w.dy, threshold));
  const std::vector<T> pz = opening::parabola<T>(v.w.dz, rz);
  const T limit = opening::threshold_limit<T>(threshold);
#pragma omp parallel if ((b - a) * plane >= kMinParallelVoxels)
  {
    std::vector<T> rows(static_cast<std::size_t>(plane));
#pragma omp for schedule(dynamic, 1)
    for (int64_t z = a; z < b; ++z)
      opening::xy_pass_plane(v.code + z * plane, v.row_top + z * ny, ny, nx, i, px, py, rows.data(), partial + z * plane,
                             v.reached + z * ny);
  }
  // Rows outside [a, b) keep flags of an earlier radius: the z pass of a core row never reaches them.
  int64_t kept = 0;
#pragma omp parallel reduction(+ : kept) if ((v.core1 - v.core0) * plane >= kMinParallelVoxels)
  {
    std::vector<T> acc(static_cast<std::size_t>(nx));
#pragma omp for schedule(dynamic, 1)
    for (int64_t y = 0; y < ny; ++y)
      for (int64_t z = v.core0; z < v.core1; ++z) {
        if (v.row_top[z * ny + y] == 0) continue;  // no phase voxel
        if (!opening::z_pass_row(partial + y * nx, plane, v.reached + y, ny, v.count, z, pz, acc.data(), nx)) continue;
        kept += opening::keep_row(v.code + (z * ny + y) * nx, acc.data(), nx, limit,
                                  map ? map + ((z - v.core0) * ny + y) * nx : nullptr, thickness);
      }
  }
  return kept;
}

// All radii 1..last on windows of plan.core slices: per radius the openings' voxels summed over the
// windows; the map (when `map_out`) written slab by slab, its sum and largest value gathered in raster
// order. The codes store is read once: the halo slices move down from window to window.
template <class T>
std::vector<int64_t> open_by_windows(const ScratchStore& codes, const Shape& shape, const Spacing& w,
                                     const std::vector<Code>& row_code, const WindowPlan& plan, int64_t last, double step,
                                     SlabWriter* map_out, StreamedGranulometry& out, Progress* progress,
                                     StreamReport* report) {
  const int64_t nz = shape.nz, ny = shape.ny, nx = shape.nx, plane = ny * nx, halo = plan.halo;
  const int64_t most = std::min(nz, plan.core + 2 * halo);
  std::vector<Code> code(static_cast<std::size_t>(most * plane));
  std::vector<T> partial(static_cast<std::size_t>(most * plane));
  std::vector<uint8_t> reached(static_cast<std::size_t>(most * ny));
  std::vector<float> slice(static_cast<std::size_t>(plane)), map;
  std::vector<int64_t> kept(static_cast<std::size_t>(last) + 1, 0);
  int64_t lo = 0, hi = 0;  // global slices [lo, hi) held in `code`
  for (int64_t c0 = 0; c0 < nz; c0 += plan.core) {
    const int64_t c1 = std::min(nz, c0 + plan.core);
    const int64_t new_lo = std::max<int64_t>(0, c0 - halo), new_hi = std::min(nz, c1 + halo);
    // Keep the slices both windows hold, read the rest (codes are integers below 2^16: exact floats).
    std::copy(code.begin() + (new_lo - lo) * plane, code.begin() + (hi - lo) * plane, code.begin());
    for (int64_t z = hi; z < new_hi; ++z) {
      codes.read(z, z + 1, 0, ny, slice.data());
      Code* to = code.data() + (z - new_lo) * plane;
      for (int64_t k = 0; k < plane; ++k) to[k] = static_cast<Code>(slice[static_cast<std::size_t>(k)]);
    }
    lo = new_lo, hi = new_hi;
    const Window v{ny, nx, hi - lo, c0 - lo, c1 - lo, w, code.data(), row_code.data() + lo * ny, reached.data()};
    if (map_out) map.assign(static_cast<std::size_t>((c1 - c0) * plane), 0.0f);
    const Code top = *std::max_element(v.row_top, v.row_top + v.count * ny);
    for (int64_t i = 1; i <= last && i < top; ++i) {  // no centre of radius i in the window: none further
      const float thickness = static_cast<float>(2.0 * static_cast<double>(i) * step);
      kept[static_cast<std::size_t>(i)] +=
          open_window<T>(v, i, opening::squared_threshold(i), partial.data(), map_out ? map.data() : nullptr, thickness);
    }
    if (map_out) {
      for (const float t : map) {
        if (t == 0.0f) continue;
        out.thickness_sum_um += t;
        out.thickness_max_um = std::max(out.thickness_max_um, static_cast<double>(t));
      }
      map_out->write(map.data(), c1 - c0);
    }
    if (progress) progress->advance();
    if (report) ++report->slabs;
  }
  return kept;
}

}  // namespace

StreamedGranulometry streamed_granulometry(const std::string& input, const StreamedGranulometryParams& params,
                                           const ReadOptions& read_options, const StreamParams& stream,
                                           StreamReport* report) {
  const VolumeInfo info = read_info(input);
  const Shape shape = info.shape;
  const Spacing s = read_options.voxel ? *read_options.voxel : info.spacing;
  const opening::Steps steps = opening::opening_steps(s, params.granulometry);
  const bool with_map = params.granulometry.local_thickness;
  const int64_t nz = shape.nz, ny = shape.ny, nx = shape.nx, plane = ny * nx;
  const std::string name = std::filesystem::path(file_part(input)).filename().string();
  // z slabs: the EDT's x/y passes (the file's slices, labels, mask, floats), then codes (float and
  // uint16) and the partial sums; y slabs of whole columns: partial sums, codes and the map.
  const uint64_t z_bytes = std::max<uint64_t>(mask_stream_bytes_per_voxel(info.dtype, true) + 4, 4 + 2 + 4);
  const int64_t slab_z = slab_slices_for_budget(stream.budget_bytes, static_cast<uint64_t>(plane) * z_bytes, 0, nz);
  const uint64_t y_bytes = with_map ? 4 + 4 + 2 + 4 : 4 + 4 + 2;
  const int64_t slab_y = std::clamp<int64_t>(
      static_cast<int64_t>(stream.budget_bytes / std::max<uint64_t>(1, static_cast<uint64_t>(nz * nx) * y_bytes)), 1, ny);
  if (report) report->slab_slices = slab_z, report->halo = 0, report->slabs = 0;

  // The codes, the partial sums and the map: three stores of the volume's size.
  check_scratch_space(params.scratch_dir, scratch_store_bytes(shape) * (with_map ? 3 : 2), params.scratch_option);
  ScratchStore codes(params.scratch_dir, shape, slab_y, params.scratch_option);
  streamed_squared_edt_into(input, params.phase, steps.w, codes, slab_z, slab_y, stream, report);

  // Squared distances -> codes, in place; per row its largest code; the phase's figures.
  std::vector<Code> row_code(static_cast<std::size_t>(nz * ny), 0);
  int64_t phase_voxels = 0;
  bool unbounded = false;
  float largest = 0;
  {
    std::vector<float> d2(static_cast<std::size_t>(slab_z * plane));
    const auto progress = slab_progress(stream.progress, "granulometry codes " + name, slab_z, nz);
    for (int64_t z0 = 0; z0 < nz; z0 += slab_z) {
      const int64_t z1 = std::min(nz, z0 + slab_z);
      codes.read(z0, z1, 0, ny, d2.data());
      for (int64_t zy = z0 * ny; zy < z1 * ny; ++zy) {
        float* d = d2.data() + (zy - z0 * ny) * nx;
        Code top = 0;
        for (int64_t x = 0; x < nx; ++x) {
          bool infinite = false;
          const Code c = opening::code_of(d[x], infinite);
          phase_voxels += c != 0;
          unbounded = unbounded || infinite;
          if (c != 0 && !infinite) largest = std::max(largest, d[x]);
          top = std::max(top, c);
          d[x] = static_cast<float>(c);
        }
        row_code[static_cast<std::size_t>(zy)] = top;
      }
      codes.write(z0, z1, 0, ny, d2.data());
      if (progress) progress->advance();
      if (report) ++report->slabs;
    }
  }

  StreamedGranulometry out;
  out.largest_distance_um =
      unbounded ? std::numeric_limits<double>::infinity() : std::sqrt(static_cast<double>(largest)) * steps.step;
  GranulometryResult& r = out.result;
  r.phase_voxels = phase_voxels;
  if (phase_voxels > 0) {
    const int64_t last = opening::last_radius_index(params.granulometry, steps.step, largest, unbounded);
    const WindowPlan plan = plan_windows(shape, steps.w, last, with_map, stream.budget_bytes);
    if (plan.fits) {
      if (report) report->slab_slices = plan.core, report->halo = plan.halo;
      const int64_t windows = (nz + plan.core - 1) / plan.core;
      const auto progress = stream.progress ? std::make_unique<Progress>("granulometry " + name + " by windows of " +
                                                                             std::to_string(plan.core) + " + 2 x " +
                                                                             std::to_string(plan.halo) + " halo slices",
                                                                         windows)
                                            : std::unique_ptr<Progress>();
      std::unique_ptr<SlabWriter> map_out;
      if (with_map) map_out = open_slab_writer(params.local_thickness_output, VolumeHeader{shape, DType::f32, s});
      const std::vector<int64_t> kept =
          plan.small ? open_by_windows<uint16_t>(codes, shape, steps.w, row_code, plan, last, steps.step, map_out.get(), out,
                                                 progress.get(), report)
                     : open_by_windows<float>(codes, shape, steps.w, row_code, plan, last, steps.step, map_out.get(), out,
                                              progress.get(), report);
      // No centre of radius i anywhere: none of a larger one either (the store walk stops there too).
      for (int64_t i = 1; i <= last; ++i) {
        opening::add_opening(r, static_cast<double>(i) * steps.step, kept[static_cast<std::size_t>(i)]);
        if (kept[static_cast<std::size_t>(i)] == 0) break;
      }
      opening::set_d50(r);
      if (map_out) map_out->commit();
      return out;
    }
  }
  std::optional<ScratchStore> map;
  if (with_map) map.emplace(params.scratch_dir, shape, slab_y, params.scratch_option);  // a new store reads as zeros
  if (phase_voxels > 0) {
    const int64_t last = opening::last_radius_index(params.granulometry, steps.step, largest, unbounded);
    ScratchStore partial(params.scratch_dir, shape, slab_y, params.scratch_option);
    const int64_t slabs_per_radius = (nz + slab_z - 1) / slab_z + (ny + slab_y - 1) / slab_y;
    const auto progress =
        stream.progress ? std::make_unique<Progress>("granulometry " + name + " by radius and slab", last * slabs_per_radius)
                        : std::unique_ptr<Progress>();
    const Walk walk{shape, steps.w, slab_z, slab_y, &codes, &partial, map ? &*map : nullptr, progress.get(), report};
    std::vector<uint8_t> reached(static_cast<std::size_t>(nz * ny));
    for (int64_t i = 1; i <= last; ++i) {
      const float thickness = static_cast<float>(2.0 * static_cast<double>(i) * steps.step);
      const int64_t kept = open_radius(walk, row_code, reached, i, opening::squared_threshold(i), thickness);
      opening::add_opening(r, static_cast<double>(i) * steps.step, kept);
      if (kept == 0) break;
    }
    opening::set_d50(r);
  }
  // The map, its sum and largest value in raster order (0 outside the phase adds nothing).
  if (with_map)
    write_store_by_slabs(*map, params.local_thickness_output, shape, s, slab_z, [&](float* t, int64_t n) {
        for (int64_t k = 0; k < n; ++k) {
          if (t[k] == 0.0f) continue;
          out.thickness_sum_um += t[k];
          out.thickness_max_um = std::max(out.thickness_max_um, static_cast<double>(t[k]));
        }
      }, stream.progress, "local thickness output " + name, report);
  return out;
}

}  // namespace emorph
