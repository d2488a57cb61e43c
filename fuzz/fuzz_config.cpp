// libFuzzer target: the TOML configuration of `emorph analyze` must parse or throw InputError (with
// the file, line and key), whatever the bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "emorph/error.hpp"
#include "emorph/report/analysis_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  try {
    emorph::parse_analysis_config(std::string(reinterpret_cast<const char*>(data), size), "fuzz.toml");
  } catch (const emorph::InputError&) {
  }
  return 0;
}
