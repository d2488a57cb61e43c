// Distributed exact EDT (Felzenszwalb & Huttenlocher 2012, as measure/edt.cpp): x/y passes on z slabs,
// z pass on y slabs after an MPI_Alltoallv transpose, and back.
#include "emorph/mpi/distributed_edt.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "emorph/measure/edt.hpp"
#include "emorph/measure/phase_selection.hpp"
#include "emorph/mpi/exchange.hpp"
#include "emorph/mpi/world.hpp"
#include "emorph/parallel.hpp"
#include "own_slab.hpp"

namespace emorph {

void distributed_z_pass(Volume<float>& squared, int64_t nz, double wz) {
  if (nz <= 1) return;
  const int ranks = world_ranks();
  const int64_t ny = squared.ny(), nx = squared.nx(), plane = ny * nx, own_nz = squared.nz();
  // Transpose: the block for rank r is (own z) x (r's y rows) x nx; what arrives from the ranks in
  // order is (every z) x (own y rows) x nx, i.e. the y slab itself. At most two slab-sized buffers
  // live at a time: each is freed as soon as its content has moved on.
  const RankSlab own_y = rank_slices(ny, world_rank(), ranks);
  const int64_t own_ny = own_y.end - own_y.begin;
  std::vector<int64_t> to_ranks(ranks), from_ranks(ranks);
  for (int r = 0; r < ranks; ++r) {
    const RankSlab ys = rank_slices(ny, r, ranks), zs = rank_slices(nz, r, ranks);
    to_ranks[r] = own_nz * (ys.end - ys.begin) * nx;
    from_ranks[r] = (zs.end - zs.begin) * own_ny * nx;
  }
  // (own z, r's rows) blocks <-> the z slab, in rank order: pack (to_blocks) or unpack.
  auto move_blocks = [&](float* blocks, float* slab, bool to_blocks) {
    int64_t at = 0;
    for (int r = 0; r < ranks; ++r) {
      const RankSlab ys = rank_slices(ny, r, ranks);
      const std::size_t n = static_cast<std::size_t>((ys.end - ys.begin) * nx);
      for (int64_t z = 0; z < own_nz; ++z, at += static_cast<int64_t>(n)) {
        float* in_slab = slab + z * plane + ys.begin * nx;
        if (to_blocks)
          std::memcpy(blocks + at, in_slab, n * sizeof(float));
        else
          std::memcpy(in_slab, blocks + at, n * sizeof(float));
      }
    }
  };
  std::vector<float> blocks(static_cast<std::size_t>(own_nz * plane));
  move_blocks(blocks.data(), squared.data(), true);
  squared = Volume<float>();
  std::vector<float> columns(static_cast<std::size_t>(nz * own_ny * nx));
  world_alltoall(blocks.data(), to_ranks, columns.data(), from_ranks);
  blocks = std::vector<float>();
  if (own_ny > 0) squared_distance_z_pass_inplace(VolumeView<float>(columns.data(), Shape{nz, own_ny, nx}), wz);
  // Back: the y slab in z order is already the blocks for ranks 0..N-1.
  blocks.resize(static_cast<std::size_t>(own_nz * plane));
  world_alltoall(columns.data(), from_ranks, blocks.data(), to_ranks);
  columns = std::vector<float>();
  squared = Volume<float>(Shape{own_nz, ny, nx});
  move_blocks(blocks.data(), squared.data(), false);
}

EdtSummary distributed_edt(const std::string& input, const std::string& output, const StreamedEdtParams& params,
                           const ReadOptions& read_options, StreamReport* report) {
  const std::optional<uint8_t> phase = params.phase ? std::optional<uint8_t>(params.phase->label) : std::nullopt;
  OwnSlab<uint8_t> own = read_own_slab_mask(input, phase, "edt");
  const Shape shape = own.info.shape;
  const Spacing s = read_options.voxel ? *read_options.voxel : own.info.spacing;
  for (int a = 0; a < 3; ++a)
    require(std::isfinite(s[a]) && s[a] > 0, "distance transform: voxel size must be positive and finite");
  if (phase) {
    std::vector<int64_t> foreground{static_cast<int64_t>(std::count(own.voxels.begin(), own.voxels.end(), uint8_t{1}))};
    world_sum(foreground);  // every rank throws alike, none is left waiting
    if (foreground[0] == 0) throw InputError(absent_phase_message(*params.phase, "--phase"));
  }
  // x and y passes, slice by slice (one slice is a volume of one z: no z pass), then the z pass.
  const Spacing weights{s.dz * s.dz, s.dy * s.dy, s.dx * s.dx};
  const int64_t plane = shape.ny * shape.nx;
  Volume<float> d(Shape{own.z1 - own.z0, shape.ny, shape.nx});
  for (int64_t z = 0; z < d.nz(); ++z)
    squared_distance_transform_into(VolumeView<const uint8_t>(own.voxels.data() + z * plane, Shape{1, shape.ny, shape.nx}),
                                    weights, VolumeView<float>(d.data() + z * plane, Shape{1, shape.ny, shape.nx}));
  own.voxels = Volume<uint8_t>();
  distributed_z_pass(d, shape.nz, weights.dz);
  for (float& v : d) v = std::sqrt(v);
  if (report) report->slab_slices = own.z1 - own.z0, report->halo = 0, report->slabs = 1;
  // Rank 0 writes the slabs in z order and sums as the in-core run does (raster order, the same doubles).
  EdtSummary summary;
  std::unique_ptr<SlabWriter> writer;
  if (is_root_rank()) writer = open_slab_writer(output, VolumeHeader{shape, DType::f32, s});
  world_collect_on_root(d.data(), static_cast<uint64_t>(d.size()) * sizeof(float), plane * sizeof(float), [&](const void* bytes, uint64_t size) {
    const auto* v = static_cast<const float*>(bytes);
    const int64_t n = static_cast<int64_t>(size / sizeof(float));
    for (int64_t i = 0; i < n; ++i) {
      if (v[i] == 0.0f) continue;  // foreground voxels are at least one voxel step away
      ++summary.foreground_voxels;
      summary.sum_distance += v[i];
      summary.max_distance = std::max(summary.max_distance, static_cast<double>(v[i]));
    }
    writer->write(bytes, n / plane);
  });
  if (writer) writer->commit();
  return summary;
}

}  // namespace emorph
