// emorph correlation LABELS --phase NAME: two-point correlation S2(r) of a phase along each axis.
#include "command.hpp"
#include "phase_statistic.hpp"
#include "emorph/measure/descriptor_param_tables.hpp"
#include "emorph/measure/two_point_correlation.hpp"

namespace {

void setup_correlation(CLI::App& app) {
  auto* sub = emorph::cli::add_phase_statistic<emorph::CorrelationOptions>(
      app, "correlation", "Two-point correlation S2(r) of a phase along each axis (non-periodic)",
      emorph::correlation_param_table(),
      [](const emorph::CorrelationOptions& o, emorph::VolumeView<const uint8_t> mask, const std::string& phase) {
        const auto c = emorph::two_point_correlation(mask, emorph::two_point_correlation_params(o));
        return std::pair{emorph::correlation_results(c, phase), emorph::correlation_table(c)};
      });
  sub->get_option("--max-lag")->check(CLI::PositiveNumber);
}

}  // namespace

EMORPH_COMMAND(setup_correlation);
