// emorph calibrate --grey G1,G2,... --lfp-fraction F1,F2,... (or --density D1,D2,...): linear
// calibration from samples of known composition (Beer-Lambert; the paper's Fig. S5), for
// `emorph analyze --lfp-calibration` (LFP fraction of the matrix) or `emorph profile --grey` (g/cm3).
#include <iostream>
#include <memory>

#include "command.hpp"
#include "common.hpp"
#include "emorph/atomic_file.hpp"
#include "emorph/error.hpp"
#include "emorph/measure/grey_calibration.hpp"
#include "emorph/measure/lfp_calibration.hpp"
#include "emorph/parse.hpp"
#include "emorph/report/calibration_plot.hpp"
#include "emorph/results/measure_results.hpp"

namespace {

using emorph::Json;

struct CalibrateOptions {
  std::string grey, density, lfp_fraction, plot;
  emorph::cli::OutputOptions out;
};

void run_calibrate(const CalibrateOptions& o) {
  if (o.density.empty() == o.lfp_fraction.empty())
    throw emorph::InputError("calibrate: give either --lfp-fraction (LFP fraction of the matrix) or --density (g/cm3)");
  const auto grey = emorph::parse_double_list(o.grey, "--grey");
  if (!o.density.empty()) {
    if (!o.plot.empty()) throw emorph::InputError("--plot: drawn for the --lfp-fraction calibration only");
    const auto c = emorph::fit_grey_calibration(grey, emorph::parse_double_list(o.density, "--density"));
    emorph::cli::emit_results(o.out, "calibrate", {{"grey", o.grey}, {"density", o.density}}, "",
                              emorph::grey_calibration_results(c));
    return;
  }
  const auto c = emorph::fit_lfp_calibration(grey, emorph::parse_double_list(o.lfp_fraction, "--lfp-fraction"));
  if (!o.plot.empty()) emorph::write_text_atomic(o.plot, emorph::lfp_calibration_svg(c));
  emorph::cli::emit_results(o.out, "calibrate", {{"grey", o.grey}, {"lfp_fraction", o.lfp_fraction}, {"plot", o.plot}},
                            "", emorph::lfp_calibration_results(c));
}

void setup_calibrate(CLI::App& app) {
  auto o = std::make_shared<CalibrateOptions>();
  auto* sub = app.add_subcommand("calibrate", "Fit a linear grey calibration (LFP fraction of the matrix, or density)");
  sub->add_option("--grey", o->grey,
                  "Mean matrix grey of each sample (results.grey_profile.matrix_mean_grey of emorph analyze), comma-separated")
      ->required();
  sub->add_option("--lfp-fraction", o->lfp_fraction,
                  "Known LFP volume fraction of each sample's matrix (LFP / (1 - NMC), 0..1), comma-separated");
  sub->add_option("--density", o->density, "Known densities of the same samples in g/cm3, comma-separated");
  emorph::cli::declare_path(
      sub->add_option("--plot", o->plot, "Write the calibration plot (samples and fitted line) to this SVG file"),
      emorph::PathKind::output_file, o->plot);
  emorph::cli::add_json_option(sub, o->out);
  sub->callback([o] { run_calibrate(*o); });
}

}  // namespace

EMORPH_COMMAND(setup_calibrate);
