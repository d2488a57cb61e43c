// analyze's [profile] keys from emorph profile's parameter table (see analysis_param_tables.hpp).
#include "emorph/report/analysis_param_tables.hpp"

#include "emorph/measure/report_param_tables.hpp"

namespace emorph {

const ParamTable<AnalysisConfig>& analysis_profile_table() {
  using C = AnalysisConfig;
  static const ParamTable<C> table = {
      rebound(profile_param_table(), "exclude_collector_um", &C::exclude_collector_um),
      rebound(profile_param_table(), "exclude_surface_um", &C::exclude_surface_um),
      {"auto_bulk", &C::auto_bulk, "",
       "Also trim the depleted and surface layers detected on the NMC (or LFP) profile", "none", "none", false},
      rebound(profile_param_table(), "window", &C::window),
  };
  return table;
}

}  // namespace emorph
