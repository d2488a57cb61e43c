#pragma once
// Label volumes are uint8 (STYLE.md); other integer volumes whose values all fit are converted
// losslessly, anything else is refused.
#include <string>

#include "emorph/volume.hpp"

namespace emorph {

// Moves a uint8 volume out; converts integer volumes with all values in 0..255; throws InputError
// naming `what` for floats or out-of-range values.
Volume<uint8_t> to_label_volume(AnyVolume&& volume, const std::string& what);

}  // namespace emorph
