// emorph tpb LABELS: triple-phase boundary length (active material / CBD / pore) and its density per
// volume, from the Freudenthal triangulation of the voxel centres and sub-voxel surfaces (measure/triple_line.hpp).
#include <array>
#include <memory>

#include "command.hpp"
#include "common.hpp"
#include "emorph/io.hpp"
#include "emorph/measure/label_volume.hpp"
#include "emorph/measure/results_json.hpp"
#include "emorph/measure/triple_line.hpp"
#include "emorph/measure/phase_selection.hpp"

namespace {

using emorph::Json;

struct TpbOptions : emorph::cli::VolumeCommandOptions {
  std::string active = "NMC", conductor = "CBD", pore = "pore";
  int smoothing = emorph::TripleLineParams{}.smoothing_steps;
  std::string estimator = "hybrid";
};

void run_tpb(const TpbOptions& o) {
  const emorph::PhaseTable table = o.phases.table();
  emorph::TripleLineParams p;
  const std::array<std::pair<const emorph::Phase*, const char*>, 3> named = {
      {{&table.at(o.active, "--active"), "--active"}, {&table.at(o.conductor, "--conductor"), "--conductor"},
       {&table.at(o.pore, "--pore"), "--pore"}}};
  p.phases = {named[0].first->label, named[1].first->label, named[2].first->label};
  p.smoothing_steps = o.smoothing;
  using Estimator = emorph::TripleLineParams::Estimator;
  p.estimator = o.estimator == "intersection" ? Estimator::intersection
                : o.estimator == "polyline"   ? Estimator::polyline
                                              : Estimator::hybrid;
  const auto labels = emorph::to_label_volume(emorph::read_volume(o.in.input, o.in.read_options()), o.in.input);
  for (const auto& [phase, option] : named) emorph::require_phase_present(labels.view(), *phase, option);
  const auto r = emorph::triple_line_length(labels.view(), p);
  const Json results = emorph::triple_line_results(r, {o.active, o.conductor, o.pore});
  const Json params = {{"voxel", o.in.voxel}, {"phases", o.phases.phases}, {"active", o.active},
                       {"conductor", o.conductor}, {"pore", o.pore}, {"smoothing", o.smoothing},
                       {"estimator", o.estimator}};
  emorph::cli::emit_results(o.out, "tpb", params, o.in.input, results);
}

void setup_tpb(CLI::App& app) {
  auto o = std::make_shared<TpbOptions>();
  auto* sub = app.add_subcommand("tpb", "Triple-phase boundary length (active material / CBD / pore) per volume");
  emorph::cli::add_volume_command_options(sub, *o);
  sub->add_option("--active", o->active, "Active material phase")->capture_default_str();
  sub->add_option("--conductor", o->conductor, "Electronic conductor phase (carbon-binder domain)")->capture_default_str();
  sub->add_option("--pore", o->pore, "Pore (electrolyte) phase")->capture_default_str();
  sub->add_option("--smoothing", o->smoothing, "Taubin smoothing steps of the triple line (0: raw lattice polyline)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  sub->add_option("--estimator", o->estimator,
                  "hybrid (default): per triple line, the intersection where the CBD|pore interface is planar and "
                  "agrees with the polyline, else the polyline; polyline: the smoothed voxel-edge triple line; "
                  "intersection: the smoothed active surface crossed with a plane fitted to the CBD|pore faces, "
                  "which misses CBD features of a few voxels (docs/methods/surfaces.md)")
      ->check(CLI::IsMember({"hybrid", "polyline", "intersection"}))
      ->capture_default_str();
  sub->callback([o] { run_tpb(*o); });
}

}  // namespace

EMORPH_COMMAND(setup_tpb);
