// emorph chords LABELS --phase NAME: chord-length distribution and mean chord of a phase per axis.
#include <memory>

#include "command.hpp"
#include "common.hpp"
#include "emorph/io.hpp"
#include "emorph/measure/chord_length.hpp"
#include "emorph/measure/components.hpp"
#include "emorph/measure/label_volume.hpp"
#include "emorph/measure/stats_results.hpp"
#include "emorph/measure/phase_selection.hpp"

namespace {

struct ChordsOptions {
  emorph::cli::InputOptions in;
  emorph::cli::PhaseOptions phases;
  emorph::cli::OutputOptions out;
  std::string phase;
  bool include_border = false;
};

void run_chords(const ChordsOptions& o) {
  const emorph::PhaseTable table = o.phases.table();
  const emorph::Phase& phase = table.at(o.phase, "--phase");
  if (!o.out.csv.empty()) emorph::check_output_differs(o.in.input, o.out.csv);
  emorph::Volume<uint8_t> mask;
  {
    const auto labels = emorph::to_label_volume(emorph::read_volume(o.in.input, o.in.read_options()), o.in.input);
    emorph::require_phase_present(labels.view(), phase, "--phase");
    mask = emorph::label_mask(labels.view(), phase.label);
  }
  emorph::ChordLengthParams p;
  p.include_border_chords = o.include_border;
  const auto c = emorph::chord_lengths(mask.view(), p);
  if (!o.out.csv.empty()) {
    const auto t = emorph::chords_table(c);
    emorph::write_csv(o.out.csv, t.header, t.rows);
  }
  const emorph::Json params = {
      {"voxel", o.in.voxel}, {"phase", o.phase}, {"phases", o.phases.phases}, {"include_border", o.include_border}};
  emorph::cli::emit_results(o.out, "chords", params, o.in, emorph::chords_results(c, o.phase, o.include_border));
}

void setup_chords(CLI::App& app) {
  auto o = std::make_shared<ChordsOptions>();
  auto* sub = app.add_subcommand("chords", "Chord-length distribution and mean chord of a phase along each axis");
  emorph::cli::add_input_options(sub, o->in, "Label volume (uint8)");
  o->in.needs_voxel_size = true;  // results in um
  sub->add_option("--phase", o->phase, "Phase to analyse (name in the phase table)")->required();
  sub->add_flag("--include-border", o->include_border,
                "Also count chords touching the volume's border (truncated; left out by default, as PoreSpy)");
  emorph::cli::add_phase_options(sub, o->phases);
  emorph::cli::add_json_option(sub, o->out);
  emorph::cli::add_csv_option(sub, o->out);
  sub->callback([o] { run_chords(*o); });
}

}  // namespace

EMORPH_COMMAND(setup_chords);
