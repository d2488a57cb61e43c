#pragma once
// The message of the InputError a call throws, for tests of the bad-input contract in the library.
#include <string>

#include "emorph/error.hpp"

namespace emorph::test {

// What the InputError thrown by f() says; empty when f() throws none (other exceptions propagate).
template <class F>
std::string input_error_message(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace emorph::test
