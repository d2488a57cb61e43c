#include "io/io_util.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "emorph/error.hpp"

namespace fs = std::filesystem;

namespace emorph::io {

void require_regular_file(const std::string& path) {
  std::error_code ec;
  auto st = fs::status(path, ec);
  if (!fs::exists(st)) throw InputError(path + ": no such file");
  if (fs::is_directory(st)) throw InputError(path + ": is a directory, expected a file");
  if (!fs::is_regular_file(st)) throw InputError(path + ": not a regular file");
}

uint64_t file_size(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw InputError(path + ": cannot stat (" + std::strerror(errno) + ")");
  return static_cast<uint64_t>(st.st_size);
}

std::string lower_extension(const std::string& path) {
  std::string e = fs::path(path).extension().string();
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return std::tolower(c); });
  return e;
}

PosixFile PosixFile::open_read(const std::string& path) {
  require_regular_file(path);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw InputError(path + ": cannot open (" + std::strerror(errno) + ")");
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return PosixFile(fd, path);
}

PosixFile PosixFile::create(const std::string& path, const std::string& display_name) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw InputError(display_name + ": cannot create (" + std::strerror(errno) + ")");
  return PosixFile(fd, display_name);
}

PosixFile::~PosixFile() {
  if (fd_ >= 0) ::close(fd_);
}

std::size_t PosixFile::read_some_at(uint64_t offset, void* dst, std::size_t n) const {
  char* p = static_cast<char*>(dst);
  std::size_t done = 0;
  while (done < n) {
    // Linux transfers at most ~2 GiB per call.
    const std::size_t chunk = std::min<std::size_t>(n - done, std::size_t(1) << 30);
    ssize_t r = ::pread(fd_, p + done, chunk, static_cast<off_t>(offset + done));
    if (r < 0) {
      if (errno == EINTR) continue;
      throw InputError(name_ + ": read error (" + std::strerror(errno) + ")");
    }
    if (r == 0) break;
    done += static_cast<std::size_t>(r);
  }
  return done;
}

bool copy_would_alias_4k(uint64_t offset, const void* dst) {
  const uint64_t distance = (reinterpret_cast<uintptr_t>(dst) - offset) & 4095;
  return distance >= 1 && distance < 128;
}

void PosixFile::read_at(uint64_t offset, void* dst, std::size_t n) const {
  constexpr std::size_t kStage = std::size_t(1) << 20;
  std::size_t got = 0;
  if (n < 2 * kStage || !copy_would_alias_4k(offset, dst)) {
    got = read_some_at(offset, dst, n);
  } else {
    // Staged: the kernel copies into a buffer placed half a page away from the file offset, and
    // memcpy (which avoids 4K aliasing itself) moves it on; both copies run at full speed, the
    // extra one within the cache. Measured on the bench_io volume: 2.4x faster than the direct read.
    std::unique_ptr<unsigned char[]> stage(new unsigned char[kStage + 4096]);
    const uint64_t shift = (offset + 2048 - reinterpret_cast<uintptr_t>(stage.get())) & 4095;
    unsigned char* buffer = stage.get() + shift;
    auto* out = static_cast<unsigned char*>(dst);
    while (got < n) {
      const std::size_t chunk = std::min(kStage, n - got);
      const std::size_t r = read_some_at(offset + got, buffer, chunk);
      std::memcpy(out + got, buffer, r);
      got += r;
      if (r < chunk) break;
    }
  }
  if (got != n)
    throw InputError(name_ + ": file is truncated (ends before byte " + std::to_string(offset + n) + ")");
}

void PosixFile::write_all(const void* src, std::size_t n) {
  const char* p = static_cast<const char*>(src);
  while (n > 0) {
    ssize_t r = ::write(fd_, p, std::min<std::size_t>(n, std::size_t(1) << 30));
    if (r < 0) {
      if (errno == EINTR) continue;
      throw InputError(name_ + ": write error (" + std::strerror(errno) + ")");
    }
    p += r;
    n -= static_cast<std::size_t>(r);
  }
}

void PosixFile::close() {
  if (fd_ < 0) return;
  int r = ::close(fd_);
  fd_ = -1;
  if (r != 0) throw InputError(name_ + ": write error on close (" + std::strerror(errno) + ")");
}

void advise_huge_pages(void* data, std::size_t bytes) {
  constexpr std::size_t kHuge = std::size_t(2) << 20;
  if (bytes < 16 * kHuge) return;
  const auto begin = (reinterpret_cast<uintptr_t>(data) + kHuge - 1) & ~(kHuge - 1);
  const auto end = (reinterpret_cast<uintptr_t>(data) + bytes) & ~(kHuge - 1);
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

bool host_is_little_endian() {
  const uint16_t one = 1;
  unsigned char b;
  std::memcpy(&b, &one, 1);
  return b == 1;
}

void byte_swap(void* data, std::size_t count, std::size_t element_size) {
  auto* p = static_cast<unsigned char*>(data);
  if (element_size == 2) {
    for (std::size_t i = 0; i < count; ++i) std::swap(p[2 * i], p[2 * i + 1]);
  } else if (element_size == 4) {
    for (std::size_t i = 0; i < count; ++i) {
      uint32_t v;
      std::memcpy(&v, p + 4 * i, 4);
      v = __builtin_bswap32(v);
      std::memcpy(p + 4 * i, &v, 4);
    }
  }
}

InflateReader::InflateReader(const std::string& path, uint64_t offset)
    : file_(PosixFile::open_read(path)), offset_(offset), in_(1 << 20) {
  // 15 + 32: accept both zlib and gzip wrappers.
  if (inflateInit2(&zs_, 15 + 32) != Z_OK) throw InternalError("zlib: inflateInit2 failed");
}

InflateReader::~InflateReader() { inflateEnd(&zs_); }

void InflateReader::read(void* dst, std::size_t n) {
  auto* out = static_cast<unsigned char*>(dst);
  while (n > 0) {
    const std::size_t chunk = std::min<std::size_t>(n, 1u << 30);
    zs_.next_out = out;
    zs_.avail_out = static_cast<uInt>(chunk);
    while (zs_.avail_out > 0) {
      if (ended_) throw InputError(file_.name() + ": compressed data ends before the header's size");
      if (zs_.avail_in == 0) {
        std::size_t got = file_.read_some_at(offset_, in_.data(), in_.size());
        if (got == 0) throw InputError(file_.name() + ": compressed data is truncated");
        offset_ += got;
        zs_.next_in = in_.data();
        zs_.avail_in = static_cast<uInt>(got);
      }
      int r = inflate(&zs_, Z_NO_FLUSH);
      if (r == Z_STREAM_END) {
        ended_ = true;
      } else if (r != Z_OK && r != Z_BUF_ERROR) {
        throw InputError(file_.name() + ": corrupt compressed data (" + (zs_.msg ? zs_.msg : "zlib error") + ")");
      }
    }
    out += chunk;
    n -= chunk;
  }
}

void InflateReader::skip(uint64_t n) {
  std::vector<unsigned char> scratch(std::min<uint64_t>(n, 1 << 20));
  while (n > 0) {
    const std::size_t c = std::min<uint64_t>(n, scratch.size());
    read(scratch.data(), c);
    n -= c;
  }
}

DeflateWriter::DeflateWriter(PosixFile& file, Wrapper wrapper, int level) : file_(file), out_(1 << 20) {
  if (deflateInit2(&zs_, level, Z_DEFLATED, wrapper == Wrapper::gzip ? 15 + 16 : 15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw InternalError("zlib: deflateInit2 failed");
}

DeflateWriter::~DeflateWriter() { deflateEnd(&zs_); }

void DeflateWriter::pump(int flush) {
  int r;
  do {
    zs_.next_out = out_.data();
    zs_.avail_out = static_cast<uInt>(out_.size());
    r = deflate(&zs_, flush);
    if (r == Z_STREAM_ERROR) throw InternalError("zlib: deflate failed");
    const std::size_t produced = out_.size() - zs_.avail_out;
    file_.write_all(out_.data(), produced);
    compressed_ += produced;
  } while (zs_.avail_out == 0 || (flush == Z_FINISH && r != Z_STREAM_END));
}

void DeflateWriter::write(const void* src, std::size_t n) {
  auto* p = static_cast<const unsigned char*>(src);
  while (n > 0) {
    const std::size_t chunk = std::min<std::size_t>(n, 1u << 30);
    zs_.next_in = const_cast<unsigned char*>(p);
    zs_.avail_in = static_cast<uInt>(chunk);
    pump(Z_NO_FLUSH);
    p += chunk;
    n -= chunk;
  }
}

void DeflateWriter::finish() {
  if (finished_) return;
  zs_.avail_in = 0;
  pump(Z_FINISH);
  finished_ = true;
}

std::string read_text_file(const std::string& path, std::size_t max_bytes) {
  PosixFile f = PosixFile::open_read(path);
  std::string s(std::min<uint64_t>(file_size(path), max_bytes), '\0');
  s.resize(f.read_some_at(0, s.data(), s.size()));
  return s;
}

double unit_to_um(const std::string& unit_in) {
  std::string u;
  for (char c : unit_in)
    if (c != '"' && c != ' ') u += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (u == "um" || u == "micron" || u == "microns" || u == "micrometer" || u == "micrometre" ||
      u == "micrometers" || u == "micrometres" || u == "\xc2\xb5m" || u == "\xb5m" || u == "\\u00b5m" || u == "\xce\xbcm" || u == "\\u03bcm")
    return 1.0;
  if (u == "nm" || u == "nanometer" || u == "nanometre" || u == "nanometers" || u == "nanometres") return 1e-3;
  if (u == "mm" || u == "millimeter" || u == "millimetre" || u == "millimeters" || u == "millimetres") return 1e3;
  if (u == "cm" || u == "centimeter" || u == "centimetre" || u == "centimeters" || u == "centimetres") return 1e4;
  if (u == "in" || u == "inch" || u == "inches") return 25400.0;
  if (u == "m" || u == "meter" || u == "metre" || u == "meters" || u == "metres") return 1e6;
  return 0.0;
}

RawSlabReader::RawSlabReader(VolumeInfo info, std::string data_path, uint64_t offset, bool swap)
    : file_(PosixFile::open_read(data_path)), offset_(offset), swap_(swap) {
  info_ = std::move(info);
}

void RawSlabReader::read(int64_t z0, int64_t z1, void* dst) {
  if (z0 < 0 || z1 > info_.shape.nz || z0 > z1) throw InputError("slab " + std::to_string(z0) + ":" +
                                                                  std::to_string(z1) + " outside the volume");
  const std::size_t sb = slice_bytes();
  const std::size_t n = static_cast<std::size_t>(z1 - z0) * sb;
  file_.read_at(offset_ + static_cast<uint64_t>(z0) * sb, dst, n);
  if (swap_) byte_swap(dst, n / dtype_size(info_.dtype), dtype_size(info_.dtype));
}

InflateSlabReader::InflateSlabReader(VolumeInfo info, const std::string& data_path, uint64_t offset,
                                     uint64_t skip_after_inflate, bool swap)
    : in_(data_path, offset), swap_(swap) {
  info_ = std::move(info);
  if (skip_after_inflate) in_.skip(skip_after_inflate);
}

void InflateSlabReader::read(int64_t z0, int64_t z1, void* dst) {
  if (z0 < next_z_ || z1 > info_.shape.nz || z0 > z1)
    throw InputError("compressed volume: slab " + std::to_string(z0) + ":" + std::to_string(z1) +
                     " cannot be read (compressed data is read forwards only)");
  const std::size_t sb = slice_bytes();
  if (z0 > next_z_) in_.skip(static_cast<uint64_t>(z0 - next_z_) * sb);
  const std::size_t n = static_cast<std::size_t>(z1 - z0) * sb;
  in_.read(dst, n);
  next_z_ = z1;
  if (swap_) byte_swap(dst, n / dtype_size(info_.dtype), dtype_size(info_.dtype));
}

void check_raw_size(const std::string& data_path, uint64_t offset, uint64_t needed, const std::string& header_name) {
  require_regular_file(data_path);
  const uint64_t size = file_size(data_path);
  if (size < offset + needed)
    throw InputError(data_path + ": file is truncated: " + header_name + " needs " + std::to_string(offset + needed) +
                     " bytes, the file has " + std::to_string(size));
  if (size > offset + needed)
    throw InputError(data_path + ": file size " + std::to_string(size) + " bytes disagrees with " + header_name +
                     " (" + std::to_string(offset + needed) + " bytes expected)");
}

DataSink::DataSink(const std::string& target, bool compress, DeflateWriter::Wrapper wrapper,
                   const std::string& plain_prefix)
    : target_(target), out_(target), file_(PosixFile::create(out_.temp_path().string(), target)) {
  file_.write_all(plain_prefix.data(), plain_prefix.size());
  if (compress) deflate_ = std::make_unique<DeflateWriter>(file_, wrapper);
}

void DataSink::write(const void* src, std::size_t n) {
  if (deflate_)
    deflate_->write(src, n);
  else
    file_.write_all(src, n);
}

void DataSink::finish() {
  if (deflate_) deflate_->finish();
  file_.close();
}

void check_header_shape(const Shape& shape, DType dtype, const std::string& what) {
  checked_voxel_count(shape, dtype_size(dtype), what);
}

}  // namespace emorph::io
