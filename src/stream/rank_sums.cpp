// Tallies of z slabs summed over MPI ranks (emorph/mpi/world.hpp); a rank that walked no slice holds
// empty tables and contributes zeros.
#include "rank_sums.hpp"

#include <algorithm>

#include "emorph/mpi/world.hpp"
#include "emorph/parallel.hpp"

namespace emorph {

void restrict_to_own_slices(SlabStreamParams& params, bool distributed, int64_t nz) {
  if (!distributed) return;
  const RankSlab own = own_slices(nz);
  params.z_begin = own.begin;
  params.z_end = own.end;
  params.slab_slices = std::clamp<int64_t>(own.end - own.begin, 1, params.slab_slices);  // no buffer beyond the share
}

void sum_over_ranks(SliceLabelCounts& counts, const Shape& shape, int axis) {
  if (world_ranks() == 1) return;
  SliceLabelCounts whole;
  whole.axis = axis;
  whole.slices = shape[axis];
  whole.voxels_per_slice = shape.voxels() / whole.slices;
  whole.num_labels = static_cast<int>(world_max(counts.num_labels));
  whole.counts.assign(static_cast<std::size_t>(whole.slices * whole.num_labels), 0);
  for (int64_t s = 0; s < counts.slices; ++s)
    for (int l = 0; l < counts.num_labels; ++l)
      whole.counts[static_cast<std::size_t>(s * whole.num_labels + l)] = counts.at(s, l);
  world_sum(whole.counts);
  counts = std::move(whole);
}

void sum_over_ranks(SurfaceCrossingTally& tally) {
  if (world_ranks() == 1) return;
  const std::size_t old_l = static_cast<std::size_t>(tally.num_labels);
  const std::size_t new_l = static_cast<std::size_t>(world_max(tally.num_labels));
  const std::size_t directions =
      static_cast<std::size_t>(world_max(old_l > 0 ? static_cast<int64_t>(tally.pairs.size() / (old_l * old_l)) : 0));
  std::vector<int64_t> pairs(directions * new_l * new_l, 0), voxels(new_l, 0);
  for (std::size_t d = 0; d < directions && old_l > 0; ++d)
    for (std::size_t a = 0; a < old_l; ++a)
      for (std::size_t b = 0; b < old_l; ++b) pairs[d * new_l * new_l + a * new_l + b] = tally.pairs[d * old_l * old_l + a * old_l + b];
  for (std::size_t a = 0; a < old_l; ++a) voxels[a] = tally.voxels[a];
  world_sum(pairs);
  world_sum(voxels);
  tally.num_labels = static_cast<int>(new_l);
  tally.pairs = std::move(pairs);
  tally.voxels = std::move(voxels);
}

void sum_over_ranks(GreyProfileSums& sums, const Shape& shape, int axis) {
  if (world_ranks() == 1) return;
  const std::size_t n = static_cast<std::size_t>(shape[axis]);
  sums.axis = axis;
  sums.sums.resize(n, 0.0);
  sums.voxels.resize(n, 0);
  world_sum(sums.sums);
  world_sum(sums.voxels);
}

void sum_over_ranks(std::vector<int64_t>& value_counts, std::size_t values) {
  if (world_ranks() == 1) return;
  value_counts.resize(values, 0);
  world_sum(value_counts);
}

}  // namespace emorph
