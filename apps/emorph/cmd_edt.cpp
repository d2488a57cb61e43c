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

namespace {

using emorph::Json;

struct EdtOptions {
  emorph::cli::InputOptions in;
  emorph::cli::PhaseOptions phases;
  emorph::cli::OutputOptions out;
  std::string output;
  std::string phase;
};

void run_edt(const EdtOptions& o) {
  emorph::check_output_differs(o.in.input, o.output);
  const emorph::PhaseTable table = o.phases.table();
  emorph::Volume<uint8_t> mask;
  if (o.phase.empty()) {
    mask = emorph::nonzero_mask(emorph::read_volume(o.in.input, o.in.read_options()));
  } else {
    const emorph::Phase& phase = table.at(o.phase, "--phase");
    const auto labels = emorph::to_label_volume(emorph::read_volume(o.in.input, o.in.read_options()), o.in.input);
    emorph::require_phase_present(labels.view(), phase, "--phase");
    mask = emorph::label_mask(labels.view(), phase.label);
  }
  const emorph::Volume<float> d = emorph::distance_transform(mask.view());
  int64_t foreground = 0;
  double largest = 0, sum = 0;
  for (int64_t i = 0; i < d.size(); ++i) {
    if (!mask.data()[i]) continue;
    ++foreground;
    sum += d.data()[i];
    largest = std::max(largest, static_cast<double>(d.data()[i]));
  }
  emorph::write_volume<float>(o.output, d.view());
  const Json results = {{"output", o.output},
                        {"foreground_voxels", foreground},
                        {"max_distance_um", foreground ? Json(largest) : Json(nullptr)},
                        {"mean_distance_um", foreground ? Json(sum / static_cast<double>(foreground)) : Json(nullptr)}};
  const Json params = {{"voxel", o.in.voxel}, {"phase", o.phase}, {"phases", o.phases.phases}};
  emorph::cli::emit_results(o.out, "edt", params, o.in, results);
}

void setup_edt(CLI::App& app) {
  auto o = std::make_shared<EdtOptions>();
  auto* sub = app.add_subcommand("edt", "Exact Euclidean distance transform (um) to the nearest background voxel");
  emorph::cli::add_input_options(sub, o->in, "Mask (non-zero = foreground) or label volume with --phase");
  o->in.needs_voxel_size = true;  // results in um
  emorph::cli::declare_path(sub->add_option("output", o->output, "Output float32 volume of distances in um (0 on background)")->required(),
                            emorph::PathKind::output_volume, o->output);
  sub->add_option("--phase", o->phase, "Foreground = this phase of a label volume (default: every non-zero voxel)");
  emorph::cli::add_phase_options(sub, o->phases);
  emorph::cli::add_json_option(sub, o->out);
  sub->callback([o] { run_edt(*o); });
}

}  // namespace

EMORPH_COMMAND(setup_edt);
