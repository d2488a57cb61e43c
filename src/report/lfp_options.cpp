// The [lfp] options of analyze: command-line overrides and their record in results.json.
#include "emorph/report/lfp_options.hpp"

namespace emorph {

void apply_lfp_overrides(const LfpOptions& g, LfpOptions& c) {
  auto text = [](const std::string& from, std::string& to) { if (!from.empty()) to = from; };
  auto number = [](const std::optional<double>& from, std::optional<double>& to) { if (from) to = from; };
  text(g.calibration, c.calibration);
  text(g.composition, c.composition);
  text(g.bet, c.bet);
  number(g.mean, c.mean);
  number(g.pore_grey, c.pore_grey);
  number(g.porosity_percent, c.porosity_percent);
  number(g.loading_mg_per_cm2, c.loading_mg_per_cm2);
  number(g.thickness_um, c.thickness_um);
  number(g.erosion_um, c.erosion_um);
}

Json lfp_options_json(const LfpOptions& o) {
  Json j = Json::object();
  auto text = [&](const char* key, const std::string& v) { if (!v.empty()) j[key] = v; };
  auto number = [&](const char* key, const std::optional<double>& v) { if (v) j[key] = *v; };
  text("calibration", o.calibration);
  number("mean", o.mean);
  number("pore_grey", o.pore_grey);
  text("composition", o.composition);
  number("porosity", o.porosity_percent);
  number("loading", o.loading_mg_per_cm2);
  number("thickness", o.thickness_um);
  text("bet", o.bet);
  number("erosion_um", o.erosion_um);
  return j;
}

}  // namespace emorph
