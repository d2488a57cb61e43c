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

void run_composition(const CompositionOptions& o) {
  emorph::CompositionParams p;
  p.wt_percent = emorph::parse_name_values(o.wt, "--wt");
  const emorph::NamedValues given = o.density.empty() ? emorph::NamedValues{} : emorph::parse_name_values(o.density, "--density");
  p.density_g_cm3 = emorph::component_densities(p.wt_percent, given, emorph::PhaseTable::default_table());
  if (!o.bet.empty()) p.bet_m2_per_g = emorph::parse_name_values(o.bet, "--bet");
  if (!o.diameter.empty()) p.diameter_um = emorph::parse_name_values(o.diameter, "--diameter");
  p.porosity_percent = o.porosity;
  p.loading_mg_per_cm2 = o.loading;
  p.thickness_um = o.thickness;
  const Json results = emorph::composition_results(p);
  if (!o.out.csv.empty()) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& [name, wt] : p.wt_percent)
      rows.push_back({name, Json(wt).dump(), results.value("vol_percent", Json::object()).value(name, Json()).dump(),
                      results.value("solid_vol_percent", Json::object()).value(name, Json()).dump()});
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
  sub->add_option("--density", o->density, "Densities g/cm3; defaults NMC=4.75, LFP=3.57, CB=1.95, PVdF=1.78, Al=2.70, CBD=1.8 (sources: docs)");
  sub->add_option("--porosity", o->porosity, "Porosity in percent (needed for vol% only; the SSA needs --wt and --bet alone)");
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
