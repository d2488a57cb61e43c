// emorph correlation LABELS --phase NAME: two-point correlation S2(r) of a phase along each axis.
#include <memory>

#include "command.hpp"
#include "common.hpp"
#include "param_options.hpp"
#include "emorph/measure/descriptor_param_tables.hpp"
#include "emorph/io.hpp"
#include "emorph/measure/components.hpp"
#include "emorph/measure/label_volume.hpp"
#include "emorph/measure/stats_results.hpp"
#include "emorph/measure/two_point_correlation.hpp"
#include "emorph/measure/phase_selection.hpp"

namespace {

struct CorrelationOptions : emorph::cli::PhaseInputOptions {
  emorph::CorrelationOptions options;  // the options of its parameter table, set by the CLI directly
};

void run_correlation(const CorrelationOptions& o) {
  if (!o.out.csv.empty()) emorph::check_output_differs(o.in.input, o.out.csv);
  const emorph::Volume<uint8_t> mask = o.read_mask();
  const emorph::TwoPointCorrelationParams p = emorph::two_point_correlation_params(o.options);
  const auto c = emorph::two_point_correlation(mask.view(), p);
  emorph::write_csv_table(o.out.csv, emorph::correlation_table(c));
  emorph::Json params = o.params();
  params.update(emorph::params_json(o.options, emorph::correlation_param_table()));
  emorph::cli::emit_results(o.out, "correlation", params, o.in, emorph::correlation_results(c, o.phase));
}

void setup_correlation(CLI::App& app) {
  auto o = std::make_shared<CorrelationOptions>();
  auto* sub = app.add_subcommand("correlation", "Two-point correlation S2(r) of a phase along each axis (non-periodic)");
  emorph::cli::add_phase_input_options(sub, *o)->required();
  emorph::cli::add_csv_option(sub, o->out);
  emorph::cli::add_param_options(sub, o->options, emorph::correlation_param_table());
  sub->get_option("--max-lag")->check(CLI::PositiveNumber);
  sub->callback([o] { run_correlation(*o); });
}

}  // namespace

EMORPH_COMMAND(setup_correlation);
