#pragma once
// The analyze steps `[measure] chords`, `correlation` and `rev` (off by default): per phase the same
// results object as the standalone command, and their report sections.
#include <string>

#include "emorph/result.hpp"
#include "emorph/volume.hpp"

namespace emorph {

class HtmlReport;

// step: "chords", "correlation" or "rev"; mask: nonzero = the phase. Default parameters of each command.
Json statistics_step_results(const std::string& step, VolumeView<const uint8_t> mask, const std::string& phase);

// Plots and tables of results.chords / .correlation / .rev when present.
void statistics_sections(HtmlReport& report, const Json& results);

}  // namespace emorph
