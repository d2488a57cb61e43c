#pragma once
// Text header parsers (raw JSON sidecar, NRRD, MetaImage): pure functions of the header text, so the
// fuzz targets can drive them directly. Each throws InputError naming `name` on malformed input.
#include <cstdint>
#include <string>

#include "emorph/volume.hpp"

namespace emorph::io {

struct RawSidecar {
  Shape shape;
  DType dtype = DType::u8;
  bool big_endian = false;
  Spacing spacing;
  bool has_spacing = false;
  uint64_t offset = 0;  // "header_bytes": bytes to skip at the start of the raw file
};
RawSidecar parse_raw_sidecar(const std::string& text, const std::string& name);
std::string format_raw_sidecar(const Shape& shape, DType dtype, const Spacing& spacing);

struct NrrdHeader {
  Shape shape;
  DType dtype = DType::u8;
  bool big_endian = false;
  bool gzip = false;
  Spacing spacing;
  bool has_spacing = false;
  std::string data_file;     // empty: data follows the header in the same file
  int64_t line_skip = 0;
  int64_t byte_skip = 0;     // -1: data are the last bytes of the file (raw only)
  uint64_t header_bytes = 0; // attached: offset of the data (after the blank line)
};
// `text` is the file's beginning (at least the whole header).
NrrdHeader parse_nrrd_header(const std::string& text, const std::string& name);

struct MetaImageHeader {
  Shape shape;
  DType dtype = DType::u8;
  bool big_endian = false;
  bool compressed = false;
  uint64_t compressed_size = 0;  // 0: unknown
  Spacing spacing;
  bool has_spacing = false;
  std::string data_file;          // "LOCAL": data follow the header
  int64_t header_size = 0;        // -1: data are the last bytes of the data file
  uint64_t header_bytes = 0;      // LOCAL: offset of the data
};
MetaImageHeader parse_metaimage_header(const std::string& text, const std::string& name);

}  // namespace emorph::io
