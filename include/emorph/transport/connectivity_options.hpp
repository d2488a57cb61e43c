#pragma once
// The parameter table of `emorph connectivity` (and emorph.connectivity): one declaration of each option's
// spellings, help and default (param_table.hpp).
#include <string>
#include <vector>

#include "emorph/param_table.hpp"
#include "emorph/transport/connectivity.hpp"

namespace emorph {

struct ConnectivityOptions {
  int axis = 0;
  int connectivity = 6;
  std::vector<std::string> only;  // phases analysed; empty: every phase of the table present
  bool return_classes = false;    // Python: also return the classes array (the CLI's --out PATH)
};

// axis, connectivity, phase (= only), return_classes (Python's switch, not echoed).
const ParamTable<ConnectivityOptions>& connectivity_param_table();

}  // namespace emorph
