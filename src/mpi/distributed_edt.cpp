// Distributed exact EDT (Felzenszwalb & Huttenlocher 2012, as measure/edt.cpp): x/y passes on z slabs,
// z pass on y slabs after an MPI_Alltoallv transpose; rank 0 gathers the y slabs in z order to write.
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
#include "slab_transpose.hpp"

namespace emorph {

std::vector<float> distributed_squared_edt(const Volume<uint8_t>& mask_slab, int64_t nz, const Spacing& weights) {
  const int64_t plane = mask_slab.ny() * mask_slab.nx();
  return distributed_squared_edt([&](int64_t z0, int64_t) { return mask_slab.data() + z0 * plane; },
                                 Shape{nz, mask_slab.ny(), mask_slab.nx()}, weights);
}

std::vector<float> distributed_squared_edt(const MaskSlices& mask_slices, const Shape& whole, const Spacing& weights) {
  // x and y passes slice by slice as the rounds of the transpose need them (one slice is a volume of one
  // z: no z pass), then the z pass on the y slab.
  const int64_t nz = whole.nz, plane = whole.ny * whole.nx;
  std::vector<float> y_slab = to_y_slab<float>(whole, [&](int64_t z0, int64_t z1, float* planes) {
    const uint8_t* mask = mask_slices(z0, z1);
    for (int64_t z = z0; z < z1; ++z)
      squared_distance_transform_into(VolumeView<const uint8_t>(mask + (z - z0) * plane, Shape{1, whole.ny, whole.nx}),
                                      weights, VolumeView<float>(planes + (z - z0) * plane, Shape{1, whole.ny, whole.nx}));
  });
  const RankSlab own_y = own_slices(whole.ny);
  if (nz > 1 && own_y.end > own_y.begin)
    squared_distance_z_pass_inplace(VolumeView<float>(y_slab.data(), Shape{nz, own_y.end - own_y.begin, whole.nx}), weights.dz);
  return y_slab;
}

NonzeroFigures write_y_slabs_on_root(const std::vector<float>& y_slab, const std::string& output, const Shape& whole,
                                     const Spacing& spacing) {
  NonzeroFigures figures;
  std::unique_ptr<SlabWriter> writer;
  if (is_root_rank()) writer = open_slab_writer(output, VolumeHeader{whole, DType::f32, spacing});
  const int64_t plane = whole.ny * whole.nx;
  gather_y_slabs_on_root(whole, sizeof(float), y_slab.data(), [&](int64_t z0, int64_t z1, const void* bytes) {
    const auto* v = static_cast<const float*>(bytes);
    for (int64_t i = 0; i < (z1 - z0) * plane; ++i) {
      if (v[i] == 0.0f) continue;
      ++figures.count;
      figures.sum += v[i];
      figures.max = std::max(figures.max, static_cast<double>(v[i]));
    }
    writer->write(bytes, z1 - z0);
  });
  if (writer) writer->commit();
  return figures;
}

EdtSummary distributed_edt(const std::string& input, const std::string& output, const StreamedEdtParams& params,
                           const ReadOptions& read_options, StreamReport* report) {
  const std::optional<uint8_t> phase = params.phase ? std::optional<uint8_t>(params.phase->label) : std::nullopt;
  const OwnSlab<uint8_t> own = own_slab_range(input, "edt");
  const Shape shape = own.info.shape;
  const Spacing s = read_options.voxel ? *read_options.voxel : own.info.spacing;
  for (int a = 0; a < 3; ++a)
    require(std::isfinite(s[a]) && s[a] > 0, "distance transform: voxel size must be positive and finite");
  // The mask is read from the file round by round as the transpose takes its slices, so no rank holds
  // its whole z slab of the mask (1 B per voxel of the slab: 8 MiB of 70 at 256^3, np 2).
  Volume<uint8_t> round;
  int64_t foreground = 0;
  std::vector<float> d = distributed_squared_edt(
      [&](int64_t z0, int64_t z1) {
        round = read_mask_slices(input, phase, own.z0 + z0, own.z0 + z1);
        foreground += std::count(round.begin(), round.end(), uint8_t{1});
        return static_cast<const uint8_t*>(round.data());
      },
      shape, Spacing{s.dz * s.dz, s.dy * s.dy, s.dx * s.dx});
  round = Volume<uint8_t>();
  if (phase) {
    std::vector<int64_t> total{foreground};
    world_sum(total);  // every rank throws alike, none is left waiting; nothing was written yet
    if (total[0] == 0) throw InputError(absent_phase_message(*params.phase, "--phase"));
  }
  for (float& v : d) v = std::sqrt(v);
  if (report) report->slab_slices = own.z1 - own.z0, report->halo = 0, report->slabs = 1;
  // Rank 0 writes the slabs in z order and sums as the in-core run does (raster order, the same doubles;
  // foreground voxels are at least one voxel step away, so the nonzero values are exactly they).
  const NonzeroFigures figures = write_y_slabs_on_root(d, output, shape, s);
  EdtSummary summary;
  summary.foreground_voxels = figures.count;
  summary.sum_distance = figures.sum;
  summary.max_distance = figures.max;
  return summary;
}

}  // namespace emorph
