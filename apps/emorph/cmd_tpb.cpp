// emorph tpb LABELS: triple-phase boundary length (active material / CBD / pore) and its density per
// volume, from the Freudenthal triangulation of the voxel centres and sub-voxel surfaces (measure/triple_line.hpp).
#include <array>
#include <memory>

#include "command.hpp"
#include "common.hpp"
#include "param_options.hpp"
#include "emorph/io.hpp"
#include "emorph/measure/descriptor_param_tables.hpp"
#include "emorph/measure/label_volume.hpp"
#include "emorph/results/measure_results.hpp"
#include "emorph/measure/triple_line.hpp"
#include "emorph/measure/phase_selection.hpp"

namespace {

using emorph::Json;

struct TpbOptions : emorph::cli::VolumeCommandOptions {
  emorph::TripleLineOptions options;  // the options of its parameter table, set by the CLI directly
};

void run_tpb(const TpbOptions& o) {
  const emorph::PhaseTable table = o.phases.table();
  const emorph::TripleLineOptions& t = o.options;
  const emorph::TripleLineParams p = emorph::triple_line_params(t, table);
  const std::array<std::pair<const emorph::Phase*, const char*>, 3> named = {
      {{&table.at(t.active, "--active"), "--active"}, {&table.at(t.conductor, "--conductor"), "--conductor"},
       {&table.at(t.pore, "--pore"), "--pore"}}};
  const auto labels = emorph::to_label_volume(emorph::read_volume(o.in.input, o.in.read_options()), o.in.input);
  for (const auto& [phase, option] : named) emorph::require_phase_present(labels.view(), *phase, option);
  const auto r = emorph::triple_line_length(labels.view(), p);
  const Json results = emorph::triple_line_results(r, {t.active, t.conductor, t.pore});
  Json params = emorph::params_json(t, emorph::tpb_param_table());
  params.update({{"voxel", o.in.voxel}, {"phases", o.phases.phases}});
  emorph::cli::emit_results(o.out, "tpb", params, o.in.input, results);
}

void setup_tpb(CLI::App& app) {
  auto o = std::make_shared<TpbOptions>();
  auto* sub = app.add_subcommand("tpb", "Triple-phase boundary length (active material / CBD / pore) per volume");
  emorph::cli::add_volume_command_options(sub, *o);
  emorph::cli::add_param_options(sub, o->options, emorph::tpb_param_table());
  sub->get_option("--smoothing")->check(CLI::NonNegativeNumber);
  sub->get_option("--estimator")->check(CLI::IsMember({"hybrid", "polyline", "intersection"}));
  sub->callback([o] { run_tpb(*o); });
}

}  // namespace

EMORPH_COMMAND(setup_tpb);
