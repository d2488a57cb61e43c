#pragma once
// Input checks shared by the FIB/SEM preprocessing steps: a stack must be finite and non-empty.
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

}  // namespace emorph::detail
