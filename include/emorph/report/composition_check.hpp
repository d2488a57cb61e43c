#pragma once
// Composition against measurement (Etiemble et al. 2017, Tables 1 and 4): each phase's measured
// electrode vol% next to the vol% its weight composition and porosity imply, and the measured electrode
// specific surface next to the theoretical one from the powders' BET areas.
#include "emorph/phase_table.hpp"
#include "emorph/report/lfp_options.hpp"
#include "emorph/result.hpp"

namespace emorph {

// From analyze's results (fractions, lfp, surface) and the [lfp] composition options: the
// results.composition_check object: phases.<name>.{measured_vol_percent, composition_vol_percent,
// measured_source}, ssa.{theoretical_m2_per_g, measured_m2_per_g, measured_note}, composition (the
// calculator's results). Empty object without --composition or --bet.
Json composition_check(const LfpOptions& options, const PhaseTable& table, const Json& results);

}  // namespace emorph
