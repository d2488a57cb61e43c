// Parameter tables of the profile and fractions reports and of granulometry (see report_param_tables.hpp). Contract names:
// the CLI spells exclude_collector_um --exclude-collector, Python exclude_collector; the phases to report
// are --phase / phase= and echo as "phase".
#include "emorph/measure/report_param_tables.hpp"

namespace emorph {

const ParamTable<ProfileReportParams>& profile_param_table() {
  using P = ProfileReportParams;
  static const ParamTable<P> table = {
      {"axis", &P::axis, "", "Axis of the profile (thickness axis: collector at index 0)"},
      {"window", &P::window, "slices",
       "Moving average of the reported fractions over this odd number of slices (statistics use the per-slice "
       "fractions)"},
      {"exclude_collector_um", &P::exclude_collector_um, "um",
       "Bulk window = electrode region minus this collector-side layer", "--exclude-collector", "exclude_collector"},
      {"exclude_surface_um", &P::exclude_surface_um, "um", "Bulk window = electrode region minus this surface layer",
       "--exclude-surface", "exclude_surface"},
      {"phase", &P::only, "", "Report only these phases (each must be present)"},
      {"depleted_phase", &P::depleted_phase, "", "Phase whose depleted layer above the collector is detected"},
      {"exclude_depleted", &P::exclude_depleted, "",
       "Collector-side exclusion = the detected depleted layer (instead of --exclude-collector)"},
  };
  return table;
}

const ParamTable<FractionsReportParams>& fractions_param_table() {
  static const ParamTable<FractionsReportParams> table = {
      {"axis", &FractionsReportParams::axis, "", "Thickness axis (collector at index 0) of the electrode region"},
      {"phase", &FractionsReportParams::only, "",
       "Report only these phases (each must be present; default: every phase found in the volume)"},
      {"ratios", &FractionsReportParams::ratios, "",
       "Fraction ratios, e.g. LFP/pore,LFP/CBD (default: solids over pore and CBD)"},
  };
  return table;
}

const ParamTable<GranulometryParams>& granulometry_param_table() {
  static const ParamTable<GranulometryParams> table = {
      {"max_radius_um", &GranulometryParams::max_radius_um, "um",
       "Largest opening radius (default: until the phase is empty)", "--max-radius", "max_radius"},
      {"step_um", &GranulometryParams::step_um, "um", "Radius step (default: the smallest voxel size)", "--step",
       "step"},
      {"local_thickness", &GranulometryParams::local_thickness, "",
       "Also return local_thickness_um: 2 r of the largest opening keeping each voxel (float32 array)", "none", "",
       false},
  };
  return table;
}

}  // namespace emorph
