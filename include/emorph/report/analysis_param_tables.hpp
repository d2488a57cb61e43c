#pragma once
// The keys of analyze's TOML sections that hold a command's parameters, from that command's parameter
// table (same key, type, unit and help): what `--set SECTION.KEY=VALUE`, the config file and
// docs/parameters.md accept for them.
#include <string>
#include <vector>

#include "emorph/param_table.hpp"
#include "emorph/report/analysis_config.hpp"

namespace emorph {

// [profile]: window, exclude_collector_um, exclude_surface_um (emorph profile's table), auto_bulk.
const ParamTable<AnalysisConfig>& analysis_profile_table();

// [particles]: quantile, min_volume_um3 (emorph particles' table), bound to size_class_quantile and
// min_particle_volume_um3.
const ParamTable<AnalysisConfig>& analysis_particles_table();

// [segment]: method (emorph segment's table) and classes (a list of phase names here, one per grey class).
const ParamTable<AnalysisConfig>& analysis_segment_table();

// [preprocess]: denoise (emorph segment's table).
const ParamTable<AnalysisConfig>& analysis_preprocess_table();

// An older key that a table's key replaced: it still loads; giving both is an error naming both.
struct ConfigAlias {
  std::string old_section, old_key;  // "measure", "size_class_quantile"
  std::string section, key;          // "particles", "quantile"
  std::string note;                  // how the values relate ("" when equal; else e.g. the unit)
};
// measure.size_class_quantile = particles.quantile; measure.min_particle_voxels = particles.min_volume_um3
// in voxels (times the voxel volume).
const std::vector<ConfigAlias>& analysis_config_aliases();

}  // namespace emorph
