#pragma once
// `analyze` on a volume larger than the memory limit (issue 18, docs/streaming.md): the input stays on
// disk; the steps with an exact streamed kernel read it (or the label volume streamed segment writes)
// by slabs and give the in-core results; the others are skipped with a stated reason.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "emorph/measure/phase_selection.hpp"
#include "emorph/result.hpp"
#include "emorph/segment/separate_particles.hpp"
#include "emorph/segment/segment.hpp"
#include "emorph/stream/streamed_measures.hpp"

namespace emorph {

struct AnalysisConfig;

struct AnalysisStreaming {
  bool on = false;            // the in-core working set exceeds the memory limit
  StreamParams stream;        // slab budget (half the limit)
  std::string scratch_dir;    // folder of the granulometry's scratch stores; empty: the results folder
  std::string scratch_option; // named in the free-space error
};

// The input of a streamed analysis: exactly one of `labels` and `grey` is set at load (a grey input gets
// `labels` from segmentation); both are file addresses.
struct StreamedInput {
  std::string labels, grey;
  VolumeInfo info;
  Spacing spacing;
};

// Reading options of the streamed input's files: its voxel size (the file's, or config.voxel).
ReadOptions streamed_read_options(const StreamedInput& input);

// Reads the header of config.input and decides label or grey as is_label_input does (its distinct
// values read by slabs).
StreamedInput open_streamed_input(const AnalysisConfig& config, const StreamParams& stream);

// segment() of the grey input streamed into the label file `labels_output` (no collector/air layer
// detection: that needs the grey volume in memory). InputError when the method does not stream.
SegmentResult streamed_analysis_segment(const StreamedInput& input, const SegmentParams& params, const PhaseTable& table,
                                        const std::string& labels_output, const StreamParams& stream);

// Slice label counts along `axis` of the label file, by slabs.
SliceLabelCounts streamed_analysis_counts(const StreamedInput& input, int axis, const StreamParams& stream);

// `emorph granulometry --phase NAME` of each phase (streamed_granulometry), keyed by name; phases
// without voxels are left out, as in core. Scratch stores in streaming.scratch_dir, else `results_folder`.
// `largest_distance_um`, when given, receives each phase's largest EDT distance (for the particle step).
Json streamed_analysis_granulometry(const StreamedInput& input, const std::vector<const Phase*>& phases,
                                    const AnalysisStreaming& streaming, const std::string& results_folder,
                                    std::map<std::string, double>* largest_distance_um = nullptr);

// `emorph particles --phase NAME` of one phase on the label file (streamed_particles: seam-stitched
// separation, count and D50 within 1 % of in core, surface areas NaN). Scratch stores as for granulometry.
// InputError naming --memory-limit when a slab and its halos do not fit; before any EDT when
// `known_largest_distance_um` (the granulometry's, of the same phase) already shows it.
ParticleAnalysis streamed_analysis_particles(const StreamedInput& input, const Phase& phase,
                                             const ParticleAnalysisParams& params, const AnalysisStreaming& streaming,
                                             const std::string& results_folder,
                                             std::optional<double> known_largest_distance_um = std::nullopt);

// Copies the label file to `output` (uint8 labels) by slabs.
void write_streamed_labels(const StreamedInput& input, const std::string& output, const StreamParams& stream);

// The envelope's memory section of a streamed analysis: {streamed, limit_bytes, slab_budget_bytes,
// peak_memory_bytes} (peak measured now).
Json streamed_memory_section(const StreamParams& stream);

// Why `step` is skipped under the limit (empty: it streams).
std::string streamed_analysis_skip_reason(const std::string& step, const StreamedInput& input);

}  // namespace emorph
