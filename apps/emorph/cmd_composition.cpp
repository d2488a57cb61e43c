// emorph composition --wt ... --density ... --porosity P [--bet ...]: vol% of each component, porosity
// from loading and thickness, theoretical specific surface (no image needed).
#include <memory>

#include "command.hpp"
#include "common.hpp"
#include "emorph/measure/composition.hpp"

namespace {

using emorph::Json;

struct CompositionOptions {
  std::string wt, density, bet, diameter;
  std::optional<double> porosity, loading, thickness;
  emorph::cli::OutputOptions out;
};

Json named_json(const emorph::NamedValues& v) {
  Json j = Json::object();
  for (const auto& [name, x] : v) j[name] = x;
  return j;
}

void run_composition(const CompositionOptions& o) {
  emorph::CompositionParams p;
  p.wt_percent = emorph::parse_name_values(o.wt, "--wt");
  // Densities default to the phase table's by name (NMC, LFP, CBD); --density adds or overrides.
  const auto table = emorph::PhaseTable::default_table();
  for (const auto& [name, w] : p.wt_percent)
    if (const auto* phase = table.find(name); phase && phase->density_g_cm3) p.density_g_cm3.emplace_back(name, *phase->density_g_cm3);
  if (!o.density.empty())
    for (const auto& [name, rho] : emorph::parse_name_values(o.density, "--density")) {
      bool replaced = false;
      for (auto& [n, v] : p.density_g_cm3)
        if (n == name) v = rho, replaced = true;
      if (!replaced) p.density_g_cm3.emplace_back(name, rho);
    }
  if (!o.bet.empty()) p.bet_m2_per_g = emorph::parse_name_values(o.bet, "--bet");
  if (!o.diameter.empty()) p.diameter_um = emorph::parse_name_values(o.diameter, "--diameter");
  p.porosity_percent = o.porosity;
  p.loading_mg_per_cm2 = o.loading;
  p.thickness_um = o.thickness;
  const auto r = emorph::composition(p);

  Json results = {{"porosity_percent", r.porosity_percent},
                  {"porosity_from_loading", r.porosity_from_loading},
                  {"solid_density_g_cm3", r.solid_density_g_cm3},
                  {"vol_percent", named_json(r.vol_percent)},
                  {"solid_vol_percent", named_json(r.solid_vol_percent)},
                  {"no_bet", r.no_bet}};
  results["theoretical_ssa_m2_per_g"] = r.theoretical_ssa_m2_per_g ? Json(*r.theoretical_ssa_m2_per_g) : Json(nullptr);
  if (!r.ssa_contribution_m2_per_g.empty()) results["ssa_contribution_m2_per_g"] = named_json(r.ssa_contribution_m2_per_g);
  if (!r.geometric_ssa_m2_per_g.empty()) {
    results["geometric_ssa_m2_per_g"] = named_json(r.geometric_ssa_m2_per_g);
    results["theoretical_ssa_geometric_m2_per_g"] = *r.theoretical_ssa_geometric_m2_per_g;
  }
  if (!o.out.csv.empty()) {
    std::vector<std::vector<std::string>> rows;
    for (std::size_t i = 0; i < r.vol_percent.size(); ++i)
      rows.push_back({r.vol_percent[i].first, Json(p.wt_percent[i].second).dump(), Json(r.vol_percent[i].second).dump(),
                      Json(r.solid_vol_percent[i].second).dump()});
    emorph::write_csv(o.out.csv, {"component", "wt_percent", "vol_percent", "solid_vol_percent"}, rows);
  }
  const Json params = {{"wt", o.wt}, {"density", o.density}, {"bet", o.bet}, {"diameter", o.diameter},
                       {"porosity", o.porosity ? Json(*o.porosity) : Json(nullptr)},
                       {"loading", o.loading ? Json(*o.loading) : Json(nullptr)},
                       {"thickness", o.thickness ? Json(*o.thickness) : Json(nullptr)}};
  emorph::cli::emit_results(o.out, "composition", params, "", results);
}

void setup_composition(CLI::App& app) {
  auto o = std::make_shared<CompositionOptions>();
  auto* sub = app.add_subcommand("composition", "Electrode composition: vol% from wt%, porosity, theoretical SSA");
  sub->add_option("--wt", o->wt, "Weight percentages, e.g. NMC=44,LFP=44,PVdF=7.5,CB=4.5 (sum 100)")->required();
  sub->add_option("--density", o->density, "Densities g/cm3 (NMC, LFP, CBD default from the phase table)");
  sub->add_option("--porosity", o->porosity, "Porosity in percent");
  sub->add_option("--loading", o->loading, "Areal mass loading in mg/cm2 (with --thickness, instead of --porosity)");
  sub->add_option("--thickness", o->thickness, "Coating thickness in um (with --loading)");
  sub->add_option("--bet", o->bet, "BET specific surfaces of the powders in m2/g, e.g. NMC=0.28,LFP=18.3,CB=65");
  sub->add_option("--diameter", o->diameter, "Particle diameters in um for the sphere area 6/(d rho), e.g. LFP=0.2");
  emorph::cli::add_json_option(sub, o->out);
  emorph::cli::add_csv_option(sub, o->out);
  sub->callback([o] { run_composition(*o); });
}

}  // namespace

EMORPH_COMMAND(setup_composition);
