// Raw binary volume with a JSON sidecar beside it: file.raw + file.json
// {"shape": [nz, ny, nx], "dtype": "uint16", "byte_order": "little", "voxel_um": [dz, dy, dx]}, or the
// same layout from the command line (emorph/io/raw_input.hpp) when the sidecar is elsewhere or absent.
#include <cmath>
#include <filesystem>

#include "emorph/error.hpp"
#include "emorph/io/raw_input.hpp"
#include "emorph/parse.hpp"
#include "emorph/result.hpp"
#include "io/headers.hpp"
#include "io/io_util.hpp"

namespace fs = std::filesystem;

namespace emorph {

RawInputOptions parse_raw_input_options(const std::string& shape, const std::string& dtype,
                                        const std::string& byte_order, const std::string& sidecar) {
  RawInputOptions o;
  if (!shape.empty()) {
    const auto items = split_list(shape, "--raw-shape");
    if (items.size() != 3) throw InputError("--raw-shape: expected Z,Y,X (three voxel counts), got '" + shape.substr(0, 80) + "'");
    int64_t n[3];
    for (int i = 0; i < 3; ++i) {
      n[i] = parse_int(items[i], "--raw-shape");
      if (n[i] <= 0) throw InputError("--raw-shape: every size must be positive, got '" + shape.substr(0, 80) + "'");
    }
    o.shape = Shape{n[0], n[1], n[2]};
  }
  if (!dtype.empty()) {
    o.dtype = parse_dtype(dtype, "--raw-dtype");
    if (dtype[0] == '>' || dtype[0] == '<') o.big_endian = dtype[0] == '>';  // numpy's byte-order prefix
  }
  if (!byte_order.empty()) {
    if (byte_order != "little" && byte_order != "big")
      throw InputError("--raw-byte-order: expected little or big, got '" + byte_order.substr(0, 40) + "'");
    const bool big = byte_order == "big";
    if (o.big_endian && *o.big_endian != big)
      throw InputError("--raw-dtype " + dtype + " contradicts --raw-byte-order " + byte_order);
    o.big_endian = big;
  }
  if (o.shape && o.dtype) io::check_header_shape(*o.shape, *o.dtype, "--raw-shape");
  o.sidecar = sidecar;
  return o;
}

namespace {
RawInputOptions& raw_options() {
  static RawInputOptions options;
  return options;
}
}  // namespace

void set_raw_input_options(const RawInputOptions& options) { raw_options() = options; }
const RawInputOptions& raw_input_options() { return raw_options(); }

}  // namespace emorph

namespace emorph::io {
namespace {

std::string sidecar_path(const std::string& raw_path) {
  fs::path p(raw_path);
  fs::path j = p;
  j.replace_extension(".json");
  std::error_code ec;
  if (fs::exists(j, ec)) return j.string();
  fs::path alt = raw_path + ".json";
  if (fs::exists(alt, ec)) return alt.string();
  return j.string();
}

int64_t json_dim(const Json& v, const std::string& name) {
  // Unsigned first: is_number_integer() is also true for unsigned values, which would wrap to negative.
  if (v.is_number_unsigned()) {
    const uint64_t u = v.get<uint64_t>();
    if (u > static_cast<uint64_t>(INT64_MAX))
      throw InputError(name + ": shape value " + std::to_string(u) + " is beyond 2^63 - 1");
    return static_cast<int64_t>(u);
  }
  if (v.is_number_integer()) return v.get<int64_t>();
  throw InputError(name + ": \"shape\" must hold integers");
}

class RawWriter : public SlabWriter {
 public:
  RawWriter(const std::string& path, const VolumeHeader& h)
      : header_(h), data_(path, false, DeflateWriter::Wrapper::gzip), sidecar_(fs::path(path).replace_extension(".json")) {}
  void write(const void* slices, int64_t count) override {
    if (written_ + count > header_.shape.nz) throw InternalError("raw writer: too many slices");
    data_.write(slices, static_cast<std::size_t>(count * header_.shape.ny * header_.shape.nx) * dtype_size(header_.dtype));
    written_ += count;
  }
  void commit() override {
    if (written_ != header_.shape.nz) throw InternalError("raw writer: missing slices");
    data_.finish();
    // Both files are complete under temporary names before either is renamed.
    AtomicOutput side(sidecar_);
    {
      PosixFile f = PosixFile::create(side.temp_path().string(), sidecar_.string());
      const std::string text = format_raw_sidecar(header_.shape, header_.dtype, header_.spacing);
      f.write_all(text.data(), text.size());
      f.close();
    }
    data_.commit();
    side.commit();
  }

 private:
  VolumeHeader header_;
  DataSink data_;
  fs::path sidecar_;
  int64_t written_ = 0;
};

}  // namespace

RawSidecar parse_raw_sidecar(const std::string& text, const std::string& name) {
  Json j;
  try {
    j = Json::parse(text);
  } catch (const std::exception& e) {
    throw InputError(name + ": not valid JSON (" + std::string(e.what()) + ")");
  }
  if (!j.is_object()) throw InputError(name + ": expected a JSON object");
  RawSidecar s;
  if (!j.contains("shape") || !j["shape"].is_array()) throw InputError(name + ": missing \"shape\": [nz, ny, nx]");
  const Json& sh = j["shape"];
  if (sh.size() == 3)
    s.shape = {json_dim(sh[0], name), json_dim(sh[1], name), json_dim(sh[2], name)};
  else if (sh.size() == 2)
    s.shape = {1, json_dim(sh[0], name), json_dim(sh[1], name)};
  else
    throw InputError(name + ": \"shape\" must have 3 entries [nz, ny, nx]");
  if (!j.contains("dtype") || !j["dtype"].is_string()) throw InputError(name + ": missing \"dtype\" (e.g. \"uint16\")");
  s.dtype = parse_dtype(j["dtype"].get<std::string>(), name + ": dtype");
  const std::string dt = j["dtype"].get<std::string>();
  // numpy's byte-order prefix ('<' little, '>' big; '|' and '=' say nothing) and "byte_order" must agree.
  const char prefix = dt.empty() ? '\0' : dt[0];
  if (prefix == '>') s.big_endian = true;
  if (j.contains("byte_order")) {
    if (!j["byte_order"].is_string()) throw InputError(name + ": \"byte_order\" must be \"little\" or \"big\"");
    const std::string bo = j["byte_order"].get<std::string>();
    if (bo == "little" || bo == "<")
      s.big_endian = false;
    else if (bo == "big" || bo == ">")
      s.big_endian = true;
    else
      throw InputError(name + ": \"byte_order\" must be \"little\" or \"big\", got \"" + bo.substr(0, 40) + "\"");
    if ((prefix == '>' && !s.big_endian) || (prefix == '<' && s.big_endian) )
      throw InputError(name + ": contradictory byte order: \"dtype\": \"" + dt.substr(0, 40) + "\" says " +
                       (prefix == '>' ? "big" : "little") + "-endian, \"byte_order\": \"" + bo + "\" says " +
                       (s.big_endian ? "big" : "little"));
  }
  if (j.contains("voxel_um")) {
    const Json& v = j["voxel_um"];
    std::vector<double> d;
    if (v.is_number()) {
      d = {v.get<double>(), v.get<double>(), v.get<double>()};
    } else if (v.is_array() && v.size() == 3) {
      for (const auto& e : v) {
        if (!e.is_number()) throw InputError(name + ": \"voxel_um\" must hold numbers");
        d.push_back(e.get<double>());
      }
    } else {
      throw InputError(name + ": \"voxel_um\" must be a number or [dz, dy, dx]");
    }
    for (double x : d)
      if (!(x > 0) || !std::isfinite(x)) throw InputError(name + ": \"voxel_um\" values must be positive");
    s.spacing = {d[0], d[1], d[2]};
    s.has_spacing = true;
  }
  if (j.contains("header_bytes")) {
    const Json& o = j["header_bytes"];
    if (!o.is_number_unsigned() && !(o.is_number_integer() && o.get<int64_t>() >= 0))
      throw InputError(name + ": \"header_bytes\" must be a non-negative integer");
    s.offset = o.get<uint64_t>();
  }
  check_header_shape(s.shape, s.dtype, name);
  return s;
}

std::string format_raw_sidecar(const Shape& shape, DType dtype, const Spacing& spacing) {
  Json j;
  j["shape"] = {shape.nz, shape.ny, shape.nx};
  j["dtype"] = dtype_name(dtype);
  j["byte_order"] = "little";
  j["voxel_um"] = {spacing.dz, spacing.dy, spacing.dx};
  return j.dump(2) + "\n";
}

namespace {

// Options given together with a sidecar must say what it says: a contradiction is an error, never a choice.
void check_options_agree(const RawSidecar& s, const RawInputOptions& o, const std::string& side) {
  if (o.shape && *o.shape != s.shape)
    throw InputError("--raw-shape " + o.shape->str() + " contradicts the sidecar " + side + " (shape " + s.shape.str() + ")");
  if (o.dtype && *o.dtype != s.dtype)
    throw InputError("--raw-dtype " + dtype_name(*o.dtype) + " contradicts the sidecar " + side + " (dtype " +
                     dtype_name(s.dtype) + ")");
  if (o.big_endian && *o.big_endian != s.big_endian && dtype_size(s.dtype) > 1)
    throw InputError(std::string("--raw-byte-order ") + (*o.big_endian ? "big" : "little") + " contradicts the sidecar " +
                     side + " (" + (s.big_endian ? "big" : "little") + "-endian)");
}

}  // namespace

std::unique_ptr<SlabReader> open_raw(const std::string& path) {
  require_regular_file(path);
  const RawInputOptions& o = raw_input_options();
  const std::string side = o.sidecar.empty() ? sidecar_path(path) : o.sidecar;
  std::error_code ec;
  const bool have_sidecar = fs::exists(side, ec);
  if (!o.sidecar.empty() && !have_sidecar) throw InputError("--sidecar " + side + ": no such file");
  RawSidecar s;
  std::string layout;  // what the size check names
  if (have_sidecar) {
    s = parse_raw_sidecar(read_text_file(side), side);
    check_options_agree(s, o, side);
    layout = "sidecar " + side;
  } else if (o.shape && o.dtype) {
    s.shape = *o.shape;
    s.dtype = *o.dtype;
    s.big_endian = o.big_endian.value_or(false);
    layout = "--raw-shape/--raw-dtype";
  } else {
    throw InputError(path + ": raw data needs a sidecar " + side +
                     " with {\"shape\": [nz, ny, nx], \"dtype\": ..., \"byte_order\": ..., \"voxel_um\": ...}, or its "
                     "layout on the command line: --raw-shape Z,Y,X --raw-dtype TYPE (and --voxel UM), or --sidecar PATH");
  }
  const uint64_t bytes = static_cast<uint64_t>(s.shape.voxels()) * dtype_size(s.dtype);
  check_raw_size(path, s.offset, bytes, layout + " (shape " + s.shape.str() + ", " + dtype_name(s.dtype) + ")");
  VolumeInfo info;
  info.format = "raw";
  info.shape = s.shape;
  info.dtype = s.dtype;
  info.spacing = s.spacing;
  info.spacing_from_file = s.has_spacing;
  info.files = have_sidecar ? std::vector<std::string>{path, side} : std::vector<std::string>{path};
  const bool swap = s.big_endian == host_is_little_endian() && dtype_size(s.dtype) > 1;
  return std::make_unique<RawSlabReader>(std::move(info), path, s.offset, swap);
}

std::unique_ptr<SlabWriter> create_raw(const std::string& path, const VolumeHeader& h, const WriteOptions&) {
  return std::make_unique<RawWriter>(path, h);
}

}  // namespace emorph::io
