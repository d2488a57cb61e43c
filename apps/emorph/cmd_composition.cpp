// emorph composition --wt ... --density ... --porosity P [--bet ...]: vol% of each component, porosity
// from loading and thickness, theoretical specific surface (no image needed).
#include <memory>

#include "command.hpp"
#include "common.hpp"
#include "emorph/measure/composition_options.hpp"
#include "emorph/results/measure_results.hpp"
#include "param_options.hpp"

namespace {

using emorph::Json;

struct CompositionCommand {
  emorph::CompositionOptions params;  // the options of the parameter table
  emorph::cli::OutputOptions out;
};

void run_composition(const CompositionCommand& o) {
  const emorph::CompositionParams p = emorph::composition_params(o.params);
  const Json results = emorph::composition_results(p);
  if (!o.out.csv.empty()) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& [name, wt] : p.wt_percent)
      rows.push_back({name, Json(wt).dump(), results.value("vol_percent", Json::object()).value(name, Json()).dump(),
                      results.value("solid_vol_percent", Json::object()).value(name, Json()).dump()});
    emorph::write_csv(o.out.csv, {"component", "wt_percent", "vol_percent", "solid_vol_percent"}, rows);
  }
  const Json params = emorph::params_json(o.params, emorph::composition_param_table());
  emorph::cli::emit_results(o.out, "composition", params, "", results);
}

void setup_composition(CLI::App& app) {
  auto o = std::make_shared<CompositionCommand>();
  auto* sub = app.add_subcommand("composition", "Electrode composition: vol% from wt%, porosity, theoretical SSA");
  emorph::cli::add_param_options(sub, o->params, emorph::composition_param_table());
  sub->get_option("--wt")->required();
  emorph::cli::add_json_option(sub, o->out);
  emorph::cli::add_csv_option(sub, o->out);
  sub->callback([o] { run_composition(*o); });
}

}  // namespace

EMORPH_COMMAND(setup_composition);
