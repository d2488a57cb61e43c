// --memory-limit in the commands: the streaming decision and the envelope's memory section.
#include "streaming.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>

#include "emorph/atomic_file.hpp"
#include "emorph/io.hpp"
#include "emorph/memory_budget.hpp"
#include "emorph/mpi/distributed_granulometry.hpp"
#include "emorph/parallel.hpp"
#include "emorph/results/stream_results.hpp"

namespace emorph::cli {
namespace {

std::optional<StreamReport>& recorded() {
  static std::optional<StreamReport> report;
  return report;
}

std::string& scratch_dir() {
  static std::string dir;
  return dir;
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

StreamParams local_stream_params() {
  constexpr uint64_t kRankSlabBudget = uint64_t(8) << 20;
  StreamParams p = stream_params();
  if (p.distributed) p.budget_bytes = std::min(p.budget_bytes, kRankSlabBudget);
  return p;
}

void set_scratch_dir(const std::string& dir) { scratch_dir() = dir; }

std::string scratch_dir_for(const std::string& output) {
  if (!scratch_dir().empty()) return scratch_dir();
  const std::filesystem::path folder = std::filesystem::path(file_part(output)).parent_path();
  return folder.empty() ? "." : folder.string();
}

std::string scratch_option() { return scratch_dir().empty() ? "output folder (or --scratch DIR)" : "--scratch"; }

double in_core_bytes_per_voxel(const std::string& command) {
  // Peak RSS above the program's 18 MB on a 96^3 synthetic electrode (uint8 labels, 2026-12-07):
  // particles 17.6, tortuosity 28.5, granulometry 11.8, tpb 8.8 bytes per voxel, rounded up; the
  // others at least a uint8 copy of the volume. analyze runs particles and tortuosity. granulometry and
  // localthickness stream (in_core_granulometry_bytes_per_voxel), particles too
  // (in_core_particles_bytes_per_voxel).
  static const std::map<std::string, double> table = {
      {"tortuosity", 30}, {"tpb", 9},
      {"contacts", 10},      {"chords", 1},      {"rev", 1},           {"composition", 1},     {"correlation", 8},
      {"calibrate", 1},      {"fibsem-prep", 8}, {"analyze", 30}};
  const auto it = table.find(command);
  return it == table.end() ? -1.0 : it->second;
}

void check_in_core_need(const std::string& command, const std::string& input, double extra_bytes_per_voxel) {
  VolumeInfo info;
  try {
    info = read_info(input);
  } catch (const InputError&) {
    return;  // the command reports its input's problem itself
  }
  const double need = static_cast<double>(info.shape.voxels()) * (static_cast<double>(dtype_size(info.dtype)) + extra_bytes_per_voxel);
  if (need <= static_cast<double>(memory_limit())) return;
  auto mib = [](double bytes) {
    char text[48];
    std::snprintf(text, sizeof text, "%.1f MiB", bytes / (1024.0 * 1024.0));
    return std::string(text);
  };
  const std::string message = "--memory-limit: '" + command + "' does not stream yet and needs about " + mib(need) +
                              " in core for " + info.shape.str() + " voxels, above the limit of " +
                              mib(static_cast<double>(memory_limit()));
  if (!memory_limit_is_default())
    throw InputError(message + "; raise --memory-limit or crop the volume (emorph crop)");
  std::cerr << "emorph: warning: " << message << " (the default, half the physical memory); running in core\n";
}

void check_in_core_need(const std::string& command, const std::string& input) {
  const double extra = in_core_bytes_per_voxel(command);
  if (extra >= 0) check_in_core_need(command, input, extra);
}

void record_streamed_run(const StreamReport& report) { recorded() = report; }

AnalysisStreaming analysis_streaming(const std::string& input) {
  AnalysisStreaming s;
  if (input.empty()) return s;
  VolumeInfo info;
  try {
    info = read_info(input);
  } catch (const InputError&) {
    return s;  // the load step reports the input's problem
  }
  s.on = exceeds(info, static_cast<double>(dtype_size(info.dtype)) + in_core_bytes_per_voxel("analyze"));
  s.stream = stream_params();
  s.stream.distributed = false;  // analyze runs on one process
  if (scratch_option() == "--scratch") s.scratch_dir = scratch_dir_for(""), s.scratch_option = scratch_option();
  return s;
}

StreamedGranulometry streamed_granulometry_run(const PhaseInputOptions& o, const GranulometryParams& p,
                                               const std::string& map_output) {
  StreamedGranulometryParams sp;
  sp.phase = o.phases.table().at(o.phase, "--phase");
  sp.granulometry = p;
  sp.local_thickness_output = map_output;
  sp.scratch_dir = scratch_dir_for(map_output);  // no map: the current folder (or --scratch)
  sp.scratch_option = scratch_option();
  StreamReport report;
  StreamedGranulometry g = world_ranks() > 1 ? distributed_granulometry(o.in.input, sp, o.in.read_options(), &report)
                                             : streamed_granulometry(o.in.input, sp, o.in.read_options(), stream_params(), &report);
  record_streamed_run(report);
  return g;
}

Json memory_section() {
  if (!recorded()) return nullptr;
  Json j = stream_report_json(*recorded());
  j["limit_bytes"] = memory_limit();
  j["peak_memory_bytes"] = peak_resident_bytes();
  return j;
}

}  // namespace emorph::cli
