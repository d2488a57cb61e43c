// analyze under a memory limit (issue 18): the exact streamed kernels (slab walks, docs/streaming.md)
// behind analyze's steps, and the reasons of the steps that have none.
#include "emorph/report/streamed_analysis.hpp"

#include <algorithm>
#include <array>
#include <type_traits>

#include "emorph/error.hpp"
#include "emorph/io.hpp"
#include "emorph/io/slab_stream.hpp"
#include "emorph/memory_budget.hpp"
#include "emorph/results/measure_results.hpp"
#include "emorph/report/analysis_config.hpp"
#include "emorph/report/input_kind.hpp"
#include "emorph/stream/streamed_granulometry.hpp"
#include "emorph/stream/streamed_particles.hpp"
#include "emorph/stream/streamed_segment.hpp"

namespace emorph {
namespace {

SlabStream open_stream(const std::string& address, const StreamParams& stream, bool labels, const std::string& what) {
  auto reader = open_slab_reader(address);
  const VolumeInfo info = reader->info();
  const uint64_t per_slice = reader->slice_bytes() + (labels ? static_cast<uint64_t>(info.shape.ny * info.shape.nx) : 0);
  SlabStreamParams p;
  p.slab_slices = slab_slices_for_budget(stream.budget_bytes, per_slice, 0, info.shape.nz);
  p.labels = labels;
  p.source = address;
  if (stream.progress) p.progress_label = what + " by slabs of " + std::to_string(p.slab_slices);
  return SlabStream(std::move(reader), p);
}

// The distinct values of the file, stopping after kMaxLabelValues + 1 (as is_label_input's scan).
std::vector<double> distinct_values(const std::string& address, const StreamParams& stream) {
  SlabStream s = open_stream(address, stream, false, "analyze input kind");
  std::vector<double> values;
  std::array<bool, 256> seen{};
  const bool bytes = s.info().dtype == DType::u8;
  while (s.next() && static_cast<int>(values.size()) <= kMaxLabelValues) {
    const auto n = static_cast<std::size_t>((s.end_slice() - s.first_slice()) * s.info().shape.ny * s.info().shape.nx);
    visit_dtype(s.info().dtype, [&](auto t) {
      using T = decltype(t);
      const T* v = static_cast<const T*>(s.data());
      for (std::size_t i = 0; i < n && static_cast<int>(values.size()) <= kMaxLabelValues; ++i) {
        if constexpr (std::is_same_v<T, uint8_t>) {
          if (seen[v[i]]) continue;
          seen[v[i]] = true;
        }
        const auto x = static_cast<double>(v[i]);
        if (!bytes && std::find(values.begin(), values.end(), x) != values.end()) continue;
        values.push_back(x);
      }
    });
  }
  return values;
}

}  // namespace

ReadOptions streamed_read_options(const StreamedInput& input) {
  ReadOptions o;
  o.voxel = input.spacing;
  return o;
}

StreamedInput open_streamed_input(const AnalysisConfig& config, const StreamParams& stream) {
  StreamedInput in;
  in.info = read_info(config.input);
  in.spacing = config.voxel ? *config.voxel : in.info.spacing;
  const bool labels = config.kind == "labels" ||
                      (config.kind != "grey" &&
                       is_label_input(in.info.dtype, distinct_values(config.input, stream), config.kind, config.input));
  (labels ? in.labels : in.grey) = config.input;
  return in;
}

SegmentResult streamed_analysis_segment(const StreamedInput& input, const SegmentParams& params, const PhaseTable& table,
                                        const std::string& labels_output, const StreamParams& stream) {
  if (!segment_streams(input.info.dtype, params))
    throw InputError("--memory-limit: segmenting a " + dtype_name(input.info.dtype) + " volume with method '" + params.method +
                     "' does not stream (8- or 16-bit grey, a threshold method, no pre-filter or a median one); raise "
                     "--memory-limit or crop the volume");
  return streamed_segment(input.grey, labels_output, params, table, streamed_read_options(input), stream);
}

SliceLabelCounts streamed_analysis_counts(const StreamedInput& input, int axis, const StreamParams& stream) {
  return streamed_slice_label_counts(input.labels, streamed_read_options(input), axis, stream);
}

namespace {

// The streamed kernels' scratch folder: --scratch DIR, else the results folder.
template <class P>
void set_scratch(P& p, const AnalysisStreaming& streaming, const std::string& results_folder) {
  p.scratch_dir = streaming.scratch_dir.empty() ? results_folder : streaming.scratch_dir;
  p.scratch_option = streaming.scratch_dir.empty() ? "results folder (or --scratch DIR)" : streaming.scratch_option;
}

}  // namespace

Json streamed_analysis_granulometry(const StreamedInput& input, const std::vector<const Phase*>& phases,
                                    const AnalysisStreaming& streaming, const std::string& results_folder,
                                    std::map<std::string, double>* largest_distance_um) {
  Json out = Json::object();
  for (const Phase* phase : phases) {
    StreamedGranulometryParams p;
    p.phase = *phase;
    set_scratch(p, streaming, results_folder);
    const StreamedGranulometry g = streamed_granulometry(input.labels, p, streamed_read_options(input), streaming.stream);
    if (g.result.phase_voxels == 0) continue;
    if (largest_distance_um) (*largest_distance_um)[phase->name] = g.largest_distance_um;
    out[phase->name] = granulometry_results(g.result, phase->name);  // = `emorph granulometry --phase NAME`
  }
  return out;
}

ParticleAnalysis streamed_analysis_particles(const StreamedInput& input, const Phase& phase,
                                             const ParticleAnalysisParams& params, const AnalysisStreaming& streaming,
                                             const std::string& results_folder,
                                             std::optional<double> known_largest_distance_um) {
  StreamedParticlesParams p;
  p.phase = phase;
  p.analysis = params;
  p.known_largest_distance_um = known_largest_distance_um;
  set_scratch(p, streaming, results_folder);
  return streamed_particles(input.labels, p, streamed_read_options(input), streaming.stream).analysis;
}

void write_streamed_labels(const StreamedInput& input, const std::string& output, const StreamParams& stream) {
  SlabStream s = open_stream(input.labels, stream, true, "analyze labels.tif");
  auto writer = open_slab_writer(output, VolumeHeader{input.info.shape, DType::u8, input.spacing});
  while (s.next()) writer->write(s.label_view(input.spacing).data(), s.end_slice() - s.first_slice());
  writer->commit();
}

Json streamed_memory_section(const StreamParams& stream) {
  return {{"streamed", true}, {"limit_bytes", memory_limit()}, {"slab_budget_bytes", stream.budget_bytes},
          {"peak_memory_bytes", peak_resident_bytes()}};
}

std::string streamed_analysis_skip_reason(const std::string& step, const StreamedInput& input) {
  const std::string limit = "under --memory-limit (the volume does not fit in core): ";
  if (step == "grey_profile" && !grey_profile_streams(input.info.dtype))
    return limit + "the grey profile streams exactly for 8- and 16-bit grey values only";
  if (step == "lfp") return limit + "the LFP grey calibration needs the grey volume in memory";
  if (step == "tortuosity") return limit + "the tortuosity solve has no streamed version";
  if (step == "slice_views") return limit + "slice views along every axis need the volume in memory";
  if (step == "chords" || step == "correlation" || step == "rev" || step == "contacts" || step == "tpb" || step == "anisotropy")
    return limit + "'" + step + "' runs in core only";
  return "";
}

}  // namespace emorph
