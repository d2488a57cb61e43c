// The global options that describe .raw inputs without a sidecar beside them (emorph/io/raw_input.hpp):
// --raw-shape, --raw-dtype, --raw-byte-order and --sidecar, given before or after the command name.
#include "common.hpp"

#include "emorph/error.hpp"
#include "emorph/io/raw_input.hpp"

namespace emorph::cli {
namespace {

struct RawInputTexts {
  std::string shape, dtype, byte_order, sidecar;
};

RawInputTexts& texts() {
  static RawInputTexts t;
  return t;
}

bool is_raw_address(const std::string& address) {
  const std::string file = file_part(address);
  if (file != address) return false;  // an HDF5 dataset
  const std::string ext = std::filesystem::path(file).extension().string();
  return ext == ".raw" || ext == ".RAW" || ext == ".bin" || ext == ".BIN";
}

}  // namespace

void add_raw_input_options(CLI::App& app) {
  RawInputTexts& t = texts();
  const std::string group = "Raw inputs without a sidecar beside them";
  app.add_option("--raw-shape", t.shape, "Shape Z,Y,X of the .raw inputs (with --raw-dtype; voxel size by --voxel)")
      ->group(group);
  app.add_option("--raw-dtype", t.dtype, "Data type of the .raw inputs: uint8, uint16, int16, float32, ...")->group(group);
  app.add_option("--raw-byte-order", t.byte_order, "Byte order of the .raw inputs: little (default) or big")->group(group);
  app.add_option("--sidecar", t.sidecar, "JSON sidecar of the .raw inputs, read instead of the one beside them")
      ->group(group);
}

void apply_raw_input_options(const CLI::App& command) {
  const RawInputTexts& t = texts();
  const RawInputOptions o = parse_raw_input_options(t.shape, t.dtype, t.byte_order, t.sidecar);
  set_raw_input_options(o);
  if (!o.any()) return;
  // Options that describe no input are a mistake: refused when the command names its input volumes and
  // none is a .raw file (a command reading its input from a config is not second-guessed).
  const std::vector<std::string> inputs = declared_input_volumes(command);
  bool raw = false;
  for (const auto& address : inputs) raw |= is_raw_address(address);
  if (!inputs.empty() && !raw)
    throw InputError(std::string(!t.sidecar.empty() ? "--sidecar" : o.shape ? "--raw-shape" : o.dtype ? "--raw-dtype"
                                                                                                  : "--raw-byte-order") +
                     " describes .raw inputs, but '" + command.get_name() + "' reads none (" + inputs.front() + ")");
}

}  // namespace emorph::cli
