// emorph rev LABELS --phase NAME: variance of a phase's volume fraction over cubic subvolumes of growing
// size, the integral range and the error bar of the measured fraction.
#include <memory>

#include "command.hpp"
#include "common.hpp"
#include "param_options.hpp"
#include "emorph/measure/descriptor_param_tables.hpp"
#include "emorph/io.hpp"
#include "emorph/measure/components.hpp"
#include "emorph/measure/label_volume.hpp"
#include "emorph/measure/rev.hpp"
#include "emorph/measure/stats_results.hpp"
#include "emorph/measure/phase_selection.hpp"

namespace {

struct RevOptions : emorph::cli::PhaseInputOptions {
  emorph::RevParams rev;  // the options of its parameter table, set by the CLI directly
};

void run_rev(const RevOptions& o) {
  if (!o.out.csv.empty()) emorph::check_output_differs(o.in.input, o.out.csv);
  const emorph::Volume<uint8_t> mask = o.read_mask();
  const auto r = emorph::representative_volume(mask.view(), o.rev);
  emorph::write_csv_table(o.out.csv, emorph::rev_table(r));
  emorph::Json params = o.params();
  params.update(emorph::params_json(o.rev, emorph::rev_param_table()));
  emorph::cli::emit_results(o.out, "rev", params, o.in, emorph::rev_results(r, o.phase));
}

void setup_rev(CLI::App& app) {
  auto o = std::make_shared<RevOptions>();
  auto* sub = app.add_subcommand("rev", "Volume-fraction variance over growing subvolumes, integral range and error bar");
  emorph::cli::add_phase_input_options(sub, *o)->required();
  emorph::cli::add_csv_option(sub, o->out);
  emorph::cli::add_param_options(sub, o->rev, emorph::rev_param_table());
  sub->callback([o] { run_rev(*o); });
}

}  // namespace

EMORPH_COMMAND(setup_rev);
