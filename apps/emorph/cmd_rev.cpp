// emorph rev LABELS --phase NAME: variance of a phase's volume fraction over cubic subvolumes of growing
// size, the integral range and the error bar of the measured fraction.
#include "command.hpp"
#include "phase_statistic.hpp"
#include "emorph/measure/descriptor_param_tables.hpp"
#include "emorph/measure/rev.hpp"

namespace {

void setup_rev(CLI::App& app) {
  emorph::cli::add_phase_statistic<emorph::RevParams>(
      app, "rev", "Volume-fraction variance over growing subvolumes, integral range and error bar",
      emorph::rev_param_table(), [](const emorph::RevParams& p, emorph::VolumeView<const uint8_t> mask, const std::string& phase) {
        const auto r = emorph::representative_volume(mask, p);
        return std::pair{emorph::rev_results(r, phase), emorph::rev_table(r)};
      });
}

}  // namespace

EMORPH_COMMAND(setup_rev);
