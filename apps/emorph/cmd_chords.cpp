// emorph chords LABELS --phase NAME: chord-length distribution and mean chord of a phase per axis.
#include <memory>

#include "command.hpp"
#include "common.hpp"
#include "param_options.hpp"
#include "emorph/measure/descriptor_param_tables.hpp"
#include "emorph/io.hpp"
#include "emorph/measure/chord_length.hpp"
#include "emorph/measure/components.hpp"
#include "emorph/measure/label_volume.hpp"
#include "emorph/measure/stats_results.hpp"
#include "emorph/measure/phase_selection.hpp"

namespace {

struct ChordsOptions : emorph::cli::PhaseInputOptions {
  emorph::ChordLengthParams chords;  // the options of its parameter table, set by the CLI directly
};

void run_chords(const ChordsOptions& o) {
  if (!o.out.csv.empty()) emorph::check_output_differs(o.in.input, o.out.csv);
  const emorph::Volume<uint8_t> mask = o.read_mask();
  const auto c = emorph::chord_lengths(mask.view(), o.chords);
  emorph::write_csv_table(o.out.csv, emorph::chords_table(c));
  emorph::Json params = o.params();
  params.update(emorph::params_json(o.chords, emorph::chords_param_table()));
  emorph::cli::emit_results(o.out, "chords", params, o.in,
                            emorph::chords_results(c, o.phase, o.chords.include_border_chords));
}

void setup_chords(CLI::App& app) {
  auto o = std::make_shared<ChordsOptions>();
  auto* sub = app.add_subcommand("chords", "Chord-length distribution and mean chord of a phase along each axis");
  emorph::cli::add_phase_input_options(sub, *o)->required();
  emorph::cli::add_csv_option(sub, o->out);
  emorph::cli::add_param_options(sub, o->chords, emorph::chords_param_table());
  sub->callback([o] { run_chords(*o); });
}

}  // namespace

EMORPH_COMMAND(setup_chords);
