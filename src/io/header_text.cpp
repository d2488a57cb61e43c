#include "io/header_text.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "emorph/error.hpp"
#include "emorph/text.hpp"

namespace fs = std::filesystem;

namespace emorph::io {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<std::string> split_ws(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream ss(s);
  std::string w;
  while (ss >> w) out.push_back(w);
  return out;
}

int64_t header_int(const std::string& text, const std::string& name, const std::string& field) {
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno == ERANGE)
    throw InputError(name + ": field '" + field + "' has an invalid integer '" + printable(text) + "'");
  return v;
}

double header_double(const std::string& text, const std::string& name, const std::string& field) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0')
    throw InputError(name + ": field '" + field + "' has an invalid number '" + printable(text) + "'");
  return v;
}

bool HeaderFields::add_line(const std::string& line, const std::string& separator) {
  const std::size_t at = line.find(separator);
  if (at == std::string::npos) return false;
  fields_[lower(trim(line.substr(0, at)))] = trim(line.substr(at + separator.size()));
  return true;
}

std::string HeaderFields::get(std::initializer_list<const char*> keys) const {
  for (const char* k : keys) {
    auto it = fields_.find(k);
    if (it != fields_.end() && !it->second.empty()) return it->second;
  }
  return "";
}

std::string next_header_line(const std::string& text, std::size_t& pos) {
  const std::size_t end = text.find('\n', pos);
  std::string line = text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
  pos = end == std::string::npos ? text.size() : end + 1;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::string data_file_path(const std::string& header_path, const std::string& data_file) {
  const fs::path p(data_file);
  std::string path = p.is_absolute() ? p.string() : (fs::path(header_path).parent_path() / p).string();
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
    throw InputError(header_path + ": the data file '" + printable(data_file) + "' named by the header " +
                     (fs::exists(path, ec) ? "is not a regular file" : "does not exist"));
  return path;
}

bool needs_byte_swap(bool big_endian, DType dtype) { return big_endian == host_is_little_endian() && dtype_size(dtype) > 1; }

VolumeInfo header_volume_info(const std::string& format, const Shape& shape, DType dtype, const Spacing& spacing,
                              bool spacing_from_file, const std::string& header_path, const std::string& data_path) {
  VolumeInfo info;
  info.format = format;
  info.shape = shape;
  info.dtype = dtype;
  info.spacing = spacing;
  info.spacing_from_file = spacing_from_file;
  info.files = {header_path};
  if (data_path != header_path) info.files.push_back(data_path);
  return info;
}

std::unique_ptr<SlabReader> open_uncompressed_data(VolumeInfo info, const std::string& header_path,
                                                   const std::string& data_path, uint64_t start, int64_t skip,
                                                   bool big_endian) {
  const uint64_t bytes = static_cast<uint64_t>(info.shape.voxels()) * dtype_size(info.dtype);
  uint64_t offset = start + static_cast<uint64_t>(std::max<int64_t>(0, skip));
  if (skip == -1) {
    const uint64_t size = file_size(data_path);
    if (size < bytes)
      throw InputError(data_path + ": file is truncated: header " + header_path + " needs " + std::to_string(bytes) +
                       " bytes of data, the file has " + std::to_string(size));
    offset = size - bytes;
  }
  check_raw_size(data_path, offset, bytes,
                 "header " + header_path + " (shape " + info.shape.str() + ", " + dtype_name(info.dtype) + ")");
  const bool swap = needs_byte_swap(big_endian, info.dtype);
  return std::make_unique<RawSlabReader>(std::move(info), data_path, offset, swap);
}

HeaderDataWriter::HeaderDataWriter(const std::string& path, const VolumeHeader& h, bool compress,
                                   DeflateWriter::Wrapper wrapper, const std::string& detached_data_name,
                                   std::function<std::string(uint64_t)> header)
    : volume_(h), path_(path), detached_(!detached_data_name.empty()), header_(std::move(header)) {
  if (detached_)
    data_ = std::make_unique<DataSink>((fs::path(path).parent_path() / detached_data_name).string(), compress, wrapper);
  else
    data_ = std::make_unique<DataSink>(path, compress, wrapper, header_(0));  // the header stays plain text
}

void HeaderDataWriter::write(const void* slices, int64_t count) {
  if (written_ + count > volume_.shape.nz) throw InternalError(path_ + ": writer given too many slices");
  data_->write(slices, static_cast<std::size_t>(count * volume_.shape.ny * volume_.shape.nx) * dtype_size(volume_.dtype));
  written_ += count;
}

void HeaderDataWriter::commit() {
  if (written_ != volume_.shape.nz) throw InternalError(path_ + ": writer missing slices");
  data_->finish();
  if (detached_) {
    AtomicOutput head(path_);
    const std::string text = header_(data_->compressed_bytes());
    PosixFile f = PosixFile::create(head.temp_path().string(), path_);
    f.write_all(text.data(), text.size());
    f.close();
    data_->commit();
    head.commit();
  } else {
    data_->commit();
  }
}

}  // namespace emorph::io
