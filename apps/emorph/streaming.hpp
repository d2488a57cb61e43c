#pragma once
// The CLI side of --memory-limit: a command estimates its in-core working set, streams when it would
// not fit, and a streamed run reports itself in the JSON envelope's `memory` section.
#include <cstdint>

#include "common.hpp"
#include "emorph/stream/streamed_measures.hpp"

namespace emorph::cli {

// True when the in-core working set, the input volume plus `extra_bytes_per_voxel` per voxel (copies and
// outputs the command keeps), exceeds the memory limit.
bool should_stream(const InputOptions& in, double extra_bytes_per_voxel);
// Both are true under several MPI ranks: the streamed kernels are the distributed ones.
// The same for a label command: the volume, plus its uint8 copy when the file holds a wider dtype.
bool should_stream_labels(const InputOptions& in);

// Slab buffers get half the limit; the rest covers the program, its libraries and the kernels' tables.
StreamParams stream_params();

// Records a streamed run; input_envelope then adds "memory": {limit_bytes, peak_memory_bytes,
// streamed, slab_slices, halo_slices, slabs}.
void record_streamed_run(const StreamReport& report);
// The memory section (null unless a streamed run was recorded); peak measured now.
Json memory_section();

}  // namespace emorph::cli
