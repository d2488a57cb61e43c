// libFuzzer target: the MetaImage header parser must accept or throw InputError, never crash or hang.
#include <cstddef>
#include <cstdint>
#include <string>

#include "emorph/error.hpp"
#include "io/headers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  try {
    emorph::io::parse_metaimage_header(std::string(reinterpret_cast<const char*>(data), size), "fuzz.mha");
  } catch (const emorph::InputError&) {
  }
  return 0;
}
