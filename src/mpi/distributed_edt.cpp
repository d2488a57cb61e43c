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

namespace {

// Block sizes of the transpose: this rank's z slices times each rank's y rows (z slab side), and each
// rank's z slices times this rank's y rows (y slab side).
struct TransposeCounts {
  std::vector<int64_t> z_side, y_side;
};
TransposeCounts transpose_counts(int64_t nz, int64_t ny, int64_t nx) {
  const int ranks = world_ranks();
  const RankSlab own_z = rank_slices(nz, world_rank(), ranks), own_y = rank_slices(ny, world_rank(), ranks);
  TransposeCounts c{std::vector<int64_t>(ranks), std::vector<int64_t>(ranks)};
  for (int r = 0; r < ranks; ++r) {
    const RankSlab ys = rank_slices(ny, r, ranks), zs = rank_slices(nz, r, ranks);
    c.z_side[r] = (own_z.end - own_z.begin) * (ys.end - ys.begin) * nx;
    c.y_side[r] = (zs.end - zs.begin) * (own_y.end - own_y.begin) * nx;
  }
  return c;
}

// (own z, r's rows) blocks for ranks 0..N-1 <-> the z slab: pack (to_blocks) or unpack.
void move_blocks(float* blocks, float* slab, int64_t own_nz, int64_t ny, int64_t nx, bool to_blocks) {
  const int ranks = world_ranks();
  int64_t at = 0;
  for (int r = 0; r < ranks; ++r) {
    const RankSlab ys = rank_slices(ny, r, ranks);
    const std::size_t n = static_cast<std::size_t>((ys.end - ys.begin) * nx);
    for (int64_t z = 0; z < own_nz; ++z, at += static_cast<int64_t>(n)) {
      float* in_slab = slab + (z * ny + ys.begin) * nx;
      if (to_blocks)
        std::memcpy(blocks + at, in_slab, n * sizeof(float));
      else
        std::memcpy(in_slab, blocks + at, n * sizeof(float));
    }
  }
}

}  // namespace

std::vector<float> z_slab_to_y_slab(Volume<float>& z_slab, int64_t nz) {
  // What arrives from the ranks in order is (every z) x (own y rows) x nx, i.e. the y slab itself. At
  // most two slab-sized buffers live at a time: each is freed as soon as its content has moved on.
  const int64_t own_nz = z_slab.nz(), ny = z_slab.ny(), nx = z_slab.nx();
  const TransposeCounts counts = transpose_counts(nz, ny, nx);
  std::vector<float> blocks(static_cast<std::size_t>(own_nz * ny * nx));
  move_blocks(blocks.data(), z_slab.data(), own_nz, ny, nx, true);
  z_slab = Volume<float>();
  const RankSlab own_y = own_slices(ny);
  std::vector<float> y_slab(static_cast<std::size_t>(nz * (own_y.end - own_y.begin) * nx));
  world_alltoall(blocks.data(), counts.z_side, y_slab.data(), counts.y_side);
  return y_slab;
}

Volume<float> y_slab_to_z_slab(std::vector<float>& y_slab, const Shape& whole) {
  // The y slab in z order is already the blocks for ranks 0..N-1.
  const TransposeCounts counts = transpose_counts(whole.nz, whole.ny, whole.nx);
  const RankSlab own_z = own_slices(whole.nz);
  const int64_t own_nz = own_z.end - own_z.begin;
  std::vector<float> blocks(static_cast<std::size_t>(own_nz * whole.ny * whole.nx));
  world_alltoall(y_slab.data(), counts.y_side, blocks.data(), counts.z_side);
  y_slab = std::vector<float>();
  Volume<float> z_slab(Shape{own_nz, whole.ny, whole.nx});
  move_blocks(blocks.data(), z_slab.data(), own_nz, whole.ny, whole.nx, false);
  return z_slab;
}

void distributed_z_pass(Volume<float>& squared, int64_t nz, double wz) {
  if (nz <= 1) return;
  const Shape whole{nz, squared.ny(), squared.nx()};
  const RankSlab own_y = own_slices(whole.ny);
  std::vector<float> columns = z_slab_to_y_slab(squared, nz);
  if (own_y.end > own_y.begin)
    squared_distance_z_pass_inplace(VolumeView<float>(columns.data(), Shape{nz, own_y.end - own_y.begin, whole.nx}), wz);
  squared = y_slab_to_z_slab(columns, whole);
}

Volume<float> distributed_squared_edt(Volume<uint8_t>& mask_slab, int64_t nz, const Spacing& weights) {
  // x and y passes, slice by slice (one slice is a volume of one z: no z pass), then the z pass.
  const int64_t ny = mask_slab.ny(), nx = mask_slab.nx(), plane = ny * nx;
  Volume<float> d(Shape{mask_slab.nz(), ny, nx});
  for (int64_t z = 0; z < d.nz(); ++z)
    squared_distance_transform_into(VolumeView<const uint8_t>(mask_slab.data() + z * plane, Shape{1, ny, nx}), weights,
                                    VolumeView<float>(d.data() + z * plane, Shape{1, ny, nx}));
  mask_slab = Volume<uint8_t>();
  distributed_z_pass(d, nz, weights.dz);
  return d;
}

NonzeroFigures write_slabs_on_root(const Volume<float>& slab, const std::string& output, const Shape& whole,
                                   const Spacing& spacing) {
  const int64_t plane = whole.ny * whole.nx;
  NonzeroFigures figures;
  std::unique_ptr<SlabWriter> writer;
  if (is_root_rank()) writer = open_slab_writer(output, VolumeHeader{whole, DType::f32, spacing});
  world_collect_on_root(slab.data(), static_cast<uint64_t>(slab.size()) * sizeof(float), plane * sizeof(float),
                        [&](const void* bytes, uint64_t size) {
                          const auto* v = static_cast<const float*>(bytes);
                          const int64_t n = static_cast<int64_t>(size / sizeof(float));
                          for (int64_t i = 0; i < n; ++i) {
                            if (v[i] == 0.0f) continue;
                            ++figures.count;
                            figures.sum += v[i];
                            figures.max = std::max(figures.max, static_cast<double>(v[i]));
                          }
                          writer->write(bytes, n / plane);
                        });
  if (writer) writer->commit();
  return figures;
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
  Volume<float> d = distributed_squared_edt(own.voxels, shape.nz, Spacing{s.dz * s.dz, s.dy * s.dy, s.dx * s.dx});
  for (float& v : d) v = std::sqrt(v);
  if (report) report->slab_slices = own.z1 - own.z0, report->halo = 0, report->slabs = 1;
  // Rank 0 writes the slabs in z order and sums as the in-core run does (raster order, the same doubles;
  // foreground voxels are at least one voxel step away, so the nonzero values are exactly they).
  const NonzeroFigures figures = write_slabs_on_root(d, output, shape, s);
  EdtSummary summary;
  summary.foreground_voxels = figures.count;
  summary.sum_distance = figures.sum;
  summary.max_distance = figures.max;
  return summary;
}

}  // namespace emorph
