// Streamed granulometry by ball openings (Matheron 1975; Coeurjolly & Montanvert 2007, as
// measure/granulometry.cpp): squared EDT -> per-voxel codes in a scratch store -> per radius, x/y
// passes on z slabs into a second store and the z pass on y slabs read back from it.
#include "emorph/stream/streamed_granulometry.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <vector>

#include "emorph/io/scratch_store.hpp"
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
