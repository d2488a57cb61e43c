#pragma once
// emorph granulometry and localthickness over MPI ranks (issue 19): the openings of the in-core
// granulometry (measure/opening_passes.hpp: every voxel decided by the same float arithmetic as the
// streamed run, which decides as the in-core one), with each rank holding its own z slab. The squared
// EDT is the distributed one (x/y passes on the z slab, z pass after the transpose); per radius, the
// x and y passes of the ball dilation run on the z slab and the z pass on the rank's y slab of whole z
// columns after the same all-to-all transpose, so no halo of the largest radius is ever exchanged.
// Opening counts are summed over the ranks; the map, when asked, is kept on the y slabs, brought back
// to z slabs at the end and written by rank 0, which sums it in raster order. The distribution, d50 and
// the map are therefore identical to one process. Memory per rank: about 20 bytes per voxel of its
// slab (codes on both slabs, the partial sums and their transpose, the map) and 9 bytes per z row of
// the whole volume (largest codes and reached flags).
#include <string>

#include "emorph/io.hpp"
#include "emorph/stream/streamed_granulometry.hpp"

namespace emorph {

// params.scratch_dir is not used (nothing goes to scratch); rank 0 writes params.local_thickness_output
// when params.granulometry.local_thickness is set. Throws InputError when the phase has no voxel.
StreamedGranulometry distributed_granulometry(const std::string& input, const StreamedGranulometryParams& params,
                                              const ReadOptions& read_options, StreamReport* report = nullptr);

}  // namespace emorph
