// emorph correlation LABELS --phase NAME: two-point correlation S2(r) of a phase along each axis.
#include <memory>

#include "command.hpp"
#include "common.hpp"
#include "emorph/io.hpp"
#include "emorph/measure/components.hpp"
#include "emorph/measure/label_volume.hpp"
#include "emorph/measure/stats_results.hpp"
#include "emorph/measure/two_point_correlation.hpp"
#include "emorph/measure/phase_selection.hpp"

namespace {

struct CorrelationOptions : emorph::cli::PhaseInputOptions {
  double max_lag_um = 0;
  std::string method = "auto";
};

void run_correlation(const CorrelationOptions& o) {
  if (!o.out.csv.empty()) emorph::check_output_differs(o.in.input, o.out.csv);
  const emorph::Volume<uint8_t> mask = o.read_mask();
  emorph::TwoPointCorrelationParams p;
  if (o.max_lag_um != 0) p.max_lag_um = o.max_lag_um;
  p.method = emorph::parse_correlation_method(o.method);
  const auto c = emorph::two_point_correlation(mask.view(), p);
  emorph::write_csv_table(o.out.csv, emorph::correlation_table(c));
  emorph::Json params = o.params();
  params.update({{"max_lag_um", p.max_lag_um ? emorph::Json(*p.max_lag_um) : emorph::Json(nullptr)}, {"method", o.method}});
  emorph::cli::emit_results(o.out, "correlation", params, o.in, emorph::correlation_results(c, o.phase));
}

void setup_correlation(CLI::App& app) {
  auto o = std::make_shared<CorrelationOptions>();
  auto* sub = app.add_subcommand("correlation", "Two-point correlation S2(r) of a phase along each axis (non-periodic)");
  emorph::cli::add_phase_input_options(sub, *o)->required();
  emorph::cli::add_csv_option(sub, o->out);
  sub->add_option("--max-lag", o->max_lag_um, "Largest lag in um (default: half the extent along each axis)")
      ->check(CLI::PositiveNumber);
  sub->add_option("--method", o->method,
                  "auto (default: the cheaper), direct (exact bitwise pair counts) or fft (FFTW, zero-padded lines)");
  sub->callback([o] { run_correlation(*o); });
}

}  // namespace

EMORPH_COMMAND(setup_correlation);
