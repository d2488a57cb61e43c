// Option resolution shared by the tortuosity front ends (CLI and Python): names to labels, defaults,
// validation, and the result object (CONTRACT.md: results.tau, deff_over_d0, volume_fraction,
// percolating_fraction).
#include "emorph/transport/tortuosity_options.hpp"

#include <algorithm>
#include <sstream>

#include "emorph/error.hpp"

namespace emorph {

const ParamTable<TortuosityOptions>& tortuosity_param_table() {
  using O = TortuosityOptions;
  static const ParamTable<O> table = {
      {"phase", &O::phase, "", "Conducting phase whose tau is computed (its diffusivity is D0)"},
      {"axis", &O::axis, "", "Transport axis: c = 1 before slice 0, c = 0 after the last slice"},
      {"tolerance", &O::tolerance, "", "Relative residual ||b-Ax||/||b|| to reach"},
      {"flux_tolerance", &O::flux_tolerance, "", "Largest relative inlet/outlet flux mismatch"},
      {"max_iterations", &O::max_iterations, "", "Conjugate-gradient iteration limit"},
      {"solver", &O::solver, "",
       "Solver: multigrid or jacobi (emorph's CG), hypre-pfmg or hypre-boomeramg (HYPRE builds)"},
      {"keep_fields", &O::keep_fields, "",
       "Also return the concentration (NaN outside the percolating phase) and flux_magnitude arrays", "none",
       "fields", false},
  };
  return table;
}

TortuositySetup tortuosity_setup(const TortuosityOptions& o, const PhaseTable& table) {
  require(o.solver == "multigrid" || o.solver == "jacobi" || o.solver == "hypre-pfmg" || o.solver == "hypre-boomeramg",
          "--solver must be multigrid, jacobi, hypre-pfmg or hypre-boomeramg, got '" + o.solver + "'");
  require(o.solver.rfind("hypre-", 0) != 0 || tortuosity_hypre_available(),
          "--solver " + o.solver + ": this emorph was built without HYPRE (cmake -DEMORPH_WITH_HYPRE=ON)");
  require(o.axis >= 0 && o.axis <= 2, "--axis must be 0, 1 or 2, got " + std::to_string(o.axis));
  TortuositySetup s;
  TortuosityParams& p = s.params;
  p.axis = o.axis;
  p.phase_label = table.at(o.phase, "--phase").label;
  for (const auto& [name, value] : o.conductivity) {
    const uint8_t label = table.at(name, "--conductivity").label;
    const bool repeated = std::any_of(p.conductivity.begin(), p.conductivity.end(),
                                      [&](const auto& c) { return c.first == label; });
    require(!repeated, "--conductivity: phase '" + name + "' is given twice");
    p.conductivity.emplace_back(label, value);
    s.conductivity.emplace_back(name, value);
  }
  const bool listed = std::any_of(s.conductivity.begin(), s.conductivity.end(),
                                  [&](const auto& c) { return c.first == o.phase; });
  if (!listed) s.conductivity.emplace_back(o.phase, 1.0);
  p.tolerance = o.tolerance;
  p.flux_tolerance = o.flux_tolerance;
  p.max_iterations = o.max_iterations;
  p.multigrid = o.solver == "multigrid";
  p.backend = o.solver == "hypre-pfmg"        ? TortuosityBackend::hypre_pfmg
              : o.solver == "hypre-boomeramg" ? TortuosityBackend::hypre_boomeramg
                                              : TortuosityBackend::own;
  p.keep_fields = o.keep_fields;
  return s;
}

std::string tortuosity_warning(const TortuosityResult& r, const std::string& source, const std::string& phase,
                               int axis) {
  std::ostringstream s;
  if (!r.percolating)
    s << source << ": phase '" << phase << "' has no percolating path along axis " << axis
      << ": tau is infinite (null), D_eff/D0 = 0";
  else if (!r.converged)
    s << source << ": the solver stopped after " << r.iterations
      << " iterations without reaching the tolerance (relative residual " << r.relative_residual
      << ", flux mismatch " << r.flux_mismatch << ")";
  return s.str();
}

}  // namespace emorph
