// libFuzzer target: the NRRD header parser must accept or throw InputError, never crash or hang.
#include <cstddef>
#include <cstdint>
#include <string>

#include "emorph/error.hpp"
#include "io/headers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  try {
    emorph::io::parse_nrrd_header(std::string(reinterpret_cast<const char*>(data), size), "fuzz.nrrd");
  } catch (const emorph::InputError&) {
  }
  return 0;
}
