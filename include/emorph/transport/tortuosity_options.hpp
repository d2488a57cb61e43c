#pragma once
// User-facing tortuosity options (phase and conductivity names, axis, tolerances, solver) turned into
// TortuosityParams: one implementation for the CLI (apps/emorph/cmd_tortuosity.cpp) and the Python module
// (python/src/bind_transport.cpp); the JSON they report is built in results/transport_results.hpp.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "emorph/param_table.hpp"
#include "emorph/phase_table.hpp"
#include "emorph/transport/tortuosity.hpp"

namespace emorph {

struct TortuosityOptions {
  std::string phase = "pore";  // phase name whose tau is computed (its diffusivity is D0)
  int axis = 0;
  // Relative diffusivities D/D0 by phase name; empty: only `phase` conducts, with 1.
  std::vector<std::pair<std::string, double>> conductivity;
  double tolerance = 1e-8;
  double flux_tolerance = 1e-4;
  int64_t max_iterations = 100000;
  std::string solver = "multigrid";  // or "jacobi"; "hypre-pfmg", "hypre-boomeramg" with EMORPH_WITH_HYPRE
  bool keep_fields = false;
};

// phase, axis, tolerance, flux_tolerance, max_iterations, solver: `emorph tortuosity`'s options and their
// echo in `parameters`; keep_fields is Python's fields= (the CLI's --field sets it). Conductivity is set
// apart: a list of names and values.
const ParamTable<TortuosityOptions>& tortuosity_param_table();

struct TortuositySetup {
  TortuosityParams params;
  // Every conducting phase by name with its D/D0, `phase` included (with 1 unless given).
  std::vector<std::pair<std::string, double>> conductivity;
};

// Resolves names through `table` and validates the options; an error is an InputError naming the option
// as the CLI spells it ("--conductivity"; keyword_spelling gives Python's "conductivity").
TortuositySetup tortuosity_setup(const TortuosityOptions& options, const PhaseTable& table);

// The warning a result deserves (no percolating path: tau infinite; or the solver stopped before the
// tolerance), empty when none. `source` names the input (a path, or "labels").
std::string tortuosity_warning(const TortuosityResult& r, const std::string& source, const std::string& phase,
                               int axis);

}  // namespace emorph
