// --memory-limit in the commands: the streaming decision and the envelope's memory section.
#include "streaming.hpp"

#include <optional>

#include "emorph/io.hpp"
#include "emorph/memory_budget.hpp"
#include "emorph/parallel.hpp"

namespace emorph::cli {
namespace {

std::optional<StreamReport>& recorded() {
  static std::optional<StreamReport> report;
  return report;
}

}  // namespace

namespace {

bool exceeds(const VolumeInfo& info, double bytes_per_voxel) {
  return exceeds_memory_limit(static_cast<uint64_t>(static_cast<double>(info.shape.voxels()) * bytes_per_voxel));
}

}  // namespace

// Under several MPI ranks every streaming command streams: each rank walks its own z slices.
bool should_stream(const InputOptions& in, double extra_bytes_per_voxel) {
  if (world_ranks() > 1) return true;
  const VolumeInfo info = read_info(in.input);
  return exceeds(info, static_cast<double>(dtype_size(info.dtype)) + extra_bytes_per_voxel);
}

bool should_stream_labels(const InputOptions& in) {
  if (world_ranks() > 1) return true;
  const VolumeInfo info = read_info(in.input);
  return exceeds(info, static_cast<double>(dtype_size(info.dtype)) + (info.dtype == DType::u8 ? 0.0 : 1.0));
}

StreamParams stream_params() {
  StreamParams p;
  p.budget_bytes = memory_limit() / 2;
  p.distributed = world_ranks() > 1;
  return p;
}

void record_streamed_run(const StreamReport& report) { recorded() = report; }

Json memory_section() {
  if (!recorded()) return nullptr;
  Json j = recorded()->json();
  j["limit_bytes"] = memory_limit();
  j["peak_memory_bytes"] = peak_resident_bytes();
  return j;
}

}  // namespace emorph::cli
