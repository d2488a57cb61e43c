#pragma once
// Input checks shared by the FIB/SEM preprocessing steps: a stack must be finite and non-empty, and
// for the steps that fit or normalise grey levels, hold no constant slice.
#include <cmath>
#include <string>

#include "emorph/error.hpp"
#include "emorph/volume.hpp"

namespace emorph::detail {

// Throws InputError naming `what` and the first slice holding a NaN or an infinity.
inline void require_finite_stack(VolumeView<const float> stack, const std::string& what) {
  require(!stack.empty(), what + ": the stack is empty");
  for (int64_t z = 0; z < stack.nz(); ++z)
    for (int64_t y = 0; y < stack.ny(); ++y) {
      const float* row = stack.row(z, y);
      for (int64_t x = 0; x < stack.nx(); ++x)
        if (!std::isfinite(row[x * stack.strides().sx]))
          throw InputError(what + ": slice " + std::to_string(z) + " holds NaN or infinite values (row " +
                           std::to_string(y) + ", column " + std::to_string(x) + ")");
    }
}

// Throws InputError naming `what` and the first slice whose pixels all have one value (a blank or lost
// frame): nothing in it can be fitted, normalised or registered.
inline void require_no_constant_slice(VolumeView<const float> stack, const std::string& what) {
  for (int64_t z = 0; z < stack.nz(); ++z) {
    const float first = stack(z, 0, 0);
    bool constant = true;
    for (int64_t y = 0; y < stack.ny() && constant; ++y) {
      const float* row = stack.row(z, y);
      for (int64_t x = 0; x < stack.nx(); ++x)
        if (row[x * stack.strides().sx] != first) {
          constant = false;
          break;
        }
    }
    if (constant)
      throw InputError(what + ": slice " + std::to_string(z) + " is constant (" + std::to_string(first) +
                       " everywhere: a blank or lost frame?)");
  }
}

}  // namespace emorph::detail
