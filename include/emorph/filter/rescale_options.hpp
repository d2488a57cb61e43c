#pragma once
// The options of `emorph rescale` declared once (param_table.hpp): the table drives the CLI options, the
// JSON echo of `parameters` and docs/parameters.md. The paths and --compress stay with the CLI; the
// Python module has no rescale function.
#include <string>

#include "emorph/filter/rescale.hpp"
#include "emorph/param_table.hpp"

namespace emorph {

// As the CLI spells them: the mode by name (echoed as typed).
struct RescaleOptions {
  int factor = RescaleParams{}.factor;
  std::string mode = rescale_mode_name(RescaleParams{}.mode);
  bool drop_remainder = RescaleParams{}.drop_remainder;
};

// factor, mode, drop_remainder.
const ParamTable<RescaleOptions>& rescale_param_table();

// The mode parsed; throws InputError naming --mode, or --factor when it is below 1.
RescaleParams rescale_params(const RescaleOptions& options);

}  // namespace emorph
