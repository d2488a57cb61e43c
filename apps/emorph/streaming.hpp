#pragma once
// The CLI side of --memory-limit: a command estimates its in-core working set, streams when it would
// not fit, and a streamed run reports itself in the JSON envelope's `memory` section.
#include <cstdint>
#include <string>

#include "common.hpp"
#include "emorph/report/streamed_analysis.hpp"
#include "emorph/result.hpp"
#include "emorph/stream/streamed_granulometry.hpp"
#include "emorph/stream/streamed_measures.hpp"

namespace emorph::cli {

// True when the in-core working set, the input volume plus `extra_bytes_per_voxel` per voxel (copies and
// outputs the command keeps), exceeds the memory limit.
bool should_stream(const InputOptions& in, double extra_bytes_per_voxel);
// Both are true under several MPI ranks: the streamed kernels are the distributed ones.
// The same for a label command: the volume, plus its uint8 copy when the file holds a wider dtype.
bool should_stream_labels(const InputOptions& in);

// --scratch DIR (global): the folder of scratch stores (streamed EDT); default: the output's folder.
void set_scratch_dir(const std::string& dir);
// The scratch folder for a run writing `output`, and the name its free-space error gives it.
std::string scratch_dir_for(const std::string& output);
std::string scratch_option();

// Commands that run in core only (or with options that do not stream) and whose working set, the
// input volume plus `extra_bytes_per_voxel`, exceeds the memory limit: with a limit given
// (--memory-limit or [resources] memory_limit) an InputError naming --memory-limit and the estimated
// need (exit 2); with the default limit a warning on stderr, and the command runs in core.
void check_in_core_need(const std::string& command, const std::string& input, double extra_bytes_per_voxel);
// The same with the command's own estimate (in_core_bytes_per_voxel); commands without one pass.
void check_in_core_need(const std::string& command, const std::string& input);
// Bytes per voxel beyond the input volume that an in-core-only command keeps; < 0: not checked (the
// command streams, or reads no volume).
double in_core_bytes_per_voxel(const std::string& command);

// Slab buffers get half the limit; the rest covers the program, its libraries and the kernels' tables.
StreamParams stream_params();
// stream_params() for the slice-local measures (fractions, profile, surface, histogram): under several
// MPI ranks their slab budget is at most 8 MiB, since a rank walks only its own slices and need not hold
// its whole share of the volume at once (per rank: the process's fixed cost plus 8 MiB).
StreamParams local_stream_params();

// granulometry and localthickness: bytes per voxel beyond the input that the in-core run keeps (the
// mask, codes, partial sums, the EDT while it lasts and the map; measured, see in_core_bytes_per_voxel).
inline constexpr double in_core_granulometry_bytes_per_voxel = 12;
// particles: bytes per voxel beyond the input that the in-core separation keeps (measured, see
// in_core_bytes_per_voxel); above the limit it streams (stream/streamed_particles.hpp).
inline constexpr double in_core_particles_bytes_per_voxel = 18;
// Streams the granulometry of `o`'s phase (streamed_granulometry), the map (if p.local_thickness) to
// `map_output`, and records the run.
StreamedGranulometry streamed_granulometry_run(const PhaseInputOptions& o, const GranulometryParams& p,
                                               const std::string& map_output);

// analyze: streams (the volume stays on disk, streamed_analysis.hpp) when the input's in-core working set,
// the volume plus in_core_bytes_per_voxel("analyze"), exceeds the memory limit; off for the demo (no input).
AnalysisStreaming analysis_streaming(const std::string& input);

// Records a streamed run; input_envelope then adds "memory": {limit_bytes, peak_memory_bytes,
// streamed, slab_slices, halo_slices, slabs}.
void record_streamed_run(const StreamReport& report);
// The memory section (null unless a streamed run was recorded); peak measured now.
Json memory_section();

}  // namespace emorph::cli
