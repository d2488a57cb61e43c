// libFuzzer target: the raw JSON sidecar parser must accept or throw InputError, never crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "emorph/error.hpp"
#include "io/headers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  try {
    emorph::io::parse_raw_sidecar(std::string(reinterpret_cast<const char*>(data), size), "fuzz.json");
  } catch (const emorph::InputError&) {
  }
  return 0;
}
