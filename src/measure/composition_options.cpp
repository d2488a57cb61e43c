// Parameter table of `emorph composition` (see composition_options.hpp).
#include "emorph/measure/composition_options.hpp"

namespace emorph {

namespace {

const ParamTable<CompositionOptions> kCompositionTable = {
    {"wt", &CompositionOptions::wt, "", "Weight percentages, e.g. NMC=44,LFP=44,PVdF=7.5,CB=4.5 (sum 100)"},
    {"density", &CompositionOptions::density, "g/cm3",
     "Densities; defaults NMC=4.75, LFP=3.57, CB=1.95, PVdF=1.78, Al=2.70, CBD=1.8 (sources: docs)"},
    {"porosity", &CompositionOptions::porosity, "percent",
     "Porosity (needed for vol% only; the SSA needs --wt and --bet alone)"},
    {"loading", &CompositionOptions::loading, "mg/cm2",
     "Areal mass loading (with --thickness, instead of --porosity)"},
    {"thickness", &CompositionOptions::thickness, "um", "Coating thickness (with --loading)"},
    {"bet", &CompositionOptions::bet, "m2/g",
     "BET specific surfaces of the powders, e.g. NMC=0.28,LFP=18.3,CB=65"},
    {"diameter", &CompositionOptions::diameter, "um",
     "Particle diameters for the sphere area 6/(d rho), e.g. LFP=0.2"},
};

}  // namespace

const ParamTable<CompositionOptions>& composition_param_table() { return kCompositionTable; }

CompositionParams composition_params(const CompositionOptions& o) {
  auto values = [](const std::string& spec, const char* option) {
    return spec.empty() ? NamedValues{} : parse_name_values(spec, option);
  };
  const NamedValues wt = parse_name_values(o.wt, "--wt");
  // Braced initialisers run in order: the lists are checked in the order of the CLI before this table.
  return {.wt_percent = wt,
          .density_g_cm3 = component_densities(wt, values(o.density, "--density"), PhaseTable::default_table()),
          .porosity_percent = o.porosity,
          .loading_mg_per_cm2 = o.loading,
          .thickness_um = o.thickness,
          .bet_m2_per_g = values(o.bet, "--bet"),
          .diameter_um = values(o.diameter, "--diameter")};
}

}  // namespace emorph
