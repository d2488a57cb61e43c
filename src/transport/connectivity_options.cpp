// The parameter table of connectivity (see connectivity_options.hpp).
#include "emorph/transport/connectivity_options.hpp"

namespace emorph {

const ParamTable<ConnectivityOptions>& connectivity_param_table() {
  using O = ConnectivityOptions;
  static const ParamTable<O> table = {
      {"axis", &O::axis, "", "Axis whose two end faces are tested"},
      {"connectivity", &O::connectivity, "", "6 (faces) or 26 (faces, edges, corners)"},
      {"phase", &O::only, "", "Phases to analyse (default: every phase of the table present)"},
      {"return_classes", &O::return_classes, "",
       "Also return classes (uint8: 0 other phase, 1 percolating, 2 dead-end, 3 isolated); one phase", "none", "",
       false},
  };
  return table;
}

}  // namespace emorph
