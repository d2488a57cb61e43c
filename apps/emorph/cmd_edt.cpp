// emorph edt MASK OUT: exact Euclidean distance (um) from each foreground voxel to the nearest
// background voxel, written as float32; foreground = non-zero voxels, or one phase with --phase.
#include <cmath>
#include <memory>

#include "command.hpp"
#include "common.hpp"
#include "emorph/io.hpp"
#include "emorph/measure/components.hpp"
#include "emorph/measure/edt.hpp"
#include "emorph/measure/label_volume.hpp"
#include "emorph/measure/phase_selection.hpp"
#include "emorph/mpi/distributed_edt.hpp"
#include "emorph/parallel.hpp"
#include "emorph/stream/streamed_edt.hpp"
#include "streaming.hpp"

namespace {

using emorph::Json;

struct EdtOptions : emorph::cli::PhaseInputOptions {
  std::string output;
};

void emit_edt(const EdtOptions& o, const emorph::EdtSummary& s);

void run_edt(const EdtOptions& o) {
  emorph::check_output_differs(o.in.input, o.output);
  const emorph::PhaseTable table = o.phases.table();
  // In core: the volume, its uint8 copy with --phase, the mask and the float distances.
  if (emorph::cli::should_stream(o.in, (o.phase.empty() ? 0.0 : 1.0) + 1.0 + 4.0)) {
    emorph::StreamedEdtParams sp;
    if (!o.phase.empty()) sp.phase = table.at(o.phase, "--phase");
    sp.scratch_dir = emorph::cli::scratch_dir_for(o.output);
    sp.scratch_option = emorph::cli::scratch_option();
    emorph::StreamReport report;
    const emorph::EdtSummary s =
        emorph::world_ranks() > 1
            ? emorph::distributed_edt(o.in.input, o.output, sp, o.in.read_options(), &report)
            : emorph::streamed_edt(o.in.input, o.output, sp, o.in.read_options(), emorph::cli::stream_params(), &report);
    emorph::cli::record_streamed_run(report);
    return emit_edt(o, s);
  }
  emorph::Volume<uint8_t> mask = o.read_mask();
  const emorph::Volume<float> d = emorph::distance_transform(mask.view());
  emorph::EdtSummary s;
  for (int64_t i = 0; i < d.size(); ++i) {
    if (!mask.data()[i]) continue;
    ++s.foreground_voxels;
    s.sum_distance += d.data()[i];
    s.max_distance = std::max(s.max_distance, static_cast<double>(d.data()[i]));
  }
  emorph::write_volume<float>(o.output, d.view());
  emit_edt(o, s);
}

void emit_edt(const EdtOptions& o, const emorph::EdtSummary& s) {
  const int64_t foreground = s.foreground_voxels;
  const Json results = {{"output", o.output},
                        {"foreground_voxels", foreground},
                        {"max_distance_um", foreground ? Json(s.max_distance) : Json(nullptr)},
                        {"mean_distance_um", foreground ? Json(s.sum_distance / static_cast<double>(foreground)) : Json(nullptr)}};
  const Json params = o.params();
  emorph::cli::emit_results(o.out, "edt", params, o.in, results);
}

void setup_edt(CLI::App& app) {
  auto o = std::make_shared<EdtOptions>();
  auto* sub = app.add_subcommand("edt", "Exact Euclidean distance transform (um) to the nearest background voxel");
  auto* phase = emorph::cli::add_phase_input_options(sub, *o, "Mask (non-zero = foreground) or label volume with --phase");
  emorph::cli::declare_path(sub->add_option("output", o->output, "Output float32 volume of distances in um (0 on background)")->required(),
                            emorph::PathKind::output_volume, o->output);
  phase->description("Foreground = this phase of a label volume (default: every non-zero voxel)");
  sub->callback([o] { run_edt(*o); });
}

}  // namespace

EMORPH_COMMAND(setup_edt);
