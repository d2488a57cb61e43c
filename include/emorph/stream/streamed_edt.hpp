#pragma once
// emorph edt streamed under a memory budget (pi2's scheme, docs/streaming.md): the x and y passes of
// the exact EDT run slice by slice on z slabs of the mask, their squared distances go to a row-block
// scratch store (scratch_store.hpp); the z pass runs on y slabs read back from it and written
// in place; a last walk over z slabs takes the square roots and writes the output. Every line sees
// the same 1D operations as in core (distance_transform), so the output is byte-identical. No halo.
#include <cstdint>
#include <optional>
#include <string>

#include "emorph/io.hpp"
#include "emorph/phase_table.hpp"
#include "emorph/stream/streamed_measures.hpp"

namespace emorph {

struct StreamedEdtParams {
  std::optional<Phase> phase;  // foreground = this phase (uint8 labels); unset: every non-zero voxel
  std::string scratch_dir;     // folder of the scratch store
  std::string scratch_option;  // named in the free-space error ("--scratch" or "output folder")
};

// The figures of `emorph edt`, as the in-core run sums them (raster order).
struct EdtSummary {
  int64_t foreground_voxels = 0;
  double max_distance = 0;  // um
  double sum_distance = 0;  // um
};

class ScratchStore;

// The squared distances of the mask of `input` (foreground: `phase`, or every non-zero voxel), with
// `weights` the squared steps along z, y and x, into `store` (row blocks of slab_y rows): the x
// and y passes on z slabs of slab_z slices, the z pass on y slabs of slab_y rows, the same values as
// squared_distance_transform in core. Throws InputError when the phase has no voxel.
void streamed_squared_edt_into(const std::string& input, const std::optional<Phase>& phase, const Spacing& weights,
                               ScratchStore& store, int64_t slab_z, int64_t slab_y, const StreamParams& stream,
                               StreamReport* report);

EdtSummary streamed_edt(const std::string& input, const std::string& output, const StreamedEdtParams& params,
                        const ReadOptions& read_options, const StreamParams& stream, StreamReport* report = nullptr);

}  // namespace emorph
