// MetaImage volumes (ITK MetaIO, https://itk.org/Wiki/ITK/MetaIO/Documentation): .mha with the data
// after the header (ElementDataFile = LOCAL) or .mhd + a separate data file; raw or zlib-compressed.
// MetaImage carries no length unit: spacings are taken as micrometres.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include "emorph/error.hpp"
#include "emorph/text.hpp"
#include "io/header_text.hpp"
#include "io/headers.hpp"
#include "io/io_util.hpp"

namespace fs = std::filesystem;

namespace emorph::io {
namespace {

DType met_type(const std::string& t, const std::string& name) {
  static const std::map<std::string, DType> types = {
      {"MET_UCHAR", DType::u8}, {"MET_CHAR", DType::i8},  {"MET_USHORT", DType::u16}, {"MET_SHORT", DType::i16},
      {"MET_UINT", DType::u32}, {"MET_INT", DType::i32},  {"MET_FLOAT", DType::f32}};
  auto it = types.find(t);
  if (it == types.end())
    throw InputError(name + ": unsupported MetaImage ElementType '" + printable(t) +
                     "' (supported: MET_UCHAR, MET_CHAR, MET_USHORT, MET_SHORT, MET_UINT, MET_INT, MET_FLOAT)");
  return it->second;
}

bool met_bool(const std::string& v) {
  const std::string l = lower(v);
  return l == "true" || l == "1" || l == "yes";
}

const char* met_name(DType t) {
  switch (t) {
    case DType::u8: return "MET_UCHAR";
    case DType::i8: return "MET_CHAR";
    case DType::u16: return "MET_USHORT";
    case DType::i16: return "MET_SHORT";
    case DType::u32: return "MET_UINT";
    case DType::i32: return "MET_INT";
    case DType::f32: return "MET_FLOAT";
  }
  return "MET_UCHAR";
}

std::string met_header(const VolumeHeader& h, bool compressed, uint64_t compressed_size, const std::string& data_file) {
  char buf[512];
  std::string t = "ObjectType = Image\nNDims = 3\nBinaryData = True\nBinaryDataByteOrderMSB = False\n";
  t += std::string("CompressedData = ") + (compressed ? "True" : "False") + "\n";
  if (compressed && compressed_size) t += "CompressedDataSize = " + std::to_string(compressed_size) + "\n";
  std::snprintf(buf, sizeof buf, "ElementSpacing = %.17g %.17g %.17g\n", h.spacing.dx, h.spacing.dy, h.spacing.dz);
  t += buf;
  t += "DimSize = " + std::to_string(h.shape.nx) + " " + std::to_string(h.shape.ny) + " " + std::to_string(h.shape.nz) + "\n";
  t += std::string("ElementType = ") + met_name(h.dtype) + "\n";
  t += "ElementDataFile = " + data_file + "\n";
  return t;
}

}  // namespace

MetaImageHeader parse_metaimage_header(const std::string& text, const std::string& name) {
  MetaImageHeader h;
  HeaderFields f;
  std::size_t pos = 0;
  bool found_data_file = false;
  while (pos < text.size()) {
    const std::string line = next_header_line(text, pos);
    if (trim(line).empty()) continue;
    if (!f.add_line(line, "="))
      throw InputError(name + ": malformed MetaImage header line '" + printable(line) + "'");
    if (lower(trim(line.substr(0, line.find('=')))) == "elementdatafile") {  // always the last header line
      found_data_file = true;
      h.header_bytes = pos;
      break;
    }
    if (f.size() > 200) break;
  }
  if (!found_data_file) throw InputError(name + ": MetaImage header lacks ElementDataFile");
  auto get = [&](const char* k) { return f.get({k}); };
  const std::string ndims = get("ndims");
  if (ndims.empty()) throw InputError(name + ": MetaImage header lacks NDims");
  const int64_t dim = header_int(ndims, name, "NDims");
  if (dim != 2 && dim != 3) throw InputError(name + ": MetaImage NDims " + ndims + " unsupported (2 or 3)");
  const auto sizes = split_ws(get("dimsize"));
  if (static_cast<int64_t>(sizes.size()) != dim) throw InputError(name + ": MetaImage DimSize must list " + ndims + " values");
  int64_t s[3] = {1, 1, 1};
  for (int64_t i = 0; i < dim; ++i) s[i] = header_int(sizes[i], name, "DimSize");
  h.shape = {s[2], s[1], s[0]};
  if (get("elementtype").empty()) throw InputError(name + ": MetaImage header lacks ElementType");
  h.dtype = met_type(get("elementtype"), name);
  if (!get("elementnumberofchannels").empty() && header_int(get("elementnumberofchannels"), name, "ElementNumberOfChannels") != 1)
    throw InputError(name + ": MetaImage with several channels per voxel is not supported");
  h.big_endian = met_bool(f.get({"binarydatabyteordermsb", "elementbyteordermsb"}));
  h.compressed = met_bool(get("compresseddata"));
  if (!get("compresseddatasize").empty()) {
    const int64_t c = header_int(get("compresseddatasize"), name, "CompressedDataSize");
    if (c < 0) throw InputError(name + ": negative CompressedDataSize");
    h.compressed_size = static_cast<uint64_t>(c);
  }
  const std::string sp = f.get({"elementspacing", "elementsize"});
  if (!sp.empty()) {
    const auto w = split_ws(sp);
    if (static_cast<int64_t>(w.size()) != dim) throw InputError(name + ": MetaImage ElementSpacing must list " + ndims + " values");
    double d[3] = {0, 0, 0};
    for (int64_t i = 0; i < dim; ++i) d[i] = header_double(w[i], name, "ElementSpacing");
    if (dim == 2) d[2] = d[0];
    for (double v : d)
      if (!(v > 0) || !std::isfinite(v))
        throw InputError(name + ": invalid MetaImage ElementSpacing '" + printable(sp) +
                         "' (each voxel size must be positive and finite); fix the header or pass --voxel");
    h.spacing = {d[2], d[1], d[0]};
    h.has_spacing = true;
  }
  if (!get("headersize").empty()) {
    h.header_size = header_int(get("headersize"), name, "HeaderSize");
    if (h.header_size < -1) throw InputError(name + ": invalid MetaImage HeaderSize");
  }
  h.data_file = get("elementdatafile");
  if (h.data_file.empty()) throw InputError(name + ": empty ElementDataFile");
  if (h.data_file.rfind("LIST", 0) == 0 || h.data_file.find('%') != std::string::npos)
    throw InputError(name + ": MetaImage data split over several files ('" + printable(h.data_file) + "') is not supported");
  check_header_shape(h.shape, h.dtype, name);
  return h;
}

std::unique_ptr<SlabReader> open_metaimage(const std::string& path) {
  require_regular_file(path);
  // The header is text before the data; 64 KiB is far more than any header (the parser stops at ElementDataFile).
  MetaImageHeader h = parse_metaimage_header(read_text_file(path, 1 << 16), path);
  const bool local = h.data_file == "LOCAL";
  const std::string data_path = local ? path : data_file_path(path, h.data_file);
  uint64_t start = local ? h.header_bytes : 0;
  VolumeInfo info = header_volume_info("metaimage", h.shape, h.dtype, h.spacing, h.has_spacing, path, data_path);
  if (!h.compressed) return open_uncompressed_data(std::move(info), path, data_path, start, h.header_size, h.big_endian);
  if (h.header_size > 0) start += static_cast<uint64_t>(h.header_size);
  const uint64_t size = file_size(data_path);
  if (h.compressed_size && start + h.compressed_size > size)
    throw InputError(data_path + ": file is truncated: CompressedDataSize " + std::to_string(h.compressed_size) +
                     " bytes, " + std::to_string(size - std::min(size, start)) + " present");
  return std::make_unique<InflateSlabReader>(std::move(info), data_path, start, 0, needs_byte_swap(h.big_endian, h.dtype));
}

std::unique_ptr<SlabWriter> create_metaimage(const std::string& path, const VolumeHeader& h, const WriteOptions& o) {
  // No CompressedDataSize in .mha: MetaIO then reads the compressed stream to the end of the file.
  const bool detached = lower_extension(path) == ".mhd";
  const std::string data_name = detached ? fs::path(path).stem().string() + (o.compress ? ".zraw" : ".raw") : "";
  return std::make_unique<HeaderDataWriter>(
      path, h, o.compress, DeflateWriter::Wrapper::zlib, data_name, [h, o, data_name](uint64_t compressed_bytes) {
        return met_header(h, o.compress, compressed_bytes, data_name.empty() ? "LOCAL" : data_name);
      });
}

}  // namespace emorph::io
