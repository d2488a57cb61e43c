#pragma once
// Typed errors: the library never prints or exits; the CLI maps InputError to exit code 2.
#include <stdexcept>
#include <string>

namespace emorph {

// Bad input or bad parameter: the message names the file or option and what is wrong.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Something that should not happen: a bug or an environment failure (exit code 1).
class InternalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws InputError(message) unless condition holds.
inline void require(bool condition, const std::string& message) {
  if (!condition) throw InputError(message);
}

}  // namespace emorph
