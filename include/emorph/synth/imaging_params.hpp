#pragma once
// The parameters of the imaging simulators, declared once: `emorph synth`'s options, the keywords and
// docstrings of emorph.simulate_xct / simulate_fibsem come from these tables.
#include "emorph/param_table.hpp"
#include "emorph/synth/fibsem.hpp"
#include "emorph/synth/xct.hpp"

namespace emorph::synth {

// In the Python keyword order (the positional order after labels and spacing).
const ParamTable<XctParams>& xct_param_table();
const ParamTable<FibsemParams>& fibsem_param_table();

}  // namespace emorph::synth
