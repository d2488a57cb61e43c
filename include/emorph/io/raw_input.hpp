#pragma once
// How .raw inputs without a sidecar beside them are read (data on read-only media): their layout given
// on the command line (--raw-shape Z,Y,X --raw-dtype T [--raw-byte-order little|big], the voxel size by
// --voxel) or a sidecar kept elsewhere (--sidecar PATH). Process-wide like the thread count: the CLI
// sets it once, before any volume is read; every .raw/.bin input the command opens follows it.
#include <optional>
#include <string>

#include "emorph/volume.hpp"

namespace emorph {

struct RawInputOptions {
  std::optional<Shape> shape;
  std::optional<DType> dtype;
  std::optional<bool> big_endian;
  std::string sidecar;  // used instead of the sidecar beside the .raw file
  bool any() const { return shape || dtype || big_endian || !sidecar.empty(); }
};

// Parses the option texts (empty: not given); InputError naming the option for a malformed value or for
// contradicting options (--raw-dtype '>u2' with --raw-byte-order little).
RawInputOptions parse_raw_input_options(const std::string& shape, const std::string& dtype,
                                        const std::string& byte_order, const std::string& sidecar);

void set_raw_input_options(const RawInputOptions& options);
const RawInputOptions& raw_input_options();

}  // namespace emorph
