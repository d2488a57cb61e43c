// NRRD volumes (teem NRRD0004/0005 format, https://teem.sourceforge.net/nrrd/format.html): attached
// (.nrrd) or detached (.nhdr + data file), raw or gzip encoding; axis order x, y, z (x fastest).
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>

#include "emorph/error.hpp"
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
    throw InputError(name + ": unsupported NRRD type '" + t +
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

class NrrdWriter : public SlabWriter {
 public:
  NrrdWriter(const std::string& path, const VolumeHeader& h, const WriteOptions& o)
      : header_(h), path_(path), detached_(lower_extension(path) == ".nhdr") {
    std::string data_name = fs::path(path).stem().string() + (o.compress ? ".raw.gz" : ".raw");
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
    if (detached_) {
      text += "data file: " + data_name + "\n";
      header_text_ = text;
      data_ = std::make_unique<DataSink>((fs::path(path).parent_path() / data_name).string(), o.compress,
                                         DeflateWriter::Wrapper::gzip);
    } else {
      text += "\n";
      // The header stays plain text; only the data that follow it are gzip-compressed.
      data_ = std::make_unique<DataSink>(path, o.compress, DeflateWriter::Wrapper::gzip, text);
    }
  }
  void write(const void* slices, int64_t count) override {
    if (written_ + count > header_.shape.nz) throw InternalError("nrrd writer: too many slices");
    data_->write(slices, static_cast<std::size_t>(count * header_.shape.ny * header_.shape.nx) * dtype_size(header_.dtype));
    written_ += count;
  }
  void commit() override {
    if (written_ != header_.shape.nz) throw InternalError("nrrd writer: missing slices");
    data_->finish();
    if (detached_) {
      AtomicOutput head(path_);
      PosixFile f = PosixFile::create(head.temp_path().string(), path_);
      f.write_all(header_text_.data(), header_text_.size());
      f.close();
      data_->commit();
      head.commit();
    } else {
      data_->commit();
    }
  }

 private:
  VolumeHeader header_;
  std::string path_;
  bool detached_;
  std::string header_text_;
  std::unique_ptr<DataSink> data_;
  int64_t written_ = 0;
};

}  // namespace

NrrdHeader parse_nrrd_header(const std::string& text, const std::string& name) {
  if (text.size() < 8 || text.compare(0, 7, "NRRD000") != 0 || !std::isdigit(static_cast<unsigned char>(text[7])))
    throw InputError(name + ": not a NRRD file (missing 'NRRD000x' magic)");
  NrrdHeader h;
  std::map<std::string, std::string> f;
  std::size_t pos = text.find('\n');
  bool ended = false;
  while (pos != std::string::npos && pos + 1 <= text.size()) {
    const std::size_t start = pos + 1;
    const std::size_t end = text.find('\n', start);
    std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      if (end != std::string::npos) {
        h.header_bytes = end + 1;
        ended = true;
      }
      break;
    }
    pos = end;
    if (line[0] == '#') continue;
    if (line.find(":=") != std::string::npos) continue;  // key/value pairs carry no geometry
    const std::size_t colon = line.find(": ");
    if (colon == std::string::npos) throw InputError(name + ": malformed NRRD header line '" + line.substr(0, 80) + "'");
    f[lower(trim(line.substr(0, colon)))] = trim(line.substr(colon + 2));
    if (end == std::string::npos) break;
  }
  auto get = [&](const std::string& key) -> std::string {
    auto it = f.find(key);
    return it == f.end() ? std::string() : it->second;
  };
  const std::string data_file = !get("data file").empty() ? get("data file") : get("datafile");
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
    throw InputError(name + ": unsupported NRRD encoding '" + get("encoding") + "' (supported: raw, gzip)");
  const std::string endian = lower(get("endian"));
  if (endian == "big")
    h.big_endian = true;
  else if (endian.empty() || endian == "little")
    h.big_endian = false;
  else
    throw InputError(name + ": NRRD endian must be little or big, got '" + get("endian") + "'");
  // Voxel size: "spacings" or the lengths of "space directions"; lengths in "units"/"space units" (um when absent).
  std::vector<double> d;
  if (!get("spacings").empty()) {
    for (const auto& w : split_ws(get("spacings"))) d.push_back(lower(w) == "nan" ? 0.0 : header_double(w, name, "spacings"));
  } else if (!get("space directions").empty()) {
    d = direction_lengths(get("space directions"), name);
  }
  if (!d.empty()) {
    if (static_cast<int64_t>(d.size()) != dim) throw InputError(name + ": NRRD spacings must list " + std::to_string(dim) + " values");
    std::vector<std::string> units = quoted_list(!get("space units").empty() ? get("space units") : get("units"));
    double um[3] = {1, 1, 1};
    for (std::size_t i = 0; i < units.size() && i < 3; ++i) {
      const double u = unit_to_um(units[i]);
      if (u > 0) um[i] = u;
    }
    const bool ok = dim == 3 ? (d[0] > 0 && d[1] > 0 && d[2] > 0) : (d[0] > 0 && d[1] > 0);
    if (ok && std::isfinite(d[0]) && std::isfinite(d[1])) {
      const double dx = d[0] * um[0], dy = d[1] * um[1];
      h.spacing = {dim == 3 ? d[2] * um[2] : dx, dy, dx};
      h.has_spacing = std::isfinite(h.spacing.dz);
      if (!h.has_spacing) h.spacing = {};
    }
  }
  if (!data_file.empty()) {
    if (data_file.rfind("LIST", 0) == 0 || data_file.find('%') != std::string::npos)
      throw InputError(name + ": NRRD data split over several files ('" + data_file + "') is not supported");
    h.data_file = data_file;
  }
  if (!get("line skip").empty() || !get("lineskip").empty())
    h.line_skip = header_int(!get("line skip").empty() ? get("line skip") : get("lineskip"), name, "line skip");
  if (!get("byte skip").empty() || !get("byteskip").empty())
    h.byte_skip = header_int(!get("byte skip").empty() ? get("byte skip") : get("byteskip"), name, "byte skip");
  if (h.line_skip < 0 || h.byte_skip < -1) throw InputError(name + ": negative NRRD line/byte skip");
  if (h.byte_skip == -1 && h.gzip) throw InputError(name + ": NRRD 'byte skip: -1' is only allowed with raw encoding");
  check_header_shape(h.shape, h.dtype, name);
  return h;
}

std::unique_ptr<SlabReader> open_nrrd(const std::string& path) {
  require_regular_file(path);
  const std::string text = read_text_file(path, 1 << 20);
  NrrdHeader h = parse_nrrd_header(text, path);
  std::string data_path = path;
  uint64_t start = h.header_bytes;
  if (!h.data_file.empty()) {
    fs::path p(h.data_file);
    data_path = p.is_absolute() ? p.string() : (fs::path(path).parent_path() / p).string();
    start = 0;
    require_regular_file(data_path);
  }
  VolumeInfo info;
  info.format = "nrrd";
  info.shape = h.shape;
  info.dtype = h.dtype;
  info.spacing = h.spacing;
  info.spacing_from_file = h.has_spacing;
  info.files = {path};
  if (data_path != path) info.files.push_back(data_path);
  const uint64_t bytes = static_cast<uint64_t>(h.shape.voxels()) * dtype_size(h.dtype);
  const bool swap = h.big_endian == host_is_little_endian() && dtype_size(h.dtype) > 1;
  start = offset_after_lines(data_path, start, h.line_skip);
  if (h.gzip)
    return std::make_unique<InflateSlabReader>(std::move(info), data_path, start, static_cast<uint64_t>(h.byte_skip), swap);
  uint64_t offset = start + static_cast<uint64_t>(std::max<int64_t>(0, h.byte_skip));
  const uint64_t size = file_size(data_path);
  if (h.byte_skip == -1) {
    if (size < bytes)
      throw InputError(data_path + ": file is truncated: header " + path + " needs " + std::to_string(bytes) +
                       " bytes of data, the file has " + std::to_string(size));
    offset = size - bytes;
  }
  check_raw_size(data_path, offset, bytes, "header " + path + " (shape " + h.shape.str() + ", " + dtype_name(h.dtype) + ")");
  return std::make_unique<RawSlabReader>(std::move(info), data_path, offset, swap);
}

std::unique_ptr<SlabWriter> create_nrrd(const std::string& path, const VolumeHeader& h, const WriteOptions& o) {
  return std::make_unique<NrrdWriter>(path, h, o);
}

}  // namespace emorph::io
