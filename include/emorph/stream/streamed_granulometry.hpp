#pragma once
// emorph granulometry and localthickness streamed under a memory budget (docs/streaming.md): the same
// openings with balls of growing radius as granulometry() in core, with every voxel decided by the same
// arithmetic (measure/opening_passes.hpp), so the distribution and the local-thickness map are
// identical. The squared EDT goes to a scratch store (streamed_squared_edt_into) and is
// turned into per-voxel codes there. Then, when a window of core slices plus a halo of the largest
// radius's z reach on each side fits the budget (with at least a quarter as many core slices as halo),
// windows: z slabs whose codes are read once (halo slices kept from one window to the next), all radii
// opened on the window and the core's voxels counted, the map written slab by slab; the report says
// so with halo > 0 and the core slices as slab_slices. Otherwise stores: per radius, the x and y passes
// run plane by plane on z slabs into a second store, the z pass on y slabs of whole z columns read back
// from it (pi2's split of a separable pass, so no halo of the largest radius is ever held); the map,
// when asked, is updated in a third store and written by z slabs at the end.
#include <cstdint>
#include <string>

#include "emorph/io.hpp"
#include "emorph/measure/granulometry.hpp"
#include "emorph/phase_table.hpp"
#include "emorph/stream/streamed_measures.hpp"

namespace emorph {

struct StreamedGranulometryParams {
  Phase phase;                        // the phase opened (uint8 labels)
  GranulometryParams granulometry;    // radii; local_thickness: write the map to `local_thickness_output`
  std::string local_thickness_output;
  std::string scratch_dir;            // folder of the scratch stores
  std::string scratch_option;         // named in the free-space error
};

struct StreamedGranulometry {
  GranulometryResult result;  // local_thickness_um stays empty: the map went to the output file
  // Over the phase's voxels in raster order, as localthickness sums them in core (0 without the map).
  double thickness_sum_um = 0;
  double thickness_max_um = 0;
  // The phase's largest finite distance (um) from the EDT above; +infinity when some voxel has no
  // background. Streamed particles of the same phase take it as known_largest_distance_um.
  double largest_distance_um = 0;
};

StreamedGranulometry streamed_granulometry(const std::string& input, const StreamedGranulometryParams& params,
                                           const ReadOptions& read_options, const StreamParams& stream,
                                           StreamReport* report = nullptr);

}  // namespace emorph
