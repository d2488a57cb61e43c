// emorph rev LABELS --phase NAME: variance of a phase's volume fraction over cubic subvolumes of growing
// size, the integral range and the error bar of the measured fraction.
#include <memory>

#include "command.hpp"
#include "common.hpp"
#include "emorph/io.hpp"
#include "emorph/measure/components.hpp"
#include "emorph/measure/label_volume.hpp"
#include "emorph/measure/rev.hpp"
#include "emorph/measure/stats_results.hpp"
#include "emorph/parse.hpp"
#include "emorph/measure/phase_selection.hpp"

namespace {

struct RevOptions {
  emorph::cli::InputOptions in;
  emorph::cli::PhaseOptions phases;
  emorph::cli::OutputOptions out;
  std::string phase;
  std::string sizes;
};

void run_rev(const RevOptions& o) {
  const emorph::PhaseTable table = o.phases.table();
  const emorph::Phase& phase = table.at(o.phase, "--phase");
  if (!o.out.csv.empty()) emorph::check_output_differs(o.in.input, o.out.csv);
  emorph::RevParams p;
  if (!o.sizes.empty()) p.sizes_um = emorph::parse_double_list(o.sizes, "--sizes");
  emorph::Volume<uint8_t> mask;
  {
    const auto labels = emorph::to_label_volume(emorph::read_volume(o.in.input, o.in.read_options()), o.in.input);
    emorph::require_phase_present(labels.view(), phase, "--phase");
    mask = emorph::label_mask(labels.view(), phase.label);
  }
  const auto r = emorph::representative_volume(mask.view(), p);
  if (!o.out.csv.empty()) {
    const auto t = emorph::rev_table(r);
    emorph::write_csv(o.out.csv, t.header, t.rows);
  }
  const emorph::Json params = {{"voxel", o.in.voxel}, {"phase", o.phase}, {"phases", o.phases.phases},
                               {"sizes_um", p.sizes_um}};
  emorph::cli::emit_results(o.out, "rev", params, o.in, emorph::rev_results(r, o.phase));
}

void setup_rev(CLI::App& app) {
  auto o = std::make_shared<RevOptions>();
  auto* sub = app.add_subcommand("rev", "Volume-fraction variance over growing subvolumes, integral range and error bar");
  emorph::cli::add_input_options(sub, o->in, "Label volume (uint8)");
  o->in.needs_voxel_size = true;  // results in um
  sub->add_option("--phase", o->phase, "Phase to analyse (name in the phase table)")->required();
  sub->add_option("--sizes", o->sizes,
                  "Cube edges in um, comma-separated (default: 2 voxels to half the smallest extent, ratio sqrt 2)");
  emorph::cli::add_phase_options(sub, o->phases);
  emorph::cli::add_json_option(sub, o->out);
  emorph::cli::add_csv_option(sub, o->out);
  sub->callback([o] { run_rev(*o); });
}

}  // namespace

EMORPH_COMMAND(setup_rev);
