// emorph chords LABELS --phase NAME: chord-length distribution and mean chord of a phase per axis.
#include "command.hpp"
#include "phase_statistic.hpp"
#include "emorph/measure/chord_length.hpp"
#include "emorph/measure/descriptor_param_tables.hpp"

namespace {

void setup_chords(CLI::App& app) {
  emorph::cli::add_phase_statistic<emorph::ChordLengthParams>(
      app, "chords", "Chord-length distribution and mean chord of a phase along each axis", emorph::chords_param_table(),
      [](const emorph::ChordLengthParams& p, emorph::VolumeView<const uint8_t> mask, const std::string& phase) {
        const auto c = emorph::chord_lengths(mask, p);
        return std::pair{emorph::chords_results(c, phase, p.include_border_chords), emorph::chords_table(c)};
      });
}

}  // namespace

EMORPH_COMMAND(setup_chords);
