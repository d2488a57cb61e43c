#pragma once
// emorph edt over MPI ranks (issue 19): each rank reads its own z slab and runs the x and y passes of
// the exact EDT on it; an all-to-all transpose (MPI_Alltoallv) gives each rank a y slab of whole z
// columns for the z pass, and a second one brings the squared distances back to the z slabs. Rank 0
// writes the output slab by slab in z order and sums the figures in raster order. Every line sees the
// same 1D operations as in core (distance_transform), so the output and the figures are identical.
#include <string>

#include "emorph/io.hpp"
#include "emorph/stream/streamed_edt.hpp"

namespace emorph {

// The squared-distance passes on this rank's z slab (slices [z0, z0 + mask.nz) of a volume of
// `whole` shape; mask.nz may be 0): returns the squared distances of the slab, the same floats as
// squared_distance_transform of the whole mask. Collective: every rank calls it.
Volume<float> distributed_squared_distances(VolumeView<const uint8_t> mask, const Shape& whole, const Spacing& weights);

// emorph edt under several ranks: the results of streamed_edt / the in-core run, the output written by rank 0.
EdtSummary distributed_edt(const std::string& input, const std::string& output, const StreamedEdtParams& params,
                           const ReadOptions& read_options, StreamReport* report = nullptr);

}  // namespace emorph
