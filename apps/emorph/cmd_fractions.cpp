// emorph fractions LABELS: voxel counts and volume fractions of every phase, in the whole volume and in
// the electrode region detected along the thickness axis, plus phase ratios.
#include <iostream>
#include <memory>

#include "command.hpp"
#include "common.hpp"
#include "param_options.hpp"
#include "streaming.hpp"
#include "emorph/io.hpp"
#include "emorph/measure/fractions.hpp"
#include "emorph/measure/report_param_tables.hpp"
#include "emorph/measure/label_volume.hpp"
#include "emorph/results/measure_results.hpp"
#include "emorph/results/stream_results.hpp"

namespace {

using emorph::Json;

struct FractionsOptions : emorph::cli::VolumeCommandOptions {
  emorph::FractionsReportParams report;  // the options of its parameter table, set by the CLI directly
};

void run_fractions(const FractionsOptions& o) {
  const emorph::PhaseTable table = o.phases.table();
  const emorph::FractionsReportParams& p = o.report;
  std::vector<std::string> warnings;
  Json results;
  if (emorph::cli::should_stream_labels(o.in)) {
    emorph::StreamReport report;
    results = emorph::streamed_fractions_results(o.in.input, o.in.read_options(), table, p, emorph::cli::local_stream_params(),
                                                 &report, &warnings);
    emorph::cli::record_streamed_run(report);
  } else {
    const auto labels = emorph::to_label_volume(emorph::read_volume(o.in.input, o.in.read_options()), o.in.input);
    results = emorph::fractions_results(labels.view(), table, p, &warnings);
  }
  for (const auto& w : warnings) std::cerr << "emorph: warning: " << w << "\n";
  if (!o.out.csv.empty()) {
    emorph::check_output_differs(o.in.input, o.out.csv);
    std::vector<std::vector<std::string>> rows;
    for (const auto& name : emorph::phase_order(table, results["phases"], p.only)) {
      const Json& j = results["phases"][name];
      const bool region = j.contains("region_voxels");
      rows.push_back({name, j["label"].dump(), j["voxels"].dump(), j["volume_fraction"].dump(),
                      region ? j["region_voxels"].dump() : "", region ? j["region_volume_fraction"].dump() : ""});
    }
    emorph::write_csv(o.out.csv, {"phase", "label", "voxels", "volume_fraction", "region_voxels", "region_volume_fraction"},
                      rows);
  }
  Json params = emorph::params_json(p, emorph::fractions_param_table());
  params.update({{"voxel", o.in.voxel}, {"phases", o.phases.phases}});
  emorph::cli::emit_results(o.out, "fractions", params, o.in, results);
}

void setup_fractions(CLI::App& app) {
  auto o = std::make_shared<FractionsOptions>();
  auto* sub = app.add_subcommand("fractions", "Volume fractions of each phase (whole volume and electrode region)");
  emorph::cli::add_volume_command_options(sub, *o);
  emorph::cli::add_param_options(sub, o->report, emorph::fractions_param_table());
  emorph::cli::add_csv_option(sub, o->out);
  sub->callback([o] { run_fractions(*o); });
}

}  // namespace

EMORPH_COMMAND(setup_fractions);
