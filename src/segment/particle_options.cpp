// Parameter tables of particle separation and sizing (see particle_options.hpp). Contract names: the CLI
// spells hmax_um --hmax and min_volume_um3 --min-volume, the Python keywords hmax and min_volume.
#include "emorph/segment/particle_options.hpp"

#include <string>

#include "emorph/error.hpp"

namespace emorph {

const ParamTable<SeparationOptions>& separation_param_table() {
  using O = SeparationOptions;
  static const ParamTable<O> table = {
      {"separate", &O::separate, "", "Watershed separation of touching particles (off: connected components only)",
       "--no-separate"},
      {"hmax_um", &O::hmax_um, "um",
       "Depth a distance-map maximum needs to seed its own particle (default 2 voxels): lower splits more, "
       "higher merges more",
       "--hmax", "hmax"},
      {"exclude_border", &O::exclude_border, "", "Leave out particles cut by a face of the volume"},
      {"connectivity", &O::connectivity, "", "Connectivity of the components without separation (6, 18, 26)"},
      {"min_volume_um3", &O::min_volume_um3, "um^3",
       "Leave out particles smaller than this volume (threshold specks); 0 keeps all", "--min-volume", "min_volume"},
  };
  return table;
}

const ParamTable<ParticlesOptions>& particles_param_table() {
  using O = ParticlesOptions;
  static const ParamTable<O> table = [] {
    ParamTable<O> t = derived_table<O>(separation_param_table());
    t.insert(t.end(),
             {
                 {"surface", &O::surface, "", "Surface areas and sphericity (off: NaN, faster)", "--no-surface", "",
                  false},
                 {"quantile", &O::quantile, "", "Share of particles in the smallest and largest size classes"},
                 {"axis", &O::axis, "", "Thickness axis of the size-class profiles"},
                 {"bins", &O::bins, "", "Histogram bins (logarithmic) of the size distribution"},
                 {"return_labels", &O::return_labels, "", "Also return the particle labels (uint32 array)", "none", "",
                  false},
             });
    return t;
  }();
  return table;
}

ParticleAnalysisParams particle_analysis_params(const SeparationOptions& o) {
  require(!o.hmax_um || *o.hmax_um > 0, "--hmax must be a positive depth in um");
  require(o.connectivity == 6 || o.connectivity == 18 || o.connectivity == 26,
          "--connectivity must be 6, 18 or 26, got " + std::to_string(o.connectivity));
  require(!o.min_volume_um3 || *o.min_volume_um3 >= 0, "--min-volume must be >= 0 um^3");
  ParticleAnalysisParams p;
  p.separate = o.separate;
  if (o.hmax_um) p.separation.h_um = *o.hmax_um;
  p.separation.exclude_border = o.exclude_border;
  p.connectivity = o.connectivity;
  p.measures.min_volume_um3 = o.min_volume_um3.value_or(0);
  return p;
}

ParticleAnalysisParams particle_analysis_params(const ParticlesOptions& o) {
  require(o.axis >= 0 && o.axis <= 2, "--axis must be 0, 1 or 2 (got " + std::to_string(o.axis) + ")");
  ParticleAnalysisParams p = particle_analysis_params(static_cast<const SeparationOptions&>(o));
  p.measures.surface_area = o.surface;
  p.distribution.bins = o.bins;
  p.classes.quantile = o.quantile;
  p.classes.axis = o.axis;
  return p;
}

}  // namespace emorph
