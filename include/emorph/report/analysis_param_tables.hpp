#pragma once
// The keys of analyze's TOML sections that hold a command's parameters, from that command's parameter
// table (same key, type, unit and help): what `--set SECTION.KEY=VALUE`, the config file and
// docs/parameters.md accept for them.
#include "emorph/param_table.hpp"
#include "emorph/report/analysis_config.hpp"

namespace emorph {

// [profile]: window, exclude_collector_um, exclude_surface_um (emorph profile's table), auto_bulk.
const ParamTable<AnalysisConfig>& analysis_profile_table();

}  // namespace emorph
