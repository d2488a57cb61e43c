#pragma once
// The options of `emorph composition` declared once (param_table.hpp): the table drives the CLI options,
// the JSON echo of `parameters` and docs/parameters.md, and names emorph.composition's keywords (which
// also take a dict where the CLI takes NAME=VALUE lists).
#include <optional>
#include <string>

#include "emorph/measure/composition.hpp"
#include "emorph/param_table.hpp"

namespace emorph {

// As the CLI spells them: NAME=VALUE lists as typed (echoed as typed), unset numbers null.
struct CompositionOptions {
  std::string wt, density;
  std::optional<double> porosity, loading, thickness;
  std::string bet, diameter;
};

// wt, density, porosity, loading, thickness, bet, diameter (emorph.composition's positional order).
const ParamTable<CompositionOptions>& composition_param_table();

// The lists parsed, the densities completed (component_densities with the default phase table).
// Throws InputError naming the option (--wt, --density, --bet, --diameter).
CompositionParams composition_params(const CompositionOptions& options);

}  // namespace emorph
