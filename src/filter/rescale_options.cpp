// The parameter table of `emorph rescale` and the library parameters it gives (see rescale_options.hpp).
#include "emorph/filter/rescale_options.hpp"

#include "emorph/error.hpp"

namespace emorph {

const ParamTable<RescaleOptions>& rescale_param_table() {
  using O = RescaleOptions;
  static const ParamTable<O> table = {
      {"factor", &O::factor, "", "Block edge in voxels (2: 0.16 um -> 0.32 um)", "", "none"},
      {"mode", &O::mode, "", "auto (majority for uint32 or uint8 with <= 16 values, else mean), mean, or majority",
       "", "none"},
      {"drop_remainder", &O::drop_remainder, "",
       "When the factor does not divide the shape, leave out the trailing voxels (default: error)", "", "none"},
  };
  return table;
}

RescaleParams rescale_params(const RescaleOptions& o) {
  RescaleParams p;
  p.factor = o.factor;
  p.mode = parse_rescale_mode(o.mode, "--mode");
  p.drop_remainder = o.drop_remainder;
  if (p.factor < 1) throw InputError("--factor: must be a positive integer, got " + std::to_string(p.factor));
  return p;
}

}  // namespace emorph
