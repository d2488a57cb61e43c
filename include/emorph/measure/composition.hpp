#pragma once
// Electrode composition calculator (no image): wt% + material densities + porosity -> vol% of each
// component; porosity from areal loading and thickness; theoretical specific surface from the
// powders' BET areas (the paper's Tables 1 and 4).
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "emorph/phase_table.hpp"

namespace emorph {

using NamedValues = std::vector<std::pair<std::string, double>>;

struct CompositionParams {
  NamedValues wt_percent;      // components in the user's order; must sum to 100 (+-0.5)
  NamedValues density_g_cm3;   // one per component (names as in wt_percent); needed for vol% only
  std::optional<double> porosity_percent;     // either this ... (none: no vol%, the SSA still comes)
  std::optional<double> loading_mg_per_cm2;   // ... or areal loading and thickness
  std::optional<double> thickness_um;
  NamedValues bet_m2_per_g;    // optional, per component
  NamedValues diameter_um;     // optional: geometric specific surface 6 / (d rho) of dense spheres
};

struct CompositionResult {
  std::optional<double> porosity_percent;  // absent without porosity or loading + thickness
  bool porosity_from_loading = false;
  std::optional<double> solid_density_g_cm3;  // 1 / sum(w_i / rho_i) (every density known)
  NamedValues vol_percent;             // of the electrode volume (pores included), per component (porosity known)
  NamedValues solid_vol_percent;       // of the solid volume only (every density known)
  std::optional<double> theoretical_ssa_m2_per_g;   // sum w_i * BET_i over components with a BET value
  NamedValues ssa_contribution_m2_per_g;            // w_i * BET_i per component with a BET value
  std::vector<std::string> no_bet;                  // components without a BET value (contribute 0)
  NamedValues geometric_ssa_m2_per_g;               // 6 / (d rho) per component with a diameter
  // Theoretical value with the geometric area replacing BET where a diameter is given (the paper's
  // second LFP value); absent without diameters.
  std::optional<double> theoretical_ssa_geometric_m2_per_g;
};

CompositionResult composition(const CompositionParams& params);

// Geometric specific surface of dense spheres of diameter d (um) and density rho (g/cm3), in m2/g.
double sphere_specific_surface_m2_per_g(double diameter_um, double density_g_cm3);

// Default densities (g/cm3) of the paper's material names, each with its source:
// NMC 4.75 (crystallographic density of LiNi1/3Mn1/3Co1/3O2, 4.7-4.8), LFP 3.57 (Etiemble et al. 2017,
// Table 3 footnote), CB 1.95 (middle of the 1.8-2.1 reported for conductive carbon blacks), PVdF 1.78
// (1.75-1.80 of PVdF binder grades), Al 2.70 (aluminium, CRC Handbook). Also CBD 1.8 (the phase table's
// CB + PVdF mixture).
const NamedValues& default_material_densities();

// The density of every component of `wt_percent`: the default material densities above, then the
// phase table's where the name is a phase with a density, replaced or extended by `given` (g/cm3).
NamedValues component_densities(const NamedValues& wt_percent, const NamedValues& given, const PhaseTable& table);

}  // namespace emorph
