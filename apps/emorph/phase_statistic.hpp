#pragma once
// The commands that measure one phase's mask with the options of a parameter table and write a results
// object and a CSV table (chords, correlation, rev): their options, run and JSON envelope, set up once.
#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "common.hpp"
#include "param_options.hpp"
#include "emorph/results/stats_results.hpp"

namespace emorph::cli {

// measure(options, mask, phase) -> {results, CSV table}.
template <class Options>
using PhaseStatistic =
    std::function<std::pair<Json, CsvTable>(const Options&, VolumeView<const uint8_t>, const std::string&)>;

// `name LABELS --phase NAME [--csv PATH] [the table's options]`; returns the subcommand (for checks).
template <class Options>
CLI::App* add_phase_statistic(CLI::App& app, const std::string& name, const std::string& summary,
                              const ParamTable<Options>& table, PhaseStatistic<Options> measure) {
  struct CommandOptions : PhaseInputOptions {
    Options options;  // the options of its parameter table, set by the CLI directly
  };
  auto o = std::make_shared<CommandOptions>();
  auto* sub = app.add_subcommand(name, summary);
  add_phase_input_options(sub, *o)->required();
  add_csv_option(sub, o->out);
  add_param_options(sub, o->options, table);
  sub->callback([o, name, &table, measure] {
    if (!o->out.csv.empty()) check_output_differs(o->in.input, o->out.csv);
    const Volume<uint8_t> mask = o->read_mask();
    const auto [results, csv] = measure(o->options, mask.view(), o->phase);
    write_csv_table(o->out.csv, csv);
    Json params = o->params();
    params.update(params_json(o->options, table));
    emit_results(o->out, name, params, o->in, results);
  });
  return sub;
}

}  // namespace emorph::cli
