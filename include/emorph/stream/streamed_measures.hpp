#pragma once
// Label measurements streamed from a file in z slabs under a memory budget (docs/streaming.md): the
// same counts and areas as the in-core functions (their results objects: results/stream_results.hpp), equal to them exactly, since every kernel here
// accumulates integer counts per slab (slice label counts; Crofton crossing pairs, each owned by the
// slice of its first voxel, one halo slice above the slab).
#include <cstdint>
#include <string>
#include <vector>

#include "emorph/io.hpp"
#include "emorph/measure/fractions.hpp"
#include "emorph/measure/grey_calibration.hpp"
#include "emorph/measure/profile.hpp"
#include "emorph/measure/specific_surface.hpp"
#include "emorph/phase_table.hpp"

namespace emorph {

struct StreamParams {
  uint64_t budget_bytes = uint64_t{64} << 20;  // slab buffers, all included
  bool progress = true;                        // a progress line by slab on stderr
  // Under MPI (emorph/mpi/world.hpp): each rank walks only its own z slices (own_slices) and the tallies
  // are summed over the ranks, so every rank returns the whole volume's results.
  bool distributed = false;
};

// What a streamed run did, for the JSON envelope's memory section.
struct StreamReport {
  int64_t slab_slices = 0;  // core slices per slab
  int64_t halo = 0;         // halo slices each side
  int64_t slabs = 0;        // slabs read
};

// Slice label counts along `axis` of the label file at `address` (as slice_label_counts), by slabs.
SliceLabelCounts streamed_slice_label_counts(const std::string& address, const ReadOptions& read_options, int axis,
                                             const StreamParams& stream, StreamReport* report = nullptr);

// The same, also giving the voxel size along `axis` (`slice_um`); `what` names the run in progress lines.
SliceLabelCounts streamed_slice_counts(const std::string& address, const ReadOptions& read_options, int axis,
                                       const StreamParams& stream, StreamReport* report, const std::string& what,
                                       double* slice_um);

// True for the grey dtypes whose streamed profile is exact (8- and 16-bit integers: exact sums).
bool grey_profile_streams(DType grey_dtype);
// grey_profile(grey, labels, params) of two files of the same shape, streamed in lockstep.
GreyProfile streamed_grey_profile(const std::string& labels_address, const std::string& grey_address,
                                  const ReadOptions& read_options, const GreyProfileParams& params,
                                  const StreamParams& stream, StreamReport* report = nullptr);

// The Crofton areas of the label file at `address` (as surface_areas) and its voxel size, by slabs;
// params.count_volume_boundary must be false (InputError otherwise).
struct StreamedSurfaceAreas {
  SurfaceAreaResult areas;
  Spacing spacing;
};
StreamedSurfaceAreas streamed_surface_areas(const std::string& address, const ReadOptions& read_options,
                                            const SurfaceReportParams& params, const StreamParams& stream,
                                            StreamReport* report = nullptr);

}  // namespace emorph
