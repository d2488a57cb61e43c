// emorph tortuosity LABELS --phase NAME --axis A: tortuosity factor, D_eff/D0 and MacMullin number of a
// phase by steady-state diffusion; optional conductivities of other phases, fields, Bruggeman fit.
#include <cmath>
#include <iostream>
#include <memory>

#include "command.hpp"
#include "common.hpp"
#include "emorph/atomic_file.hpp"
#include "emorph/io.hpp"
#include "emorph/measure/label_volume.hpp"
#include "emorph/mpi/distributed_tortuosity.hpp"
#include "emorph/parallel.hpp"
#include "emorph/parse.hpp"
#include "emorph/transport/tortuosity.hpp"
#include "emorph/transport/tortuosity_options.hpp"
#include "emorph/measure/phase_selection.hpp"

namespace {

using emorph::Json;

struct CliOptions : emorph::cli::VolumeCommandOptions {
  std::string phase = "pore";
  int axis = 0;
  std::string conductivity;
  double tolerance = 1e-6;
  double flux_tolerance = 1e-4;
  int64_t max_iterations = 100000;
  std::string solver = "multigrid";
  std::string field, flux_field;
  std::vector<std::string> series;
};

// `phase_option` names where the phase came from in the message when it is absent from this volume.
emorph::TortuosityResult solve(const std::string& path, const CliOptions& o, const emorph::TortuosityParams& p,
                               const std::string& phase_option) {
  const emorph::Phase phase = o.phases.table().at(o.phase, "--phase");
  emorph::TortuosityResult r;
  if (emorph::world_ranks() > 1) {  // each rank reads and holds its own slab only
    r = emorph::distributed_tortuosity(path, p, o.in.read_options());
    emorph::require(r.volume_fraction > 0, emorph::absent_phase_message(phase, phase_option));
  } else {
    const auto labels = emorph::to_label_volume(emorph::read_volume(path, o.in.read_options()), path);
    emorph::require_phase_present(labels.view(), phase, phase_option);
    r = emorph::tortuosity(labels.view(), p);
  }
  const std::string warning = emorph::tortuosity_warning(r, path, o.phase, o.axis);
  if (!warning.empty()) std::cerr << "emorph: warning: " << warning << "\n";
  return r;
}

void run_tortuosity(const CliOptions& o) {
  emorph::TortuosityOptions options;
  options.phase = o.phase;
  options.axis = o.axis;
  if (!o.conductivity.empty()) options.conductivity = emorph::parse_name_values(o.conductivity, "--conductivity");
  options.tolerance = o.tolerance;
  options.flux_tolerance = o.flux_tolerance;
  options.max_iterations = o.max_iterations;
  options.solver = o.solver;
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
    results["bruggeman"] = {{"exponent", fit.exponent},
                            {"free_exponent", fit.free_exponent},
                            {"free_prefactor", fit.free_prefactor},
                            {"r_squared", fit.r_squared},
                            {"points", fit.points}};
  }
  const Json params = {{"voxel", o.in.voxel},           {"phases", o.phases.phases},   {"phase", o.phase},
                       {"axis", o.axis},                {"conductivity", o.conductivity},
                       {"tolerance", o.tolerance},      {"flux_tolerance", o.flux_tolerance},
                       {"max_iterations", o.max_iterations}, {"solver", o.solver},
                       {"field", o.field},              {"flux_field", o.flux_field}, {"series", o.series}};
  emorph::cli::emit_results(o.out, "tortuosity", params, o.in, results);
}

void setup_tortuosity(CLI::App& app) {
  auto o = std::make_shared<CliOptions>();
  auto* sub = app.add_subcommand(
      "tortuosity", "Tortuosity factor and effective diffusivity of a phase (steady-state diffusion along an axis)");
  emorph::cli::add_volume_command_options(sub, *o);
  sub->add_option("--phase", o->phase, "Conducting phase whose tau is computed (its diffusivity is D0)")
      ->capture_default_str();
  sub->add_option("--axis", o->axis, "Transport axis: c = 1 before slice 0, c = 0 after the last slice")
      ->capture_default_str();
  sub->add_option("--conductivity", o->conductivity,
                  "Relative diffusivities D/D0 of conducting phases, e.g. pore=1,CBD=0.1 (default: only --phase)");
  sub->add_option("--tolerance", o->tolerance, "Relative residual ||b-Ax||/||b|| to reach")->capture_default_str();
  sub->add_option("--flux-tolerance", o->flux_tolerance, "Largest relative inlet/outlet flux mismatch")
      ->capture_default_str();
  sub->add_option("--max-iterations", o->max_iterations, "Conjugate-gradient iteration limit")->capture_default_str();
  sub->add_option("--solver", o->solver, "Solver: multigrid or jacobi (emorph's CG), hypre-pfmg or hypre-boomeramg (HYPRE builds)")->capture_default_str();
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
