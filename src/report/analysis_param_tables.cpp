// analyze's [profile], [particles], [segment] and [preprocess] keys from the parameter tables of emorph profile,
// emorph particles and emorph segment
// (see analysis_param_tables.hpp).
#include "emorph/report/analysis_param_tables.hpp"

#include "emorph/measure/report_param_tables.hpp"
#include "emorph/segment/particle_options.hpp"
#include "emorph/segment/segment_options.hpp"

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

const ParamTable<AnalysisConfig>& analysis_particles_table() {
  using C = AnalysisConfig;
  static const ParamTable<C> table = {
      rebound(particles_param_table(), "quantile", &C::size_class_quantile),
      rebound(particles_param_table(), "min_volume_um3", &C::min_particle_volume_um3),
  };
  return table;
}

const ParamTable<AnalysisConfig>& analysis_segment_table() {
  using C = AnalysisConfig;
  static const ParamTable<C> table = {
      rebound(segment_param_table(), "method", &C::method),
      {"classes", &C::classes, "",
       "Phase of each grey class, darkest first (a FIB/SEM stack: pore, CBD, LFP, NMC with method fibsem)", "none",
       "none"},
  };
  return table;
}

const ParamTable<AnalysisConfig>& analysis_preprocess_table() {
  static const ParamTable<AnalysisConfig> table = {rebound(segment_param_table(), "denoise", &AnalysisConfig::denoise)};
  return table;
}

const std::vector<ConfigAlias>& analysis_config_aliases() {
  static const std::vector<ConfigAlias> aliases = {
      {"measure", "size_class_quantile", "particles", "quantile", ""},
      {"measure", "min_particle_voxels", "particles", "min_volume_um3",
       "in voxels instead of um^3 (given neither, analyze leaves out particles under 27 voxels, 3x3x3)"},
  };
  return aliases;
}

}  // namespace emorph
