// NRRD volumes (teem NRRD0004/0005 format, https://teem.sourceforge.net/nrrd/format.html): attached
// (.nrrd) or detached (.nhdr + data file), raw or gzip encoding; axis order x, y, z (x fastest).
#include <cmath>
#include <cstring>
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

DType nrrd_type(const std::string& t, const std::string& name) {
  static const std::map<std::string, DType> types = {
      {"uchar", DType::u8},          {"unsigned char", DType::u8},      {"uint8", DType::u8},
      {"uint8_t", DType::u8},        {"signed char", DType::i8},        {"int8", DType::i8},
      {"int8_t", DType::i8},         {"short", DType::i16},             {"short int", DType::i16},
      {"signed short", DType::i16},  {"signed short int", DType::i16},  {"int16", DType::i16},
      {"int16_t", DType::i16},       {"ushort", DType::u16},            {"unsigned short", DType::u16},
      {"unsigned short int", DType::u16}, {"uint16", DType::u16},       {"uint16_t", DType::u16},
      {"int", DType::i32},           {"signed int", DType::i32},        {"int32", DType::i32},
      {"int32_t", DType::i32},       {"uint", DType::u32},              {"unsigned int", DType::u32},
      {"uint32", DType::u32},        {"uint32_t", DType::u32},          {"float", DType::f32}};
  auto it = types.find(lower(t));
  if (it == types.end())
    throw InputError(name + ": unsupported NRRD type '" + printable(t) +
                     "' (supported: 8, 16, 32-bit integers and float)");
  return it->second;
}

std::vector<std::string> quoted_list(const std::string& v) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while ((i = v.find('"', i)) != std::string::npos) {
    const std::size_t j = v.find('"', i + 1);
    if (j == std::string::npos) break;
    out.push_back(v.substr(i + 1, j - i - 1));
    i = j + 1;
  }
  if (out.empty()) out = split_ws(v);
  return out;
}

// "(a,b,c) (d,e,f) none" -> lengths of the vectors (0 for none).
std::vector<double> direction_lengths(const std::string& v, const std::string& name) {
  std::vector<double> out;
  std::size_t i = 0;
  while (i < v.size()) {
    while (i < v.size() && std::isspace(static_cast<unsigned char>(v[i]))) ++i;
    if (i >= v.size()) break;
    if (v[i] == '(') {
      const std::size_t j = v.find(')', i);
      if (j == std::string::npos) throw InputError(name + ": malformed 'space directions'");
      std::string inner = v.substr(i + 1, j - i - 1);
      for (char& c : inner)
        if (c == ',') c = ' ';
      double sum = 0;
      for (const auto& w : split_ws(inner)) {
        const double d = header_double(w, name, "space directions");
        sum += d * d;
      }
      out.push_back(std::sqrt(sum));
      i = j + 1;
    } else {
      const std::size_t j = v.find_first_of(" \t", i);
      out.push_back(0);
      i = j == std::string::npos ? v.size() : j;
    }
  }
  return out;
}

uint64_t offset_after_lines(const std::string& path, uint64_t start, int64_t lines) {
  if (lines <= 0) return start;
  PosixFile f = PosixFile::open_read(path);
  std::vector<char> buf(1 << 16);
  uint64_t pos = start;
  while (lines > 0) {
    const std::size_t got = f.read_some_at(pos, buf.data(), buf.size());
    if (got == 0) throw InputError(path + ": file is truncated (fewer lines than 'line skip')");
    for (std::size_t i = 0; i < got && lines > 0; ++i)
      if (buf[i] == '\n') {
        --lines;
        if (lines == 0) return pos + i + 1;
      }
    pos += got;
  }
  return pos;
}

}  // namespace

NrrdHeader parse_nrrd_header(const std::string& text, const std::string& name) {
  if (text.size() < 8 || text.compare(0, 7, "NRRD000") != 0 || !std::isdigit(static_cast<unsigned char>(text[7])))
    throw InputError(name + ": not a NRRD file (missing 'NRRD000x' magic)");
  NrrdHeader h;
  HeaderFields f;
  std::size_t pos = text.find('\n');
  if (pos == std::string::npos) pos = text.size();
  ++pos;  // past the magic line
  bool ended = false;
  while (pos <= text.size()) {
    const bool last = text.find('\n', pos) == std::string::npos;
    const std::string line = next_header_line(text, pos);
    if (line.empty()) {
      if (!last) {
        h.header_bytes = pos;
        ended = true;
      }
      break;
    }
    if (line[0] == '#') continue;
    if (line.find(":=") != std::string::npos) continue;  // key/value pairs carry no geometry
    if (!f.add_line(line, ": ")) throw InputError(name + ": malformed NRRD header line '" + printable(line) + "'");
    if (last) break;
  }
  auto get = [&](const char* key) { return f.get({key}); };
  const std::string data_file = f.get({"data file", "datafile"});
  if (!ended && data_file.empty()) throw InputError(name + ": NRRD header does not end with a blank line");
  if (get("type").empty()) throw InputError(name + ": NRRD header lacks 'type'");
  h.dtype = nrrd_type(get("type"), name);
  if (get("dimension").empty()) throw InputError(name + ": NRRD header lacks 'dimension'");
  const int64_t dim = header_int(get("dimension"), name, "dimension");
  if (dim != 2 && dim != 3) throw InputError(name + ": NRRD dimension " + std::to_string(dim) + " unsupported (2 or 3)");
  const auto sizes = split_ws(get("sizes"));
  if (static_cast<int64_t>(sizes.size()) != dim) throw InputError(name + ": NRRD 'sizes' must list " + std::to_string(dim) + " values");
  int64_t s[3] = {1, 1, 1};
  for (int64_t i = 0; i < dim; ++i) s[i] = header_int(sizes[i], name, "sizes");
  h.shape = {s[2], s[1], s[0]};
  const std::string enc = lower(get("encoding"));
  if (enc == "raw")
    h.gzip = false;
  else if (enc == "gzip" || enc == "gz")
    h.gzip = true;
  else
    throw InputError(name + ": unsupported NRRD encoding '" + printable(get("encoding")) + "' (supported: raw, gzip)");
  const std::string endian = lower(get("endian"));
  if (endian == "big")
    h.big_endian = true;
  else if (endian.empty() || endian == "little")
    h.big_endian = false;
  else
    throw InputError(name + ": NRRD endian must be little or big, got '" + printable(get("endian")) + "'");
  // Voxel size: "spacings" or the lengths of "space directions"; lengths in "units"/"space units" (um when absent).
  std::vector<double> d;
  std::string spacing_field;
  if (!get("spacings").empty()) {
    spacing_field = "spacings";
    for (const auto& w : split_ws(get("spacings")))
      d.push_back(lower(w) == "nan" ? std::nan("") : header_double(w, name, "spacings"));
  } else if (!get("space directions").empty()) {
    spacing_field = "space directions";
    d = direction_lengths(get("space directions"), name);
  }
  if (!d.empty()) {
    if (static_cast<int64_t>(d.size()) != dim)
      throw InputError(name + ": NRRD " + spacing_field + " must list " + std::to_string(dim) + " values");
    for (double v : d)
      if (!(v > 0) || !std::isfinite(v))
        throw InputError(name + ": invalid NRRD " + spacing_field + " '" + printable(get(spacing_field.c_str())) +
                         "' (each voxel size must be positive and finite); fix the header or pass --voxel");
    std::vector<std::string> units = quoted_list(f.get({"space units", "units"}));
    double um[3] = {1, 1, 1};
    for (std::size_t i = 0; i < units.size() && i < 3; ++i) {
      um[i] = unit_to_um(units[i]);
      if (um[i] == 0)
        throw InputError(name + ": unknown NRRD length unit '" + printable(units[i], 40) +
                         "' (known: um, micron, nm, mm, cm, m, inch); pass --voxel");
    }
    const double dx = d[0] * um[0], dy = d[1] * um[1];
    h.spacing = {dim == 3 ? d[2] * um[2] : dx, dy, dx};
    for (int a = 0; a < 3; ++a)
      if (!(h.spacing[a] > 0) || !std::isfinite(h.spacing[a]))
        throw InputError(name + ": NRRD voxel size out of range after unit conversion; pass --voxel");
    h.has_spacing = true;
  }
  if (!data_file.empty()) {
    if (data_file.rfind("LIST", 0) == 0 || data_file.find('%') != std::string::npos)
      throw InputError(name + ": NRRD data split over several files ('" + printable(data_file) + "') is not supported");
    h.data_file = data_file;
  }
  if (const std::string skip = f.get({"line skip", "lineskip"}); !skip.empty()) h.line_skip = header_int(skip, name, "line skip");
  if (const std::string skip = f.get({"byte skip", "byteskip"}); !skip.empty()) h.byte_skip = header_int(skip, name, "byte skip");
  if (h.line_skip < 0 || h.byte_skip < -1) throw InputError(name + ": negative NRRD line/byte skip");
  if (h.byte_skip == -1 && h.gzip) throw InputError(name + ": NRRD 'byte skip: -1' is only allowed with raw encoding");
  check_header_shape(h.shape, h.dtype, name);
  return h;
}

std::unique_ptr<SlabReader> open_nrrd(const std::string& path) {
  require_regular_file(path);
  const NrrdHeader h = parse_nrrd_header(read_text_file(path, 1 << 20), path);
  const std::string data_path = h.data_file.empty() ? path : data_file_path(path, h.data_file);
  VolumeInfo info = header_volume_info("nrrd", h.shape, h.dtype, h.spacing, h.has_spacing, path, data_path);
  const uint64_t start = offset_after_lines(data_path, h.data_file.empty() ? h.header_bytes : 0, h.line_skip);
  if (!h.gzip) return open_uncompressed_data(std::move(info), path, data_path, start, h.byte_skip, h.big_endian);
  // gzip: the byte skip counts decompressed bytes.
  return std::make_unique<InflateSlabReader>(std::move(info), data_path, start, static_cast<uint64_t>(h.byte_skip),
                                             needs_byte_swap(h.big_endian, h.dtype));
}

std::unique_ptr<SlabWriter> create_nrrd(const std::string& path, const VolumeHeader& h, const WriteOptions& o) {
  const bool detached = lower_extension(path) == ".nhdr";
  const std::string data_name = fs::path(path).stem().string() + (o.compress ? ".raw.gz" : ".raw");
  std::string text = "NRRD0004\n# written by emorph\n";
  static const char* types[] = {"uint8", "int8", "uint16", "int16", "uint32", "int32", "float"};
  text += std::string("type: ") + types[static_cast<int>(h.dtype)] + "\n";
  text += "dimension: 3\n";
  text += "sizes: " + std::to_string(h.shape.nx) + " " + std::to_string(h.shape.ny) + " " + std::to_string(h.shape.nz) + "\n";
  char buf[160];
  std::snprintf(buf, sizeof buf, "spacings: %.17g %.17g %.17g\n", h.spacing.dx, h.spacing.dy, h.spacing.dz);
  text += buf;
  text += "units: \"um\" \"um\" \"um\"\n";
  text += "endian: little\n";
  text += std::string("encoding: ") + (o.compress ? "gzip" : "raw") + "\n";
  // Attached: a blank line ends the header and the data follow (only the data are gzip-compressed).
  text += detached ? "data file: " + data_name + "\n" : "\n";
  return std::make_unique<HeaderDataWriter>(path, h, o.compress, DeflateWriter::Wrapper::gzip,
                                            detached ? data_name : "", [text](uint64_t) { return text; });
}

}  // namespace emorph::io
