// Composition arithmetic of porous electrodes (Etiemble et al. 2017, Tables 1 and 4): volume shares
// from weight shares and densities, porosity from mass loading, theoretical specific surface as the
// weight-averaged BET area of the powders and the sphere relation S = 6 / (d rho).
#include "emorph/measure/composition.hpp"

#include <cmath>

#include "emorph/error.hpp"

namespace emorph {
namespace {

const double* find_value(const NamedValues& values, const std::string& name) {
  for (const auto& [n, v] : values)
    if (n == name) return &v;
  return nullptr;
}

// Every name in `values` must be a component.
void check_names(const NamedValues& values, const NamedValues& components, const std::string& option) {
  for (const auto& [name, v] : values) {
    require(find_value(components, name) != nullptr, option + ": '" + name + "' is not a component of --wt");
    require(std::isfinite(v), option + ": value for '" + name + "' must be finite");
  }
}

}  // namespace

double sphere_specific_surface_m2_per_g(double diameter_um, double density_g_cm3) {
  require(diameter_um > 0 && density_g_cm3 > 0, "sphere specific surface: diameter and density must be positive");
  // 6 / (d rho): um^-1 / (g cm^-3) = 1e6 m^-1 / (1e6 g m^-3) = m^2 / g.
  return 6.0 / (diameter_um * density_g_cm3);
}

CompositionResult composition(const CompositionParams& p) {
  require(!p.wt_percent.empty(), "--wt: no components given");
  double wt_sum = 0;
  for (const auto& [name, w] : p.wt_percent) {
    require(std::isfinite(w) && w >= 0, "--wt: '" + name + "' must be a non-negative percentage");
    wt_sum += w;
  }
  require(std::fabs(wt_sum - 100.0) <= 0.5, "--wt: percentages sum to " + std::to_string(wt_sum) + ", expected 100");
  check_names(p.density_g_cm3, p.wt_percent, "--density");
  check_names(p.bet_m2_per_g, p.wt_percent, "--bet");
  check_names(p.diameter_um, p.wt_percent, "--diameter");
  for (const auto& [name, rho] : p.density_g_cm3) require(rho > 0, "--density: density of '" + name + "' must be positive");
  require(!(p.porosity_percent && (p.loading_mg_per_cm2 || p.thickness_um)),
          "--porosity: give either the porosity or --loading and --thickness");
  require(!p.loading_mg_per_cm2 == !p.thickness_um, "--loading and --thickness go together (or give --porosity)");
  const bool volumes_asked = p.porosity_percent || p.loading_mg_per_cm2;

  CompositionResult r;
  // Volume per gram of solid: sum w_i / rho_i (w as a fraction); needs every density.
  double specific_volume = 0;
  std::vector<double> partial;
  for (const auto& [name, w] : p.wt_percent) {
    const double* rho = find_value(p.density_g_cm3, name);
    if (!rho) {
      require(!volumes_asked, "--density: no density for component '" + name + "' (needed for vol%)");
      partial.clear();
      break;
    }
    partial.push_back(w / 100.0 / *rho);
    specific_volume += partial.back();
  }
  if (!partial.empty()) r.solid_density_g_cm3 = 1.0 / specific_volume;

  if (p.porosity_percent) {
    r.porosity_percent = *p.porosity_percent;
  } else if (p.loading_mg_per_cm2) {
    require(*p.loading_mg_per_cm2 > 0, "--loading must be positive");
    require(*p.thickness_um > 0, "--thickness must be positive");
    // Coating density = (loading mg/cm2 * 1e-3 g/mg) / (thickness um * 1e-4 cm/um).
    const double coating_density = *p.loading_mg_per_cm2 * 1e-3 / (*p.thickness_um * 1e-4);
    r.porosity_percent = 100.0 * (1.0 - coating_density / *r.solid_density_g_cm3);
    r.porosity_from_loading = true;
  }
  if (r.porosity_percent)
    require(std::isfinite(*r.porosity_percent) && *r.porosity_percent >= 0 && *r.porosity_percent < 100,
            "--porosity: must lie in [0, 100) percent (got " + std::to_string(*r.porosity_percent) + ")");

  double ssa = 0, ssa_geometric = 0;
  bool any_bet = false;
  for (std::size_t i = 0; i < p.wt_percent.size(); ++i) {
    const auto& [name, w] = p.wt_percent[i];
    if (!partial.empty()) {
      const double solid_share = partial[i] / specific_volume;
      r.solid_vol_percent.emplace_back(name, 100.0 * solid_share);
      if (r.porosity_percent) r.vol_percent.emplace_back(name, solid_share * (100.0 - *r.porosity_percent));
    }
    const double* bet = find_value(p.bet_m2_per_g, name);
    const double* diameter = find_value(p.diameter_um, name);
    if (diameter) {
      const double* rho = find_value(p.density_g_cm3, name);
      require(rho != nullptr, "--diameter: the sphere area of '" + name + "' needs its density (--density)");
      const double g = sphere_specific_surface_m2_per_g(*diameter, *rho);
      r.geometric_ssa_m2_per_g.emplace_back(name, g);
      ssa_geometric += w / 100.0 * g;
    } else if (bet) {
      ssa_geometric += w / 100.0 * *bet;
    }
    if (bet) {
      require(*bet >= 0, "--bet: area of '" + name + "' must be non-negative");
      any_bet = true;
      r.ssa_contribution_m2_per_g.emplace_back(name, w / 100.0 * *bet);
      ssa += w / 100.0 * *bet;
    } else {
      r.no_bet.push_back(name);
    }
  }
  if (any_bet) r.theoretical_ssa_m2_per_g = ssa;
  if (!r.geometric_ssa_m2_per_g.empty()) r.theoretical_ssa_geometric_m2_per_g = ssa_geometric;
  return r;
}

const NamedValues& default_material_densities() {
  static const NamedValues densities = {{"NMC", 4.75}, {"LFP", 3.57}, {"CB", 1.95}, {"PVdF", 1.78}, {"Al", 2.70}, {"CBD", 1.8}};
  return densities;
}

NamedValues component_densities(const NamedValues& wt_percent, const NamedValues& given, const PhaseTable& table) {
  NamedValues densities;
  auto set = [&](const std::string& name, double rho) {
    for (auto& [n, v] : densities)
      if (n == name) return void(v = rho);
    densities.emplace_back(name, rho);
  };
  for (const auto& [name, w] : wt_percent) {
    if (const double* d = find_value(default_material_densities(), name)) set(name, *d);
    if (const auto* phase = table.find(name); phase && phase->density_g_cm3) set(name, *phase->density_g_cm3);
  }
  for (const auto& [name, rho] : given) set(name, rho);
  return densities;
}

}  // namespace emorph
