// emorph connectivity LABELS --phase NAME --axis A: fraction of each phase connected to both faces
// normal to the axis (percolating), to one (dead-end) or to none (isolated); optional class volume.
#include <iostream>
#include <memory>

#include "command.hpp"
#include "common.hpp"
#include "param_options.hpp"
#include "emorph/atomic_file.hpp"
#include "emorph/io.hpp"
#include "emorph/measure/label_volume.hpp"
#include "emorph/measure/phase_selection.hpp"
#include "emorph/mpi/distributed_components.hpp"
#include "emorph/parallel.hpp"
#include "emorph/results/transport_results.hpp"
#include "emorph/stream/streamed_components.hpp"
#include "emorph/transport/connectivity.hpp"
#include "emorph/transport/connectivity_options.hpp"
#include "streaming.hpp"

namespace {

using emorph::Json;

struct CliOptions : emorph::cli::VolumeCommandOptions {
  emorph::ConnectivityOptions options;  // the options of its parameter table, set by the CLI directly
  std::string classes_out;
};

void run_connectivity(const CliOptions& o) {
  const emorph::ConnectivityOptions& c = o.options;
  const emorph::PhaseTable table = o.phases.table();
  emorph::require(o.classes_out.empty() || c.only.size() == 1, "--out needs exactly one --phase");
  for (const auto* out : {&o.classes_out, &o.out.json})
    if (!out->empty()) emorph::check_output_differs(o.in.input, *out);
  // In core: the volume, its uint8 copy, the mask, the uint32 components and the classes.
  const bool stream = emorph::cli::should_stream(o.in, 1.0 + 1.0 + 4.0 + 1.0);
  emorph::StreamReport report;
  emorph::Volume<uint8_t> labels;
  std::vector<int64_t> voxels(256, 0);
  if (stream) {
    voxels = emorph::world_ranks() > 1 ? emorph::distributed_label_voxels(o.in.input)
                                       : emorph::streamed_label_voxels(o.in.input, emorph::cli::stream_params(), &report);
  } else {
    labels = emorph::to_label_volume(emorph::read_volume(o.in.input, o.in.read_options()), o.in.input);
    for (uint8_t l : labels) ++voxels[l];
  }
  const int64_t total = emorph::read_info(o.in.input).shape.voxels();
  Json phases = Json::object();
  for (const auto& phase : emorph::select_phases(table, voxels, c.only)) {
    emorph::ConnectivityParams p;
    p.axis = c.axis;
    p.connectivity = c.connectivity;
    p.phase_labels = {phase.label};
    auto r = emorph::world_ranks() > 1 ? emorph::distributed_connectivity(o.in.input, p, o.classes_out, o.in.read_options(), &report)
             : stream ? emorph::streamed_connectivity(o.in.input, p, o.classes_out, o.in.read_options(),
                                                      emorph::cli::stream_params(), &report)
                      : emorph::connectivity(labels.view(), p);
    phases[phase.name] = emorph::connectivity_phase_json(r, phase.label, total);
    if (r.phase_voxels > 0 && r.percolating_voxels == 0)
      std::cerr << "emorph: warning: phase '" << phase.name << "' has no percolating path along axis " << c.axis << "\n";
    if (!stream && !o.classes_out.empty()) emorph::write_volume(o.classes_out, emorph::AnyVolume(std::move(r.classes)));
  }
  if (stream) emorph::cli::record_streamed_run(report);
  Json results = {{"axis", c.axis}, {"connectivity", c.connectivity}, {"phases", phases}};
  if (const auto unlisted = emorph::unlisted_labels(table, voxels); c.only.empty() && !unlisted.empty())
    results["unlisted_labels"] = unlisted;
  Json params = emorph::params_json(c, emorph::connectivity_param_table());
  params.update({{"voxel", o.in.voxel}, {"phases", o.phases.phases}, {"out", o.classes_out}});
  emorph::cli::emit_results(o.out, "connectivity", params, o.in, results);
}

void setup_connectivity(CLI::App& app) {
  auto o = std::make_shared<CliOptions>();
  auto* sub = app.add_subcommand(
      "connectivity", "Percolating, dead-end and isolated fractions of each phase along an axis");
  emorph::cli::add_volume_command_options(sub, *o);
  emorph::cli::add_param_options(sub, o->options, emorph::connectivity_param_table());
  emorph::cli::declare_path(
      sub->add_option("--out", o->classes_out,
                      "Write the classes (uint8: 0 other phase, 1 percolating, 2 dead-end, 3 isolated); one --phase"),
      emorph::PathKind::output_volume, o->classes_out);
  sub->callback([o] { run_connectivity(*o); });
}

}  // namespace

EMORPH_COMMAND(setup_connectivity);
