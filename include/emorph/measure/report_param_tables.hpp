#pragma once
// The parameter tables of `emorph profile`, `emorph fractions` and `emorph granulometry` (and
// emorph.profile, emorph.fractions, emorph.granulometry, analyze's [profile] keys): one declaration of
// each option's spellings, unit, help and default.
#include "emorph/measure/fractions.hpp"
#include "emorph/measure/granulometry.hpp"
#include "emorph/measure/profile.hpp"
#include "emorph/param_table.hpp"

namespace emorph {

// axis, window, exclude_collector_um, exclude_surface_um, phase (= only), depleted_phase, exclude_depleted.
// The bulk window and the region are set apart: a CLI START_UM:END_UM or a Python tuple, and analyze's own.
const ParamTable<ProfileReportParams>& profile_param_table();

// axis, phase (= only), ratios.
const ParamTable<FractionsReportParams>& fractions_param_table();

// max_radius_um, step_um, local_thickness (Python's switch; the CLI's --local-thickness PATH sets it).
const ParamTable<GranulometryParams>& granulometry_param_table();

}  // namespace emorph
