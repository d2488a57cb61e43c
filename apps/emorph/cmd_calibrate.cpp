// emorph calibrate --grey G1,G2,... --density D1,D2,...: linear grey -> density calibration from
// samples of known density (Beer-Lambert; the paper's Fig. S5), for `emorph profile --grey`.
#include <memory>

#include "command.hpp"
#include "common.hpp"
#include "emorph/measure/grey_calibration.hpp"
#include "emorph/parse.hpp"

namespace {

using emorph::Json;

struct CalibrateOptions {
  std::string grey, density;
  emorph::cli::OutputOptions out;
};

void setup_calibrate(CLI::App& app) {
  auto o = std::make_shared<CalibrateOptions>();
  auto* sub = app.add_subcommand("calibrate", "Fit density = intercept + slope * grey from (mean grey, density) pairs");
  sub->add_option("--grey", o->grey, "Mean grey values of the samples, comma-separated")->required();
  sub->add_option("--density", o->density, "Known densities of the same samples in g/cm3, comma-separated")->required();
  emorph::cli::add_json_option(sub, o->out);
  sub->callback([o] {
    const auto c = emorph::fit_grey_calibration(emorph::parse_double_list(o->grey, "--grey"),
                                                emorph::parse_double_list(o->density, "--density"));
    const Json results = emorph::grey_calibration_results(c);
    emorph::cli::emit_results(o->out, "calibrate", {{"grey", o->grey}, {"density", o->density}}, "", results);
  });
}

}  // namespace

EMORPH_COMMAND(setup_calibrate);
