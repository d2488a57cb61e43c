#pragma once
// emorph granulometry and localthickness over MPI ranks (issue 19): the openings of the in-core
// granulometry (measure/opening_passes.hpp: every voxel decided by the same arithmetic as the in-core
// run, uint16 passes where it takes them, float otherwise), with each rank holding its own slabs. The
// squared EDT is the distributed one (x/y passes on the z slab, z pass on the y slab after the
// transpose), and the codes are made and kept on the y slab of whole x rows and z columns. Per radius,
// the x pass runs on the y slab, the y pass on the z slab's planes round by round (all-to-all there and
// back, slab_transpose.hpp), the z pass on the y slab again, so no halo of the largest radius is ever
// exchanged. Opening counts are summed over the ranks; the map, when asked, is kept on the y slab as
// radius indices and gathered by rank 0 in z order, which writes it and sums it in raster order. The
// distribution, d50 and the map are therefore identical to one process. Memory per rank: 5 bytes per
// voxel of its slab with the uint16 passes and up to 255 radii (codes, map indices, partial sums, all
// on the y slab), 7 with the float ones, one more past 255 radii, three rounds of a few slices and
// tables of a few values per x row of the whole volume (nz x ny: largest codes, reached flags); against
// about 12 bytes per voxel of the whole volume in one process.
#include <string>

#include "emorph/io.hpp"
#include "emorph/stream/streamed_granulometry.hpp"

namespace emorph {

// params.scratch_dir is not used (nothing goes to scratch); rank 0 writes params.local_thickness_output
// when params.granulometry.local_thickness is set. Throws InputError when the phase has no voxel.
StreamedGranulometry distributed_granulometry(const std::string& input, const StreamedGranulometryParams& params,
                                              const ReadOptions& read_options, StreamReport* report = nullptr);

}  // namespace emorph
