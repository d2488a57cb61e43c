// emorph tortuosity LABELS --phase NAME --axis A: tortuosity factor, D_eff/D0 and MacMullin number of a
// phase by steady-state diffusion; optional conductivities of other phases, fields, Bruggeman fit.
#include <cmath>
#include <iostream>
#include <memory>

#include "command.hpp"
#include "common.hpp"
#include "param_options.hpp"
#include "emorph/atomic_file.hpp"
#include "emorph/io.hpp"
#include "emorph/measure/label_volume.hpp"
#include "emorph/mpi/distributed_tortuosity.hpp"
#include "emorph/parallel.hpp"
#include "emorph/parse.hpp"
#include "emorph/results/transport_results.hpp"
#include "emorph/transport/tortuosity.hpp"
#include "emorph/transport/tortuosity_options.hpp"
#include "emorph/measure/phase_selection.hpp"

namespace {

using emorph::Json;

struct CliOptions : emorph::cli::VolumeCommandOptions {
  emorph::TortuosityOptions options;  // the options of its parameter table, set by the CLI directly
  std::string conductivity;
  std::string field, flux_field;
  std::vector<std::string> series;
};

// `phase_option` names where the phase came from in the message when it is absent from this volume.
emorph::TortuosityResult solve(const std::string& path, const CliOptions& o, const emorph::TortuosityParams& p,
                               const std::string& phase_option) {
  const emorph::Phase phase = o.phases.table().at(o.options.phase, "--phase");
  emorph::TortuosityResult r;
  if (emorph::world_ranks() > 1) {  // each rank reads and holds its own slab only
    r = emorph::distributed_tortuosity(path, p, o.in.read_options());
    emorph::require(r.volume_fraction > 0, emorph::absent_phase_message(phase, phase_option));
  } else {
    const auto labels = emorph::to_label_volume(emorph::read_volume(path, o.in.read_options()), path);
    emorph::require_phase_present(labels.view(), phase, phase_option);
    r = emorph::tortuosity(labels.view(), p);
  }
  const std::string warning = emorph::tortuosity_warning(r, path, o.options.phase, o.options.axis);
  if (!warning.empty()) std::cerr << "emorph: warning: " << warning << "\n";
  return r;
}

void run_tortuosity(const CliOptions& o) {
  emorph::TortuosityOptions options = o.options;
  if (!o.conductivity.empty()) options.conductivity = emorph::parse_name_values(o.conductivity, "--conductivity");
  options.keep_fields = !o.field.empty() || !o.flux_field.empty();
  const auto setup = emorph::tortuosity_setup(options, o.phases.table());
  auto p = setup.params;
  for (const auto* out : {&o.field, &o.flux_field, &o.out.json})
    if (!out->empty()) emorph::check_output_differs(o.in.input, *out);

  auto r = solve(o.in.input, o, p, "--phase");
  Json results = emorph::tortuosity_results(r, options, setup);
  if (!o.field.empty()) emorph::write_volume(o.field, emorph::AnyVolume(std::move(r.concentration)));
  if (!o.flux_field.empty()) emorph::write_volume(o.flux_field, emorph::AnyVolume(std::move(r.flux_magnitude)));

  if (!o.series.empty()) {
    p.keep_fields = false;
    std::vector<double> eps = {r.volume_fraction}, deff = {r.deff_over_d0};
    Json series = Json::array();
    Json first = emorph::tortuosity_result_json(r);
    first["input"] = o.in.input;
    series.push_back(first);
    for (const auto& path : o.series) {
      const auto s = solve(path, o, p, "--series " + path + ": --phase");
      Json j = emorph::tortuosity_result_json(s);
      j["input"] = path;
      series.push_back(j);
      eps.push_back(s.volume_fraction);
      deff.push_back(s.deff_over_d0);
    }
    const auto fit = emorph::fit_bruggeman(eps, deff);
    results["series"] = series;
    results["bruggeman"] = emorph::bruggeman_json(fit);
  }
  Json params = emorph::params_json(o.options, emorph::tortuosity_param_table());
  params.update({{"voxel", o.in.voxel},
                 {"phases", o.phases.phases},
                 {"conductivity", o.conductivity},
                 {"field", o.field},
                 {"flux_field", o.flux_field},
                 {"series", o.series}});
  emorph::cli::emit_results(o.out, "tortuosity", params, o.in, results);
}

void setup_tortuosity(CLI::App& app) {
  auto o = std::make_shared<CliOptions>();
  auto* sub = app.add_subcommand(
      "tortuosity", "Tortuosity factor and effective diffusivity of a phase (steady-state diffusion along an axis)");
  emorph::cli::add_volume_command_options(sub, *o);
  emorph::cli::add_param_options(sub, o->options, emorph::tortuosity_param_table());
  sub->add_option("--conductivity", o->conductivity,
                  "Relative diffusivities D/D0 of conducting phases, e.g. pore=1,CBD=0.1 (default: only --phase)");
  emorph::cli::declare_path(sub->add_option("--field", o->field, "Write the concentration field (float32, NaN outside the percolating phase)"),
                            emorph::PathKind::output_volume, o->field);
  emorph::cli::declare_path(sub->add_option("--flux-field", o->flux_field, "Write the flux magnitude (float32, D0 x dc / um)"),
                            emorph::PathKind::output_volume, o->flux_field);
  emorph::cli::declare_path(sub->add_option("--series", o->series, "More label volumes: fit Bruggeman's exponent over all inputs")
      ->delimiter(','), emorph::PathKind::input_volume, o->series);
  sub->callback([o] { run_tortuosity(*o); });
}

}  // namespace

EMORPH_COMMAND(setup_tortuosity);
