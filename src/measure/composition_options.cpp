// Parameter table of `emorph composition` (see composition_options.hpp).
#include "emorph/measure/composition_options.hpp"

namespace emorph {

const ParamTable<CompositionOptions>& composition_param_table() {
  using O = CompositionOptions;
  static const ParamTable<O> table = {
      {"wt", &O::wt, "", "Weight percentages, e.g. NMC=44,LFP=44,PVdF=7.5,CB=4.5 (sum 100)"},
      {"density", &O::density, "g/cm3",
       "Densities; defaults NMC=4.75, LFP=3.57, CB=1.95, PVdF=1.78, Al=2.70, CBD=1.8 (sources: docs)"},
      {"porosity", &O::porosity, "percent",
       "Porosity (needed for vol% only; the SSA needs --wt and --bet alone)"},
      {"loading", &O::loading, "mg/cm2", "Areal mass loading (with --thickness, instead of --porosity)"},
      {"thickness", &O::thickness, "um", "Coating thickness (with --loading)"},
      {"bet", &O::bet, "m2/g", "BET specific surfaces of the powders, e.g. NMC=0.28,LFP=18.3,CB=65"},
      {"diameter", &O::diameter, "um", "Particle diameters for the sphere area 6/(d rho), e.g. LFP=0.2"},
  };
  return table;
}

CompositionParams composition_params(const CompositionOptions& o) {
  CompositionParams p;
  p.wt_percent = parse_name_values(o.wt, "--wt");
  const NamedValues given = o.density.empty() ? NamedValues{} : parse_name_values(o.density, "--density");
  p.density_g_cm3 = component_densities(p.wt_percent, given, PhaseTable::default_table());
  if (!o.bet.empty()) p.bet_m2_per_g = parse_name_values(o.bet, "--bet");
  if (!o.diameter.empty()) p.diameter_um = parse_name_values(o.diameter, "--diameter");
  p.porosity_percent = o.porosity;
  p.loading_mg_per_cm2 = o.loading;
  p.thickness_um = o.thickness;
  return p;
}

}  // namespace emorph
