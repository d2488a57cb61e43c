// Streamed exact EDT: x/y passes per slice on z slabs -> row-block scratch store -> z pass on y slabs
// (in place) -> square roots on z slabs -> output (Felzenszwalb & Huttenlocher 2012, as edt.cpp).
#include "emorph/stream/streamed_edt.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>
#include <vector>

#include "emorph/io/scratch_store.hpp"
#include "emorph/measure/edt.hpp"
#include "emorph/measure/phase_selection.hpp"
#include "emorph/progress.hpp"
#include "slab_masks.hpp"

namespace emorph {

void streamed_squared_edt_into(const std::string& input, const std::optional<Phase>& phase_option, const Spacing& weights,
                               ScratchStore& store, int64_t slab_z, int64_t slab_y, const StreamParams& stream,
                               StreamReport* report) {
  const Shape shape = read_info(input).shape;
  const int64_t plane = shape.ny * shape.nx;
  const std::string name = std::filesystem::path(file_part(input)).filename().string();
  const std::optional<uint8_t> phase = phase_option ? std::optional<uint8_t>(phase_option->label) : std::nullopt;
  // x and y passes, slice by slice.
  {
    SlabStream in = open_mask_stream(input, slab_z, phase,
                                     stream.progress ? "edt x/y passes " + name + " by slabs of " + std::to_string(slab_z) : "");
    std::vector<uint8_t> mask;
    std::vector<float> squared;
    int64_t foreground = 0;
    while (in.next()) {
      slab_mask(in, phase, mask);
      const int64_t n = in.end_slice() - in.first_slice();
      squared.resize(static_cast<std::size_t>(n * plane));
      // One parallel region per slab, slices shared out (the per-slice regions inside then run on one
      // thread): many small regions cost more than they give, above all when threads must spin-wait for
      // each other on a loaded machine. Each slice's values do not depend on the thread.
#pragma omp parallel for schedule(dynamic, 1) if (n > 1)
      for (int64_t z = 0; z < n; ++z) {
        const VolumeView<const uint8_t> m(mask.data() + z * plane, Shape{1, shape.ny, shape.nx});
        squared_distance_transform_into(m, weights, VolumeView<float>(squared.data() + z * plane, Shape{1, shape.ny, shape.nx}));
      }
      if (phase) foreground += std::count(mask.begin(), mask.end(), uint8_t{1});
      store.write(in.first_slice(), in.end_slice(), 0, shape.ny, squared.data());
    }
    if (report) report->slabs += in.slabs_read();
    if (phase && foreground == 0) throw InputError(absent_phase_message(*phase_option, "--phase"));
  }
  // z pass on y slabs, written back in place.
  if (shape.nz > 1) {
    std::vector<float> columns(static_cast<std::size_t>(shape.nz * slab_y * shape.nx));
    const auto progress = slab_progress(stream.progress, "edt z pass " + name, slab_y, shape.ny);
    for (int64_t y0 = 0; y0 < shape.ny; y0 += slab_y) {
      const int64_t y1 = std::min(shape.ny, y0 + slab_y);
      store.read(0, shape.nz, y0, y1, columns.data());
      squared_distance_z_pass_inplace(VolumeView<float>(columns.data(), Shape{shape.nz, y1 - y0, shape.nx}), weights.dz);
      store.write(0, shape.nz, y0, y1, columns.data());
      if (progress) progress->advance();
      if (report) ++report->slabs;
    }
  }
}

EdtSummary streamed_edt(const std::string& input, const std::string& output, const StreamedEdtParams& params,
                        const ReadOptions& read_options, const StreamParams& stream, StreamReport* report) {
  const VolumeInfo info = read_info(input);
  const Shape shape = info.shape;
  const Spacing s = read_options.voxel ? *read_options.voxel : info.spacing;
  for (int a = 0; a < 3; ++a)
    require(std::isfinite(s[a]) && s[a] > 0, "distance transform: voxel size must be positive and finite");
  const int64_t plane = shape.ny * shape.nx;
  const std::string name = std::filesystem::path(file_part(input)).filename().string();
  // z slabs: the file's slices, the mask and the squared distances; y slabs: whole z columns of floats.
  const int64_t slab_z = slab_slices_for_budget(
      stream.budget_bytes, static_cast<uint64_t>(plane) * (mask_stream_bytes_per_voxel(info.dtype, params.phase.has_value()) + 4), 0,
      shape.nz);
  const int64_t slab_y = std::clamp<int64_t>(
      static_cast<int64_t>(stream.budget_bytes / std::max<uint64_t>(1, static_cast<uint64_t>(shape.nz * shape.nx) * 4)), 1,
      shape.ny);
  if (report) report->slab_slices = slab_z, report->halo = 0, report->slabs = 0;
  ScratchStore store(params.scratch_dir, shape, slab_y, params.scratch_option);
  streamed_squared_edt_into(input, params.phase, Spacing{s.dz * s.dz, s.dy * s.dy, s.dx * s.dx}, store, slab_z, slab_y, stream,
                            report);
  // Square roots, the figures in raster order, and the output.
  EdtSummary summary;
  write_store_by_slabs(store, output, shape, s, slab_z, [&](float* d, int64_t n) {
      for (int64_t i = 0; i < n; ++i) {
        float& v = d[i];
        v = std::sqrt(v);
        // Foreground voxels are at least one voxel step away: d > 0 exactly where the mask is set.
        if (v == 0.0f) continue;
        ++summary.foreground_voxels;
        summary.sum_distance += v;
        summary.max_distance = std::max(summary.max_distance, static_cast<double>(v));
      }
    }, stream.progress, "edt output " + name, report);
  return summary;
}

}  // namespace emorph
