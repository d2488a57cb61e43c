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

Volume<float> distributed_squared_distances(VolumeView<const uint8_t> mask, const Shape& whole, const Spacing& weights) {
  const int ranks = world_ranks();
  const int64_t ny = whole.ny, nx = whole.nx, plane = ny * nx, own_nz = mask.nz();
  Volume<float> squared(Shape{own_nz, ny, nx});
  // x and y passes, slice by slice (one slice is a volume of one z: no z pass).
  for (int64_t z = 0; z < own_nz; ++z)
    squared_distance_transform_into(VolumeView<const uint8_t>(&mask(z, 0, 0), Shape{1, ny, nx}), weights,
                                    VolumeView<float>(squared.data() + z * plane, Shape{1, ny, nx}));
  if (whole.nz <= 1) return squared;
  // Transpose: the block for rank r is (own z) x (r's y rows) x nx; what arrives from the ranks in
  // order is (every z) x (own y rows) x nx, i.e. the y slab itself.
  const RankSlab own_y = rank_slices(ny, world_rank(), ranks);
  const int64_t own_ny = own_y.end - own_y.begin;
  std::vector<int64_t> z_counts(ranks), y_blocks(ranks), from_ranks(ranks);
  std::vector<float> send(static_cast<std::size_t>(own_nz * plane));
  int64_t packed = 0;
  for (int r = 0; r < ranks; ++r) {
    const RankSlab ys = rank_slices(ny, r, ranks), zs = rank_slices(whole.nz, r, ranks);
    y_blocks[r] = own_nz * (ys.end - ys.begin) * nx;
    from_ranks[r] = (zs.end - zs.begin) * own_ny * nx;
    const int64_t row_floats = (ys.end - ys.begin) * nx;
    for (int64_t z = 0; z < own_nz; ++z, packed += row_floats)
      std::memcpy(send.data() + packed, squared.data() + z * plane + ys.begin * nx, static_cast<std::size_t>(row_floats) * sizeof(float));
  }
  std::vector<float> columns(static_cast<std::size_t>(whole.nz * own_ny * nx));
  world_alltoall(send.data(), y_blocks, columns.data(), from_ranks);
  if (own_ny > 0) squared_distance_z_pass_inplace(VolumeView<float>(columns.data(), Shape{whole.nz, own_ny, nx}), weights.dz);
  // Back: the y slab in z order is already the blocks for ranks 0..N-1; unpack what returns.
  world_alltoall(columns.data(), from_ranks, send.data(), y_blocks);
  columns = std::vector<float>();
  packed = 0;
  for (int r = 0; r < ranks; ++r) {
    const RankSlab ys = rank_slices(ny, r, ranks);
    const int64_t row_floats = (ys.end - ys.begin) * nx;
    for (int64_t z = 0; z < own_nz; ++z, packed += row_floats)
      std::memcpy(squared.data() + z * plane + ys.begin * nx, send.data() + packed, static_cast<std::size_t>(row_floats) * sizeof(float));
  }
  return squared;
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
  Volume<float> d = distributed_squared_distances(own.voxels.view(), shape, Spacing{s.dz * s.dz, s.dy * s.dy, s.dx * s.dx});
  own.voxels = Volume<uint8_t>();
  for (float& v : d) v = std::sqrt(v);
  if (report) report->slab_slices = own.z1 - own.z0, report->halo = 0, report->slabs = 1;
  // Rank 0 writes the slabs in z order and sums as the in-core run does (raster order, the same doubles).
  EdtSummary summary;
  std::unique_ptr<SlabWriter> writer;
  if (is_root_rank()) writer = open_slab_writer(output, VolumeHeader{shape, DType::f32, s});
  world_collect_on_root(d.data(), static_cast<uint64_t>(d.size()) * sizeof(float), [&](const void* bytes, uint64_t size) {
    const auto* v = static_cast<const float*>(bytes);
    const int64_t n = static_cast<int64_t>(size / sizeof(float));
    for (int64_t i = 0; i < n; ++i) {
      if (v[i] == 0.0f) continue;  // foreground voxels are at least one voxel step away
      ++summary.foreground_voxels;
      summary.sum_distance += v[i];
      summary.max_distance = std::max(summary.max_distance, static_cast<double>(v[i]));
    }
    writer->write(bytes, n / (shape.ny * shape.nx));
  });
  if (writer) writer->commit();
  return summary;
}

}  // namespace emorph
