#pragma once
// Helpers shared by the format readers and writers: checked POSIX file access, byte swapping,
// streaming zlib/gzip (de)compression, and the per-format factories the registry chooses from.
#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "emorph/atomic_file.hpp"
#include "emorph/io/stream.hpp"

namespace emorph::io {

// Throws InputError naming `path` unless it is an existing regular file (or a link to one).
void require_regular_file(const std::string& path);
uint64_t file_size(const std::string& path);
std::string lower_extension(const std::string& path);  // ".tif", ".nhdr", "" ...

// A read-only or write-only file descriptor; errors name the path.
class PosixFile {
 public:
  static PosixFile open_read(const std::string& path);
  static PosixFile create(const std::string& path, const std::string& display_name);
  PosixFile(PosixFile&& o) noexcept : fd_(o.fd_), name_(std::move(o.name_)) { o.fd_ = -1; }
  PosixFile& operator=(PosixFile&&) = delete;
  ~PosixFile();
  int fd() const { return fd_; }
  const std::string& name() const { return name_; }
  // Reads exactly n bytes at offset (throws "truncated" otherwise). Large reads whose destination
  // sits just after the file offset modulo 4 KiB go through a small staging buffer (see the .cpp).
  void read_at(uint64_t offset, void* dst, std::size_t n) const;
  // Reads up to n bytes at offset; returns the count (0 at end of file).
  std::size_t read_some_at(uint64_t offset, void* dst, std::size_t n) const;
  void write_all(const void* src, std::size_t n);
  void close();  // flushes; throws on failure

 private:
  PosixFile(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
  int fd_ = -1;
  std::string name_;
};

// True when copying file bytes at `offset` to `dst` would put each store 1..127 bytes after the
// load of the same 4 KiB page offset: the kernel's "rep movsb" copy then runs 2-3x slower (false
// store-to-load dependencies, "4K aliasing"). Volume buffers start 16 bytes into a page (malloc's
// header), so data at file offset 0 (raw) or 8 (TIFF) fall right into it.
bool copy_would_alias_4k(uint64_t offset, const void* dst);

// Asks the kernel for transparent huge pages on a large buffer about to be filled (fewer page
// faults: numpy does the same for large arrays); a hint, silently ignored where unsupported.
void advise_huge_pages(void* data, std::size_t bytes);

bool host_is_little_endian();
void byte_swap(void* data, std::size_t count, std::size_t element_size);

// Decompresses a zlib or gzip stream (detected from its first bytes) starting at `offset`.
class InflateReader {
 public:
  InflateReader(const std::string& path, uint64_t offset);
  ~InflateReader();
  InflateReader(const InflateReader&) = delete;
  InflateReader& operator=(const InflateReader&) = delete;
  // Fills exactly n bytes; throws InputError naming the file if the stream ends early or is corrupt.
  void read(void* dst, std::size_t n);
  // Discards n bytes of decompressed output.
  void skip(uint64_t n);

 private:
  PosixFile file_;
  uint64_t offset_;
  z_stream zs_{};
  std::vector<unsigned char> in_;
  bool ended_ = false;
};

// Compresses into a file descriptor as gzip (NRRD) or zlib (MetaImage, PNG).
class DeflateWriter {
 public:
  enum class Wrapper { gzip, zlib };
  // Level 1: tomography data gain little from higher levels, which cost several times the time.
  DeflateWriter(PosixFile& file, Wrapper wrapper, int level = 1);
  ~DeflateWriter();
  DeflateWriter(const DeflateWriter&) = delete;
  DeflateWriter& operator=(const DeflateWriter&) = delete;
  void write(const void* src, std::size_t n);
  void finish();
  uint64_t compressed_bytes() const { return compressed_; }

 private:
  void pump(int flush);
  PosixFile& file_;
  z_stream zs_{};
  std::vector<unsigned char> out_;
  uint64_t compressed_ = 0;
  bool finished_ = false;
};

// The bytes of a text file (for headers and sidecars), at most max_bytes.
std::string read_text_file(const std::string& path, std::size_t max_bytes = 1 << 20);

// Spacing conversion of a length unit name to micrometres ("um", "micron", "mm", "nm", ...); 0 if unknown.
double unit_to_um(const std::string& unit);

// Reads raw (optionally byte-swapped) slices at a fixed offset of an uncompressed file.
class RawSlabReader : public SlabReader {
 public:
  RawSlabReader(VolumeInfo info, std::string data_path, uint64_t offset, bool swap);
  void read(int64_t z0, int64_t z1, void* dst) override;

 private:
  PosixFile file_;
  uint64_t offset_;
  bool swap_;
};

// Reads slices from a compressed stream, forwards only.
class InflateSlabReader : public SlabReader {
 public:
  InflateSlabReader(VolumeInfo info, const std::string& data_path, uint64_t offset, uint64_t skip_after_inflate,
                    bool swap);
  void read(int64_t z0, int64_t z1, void* dst) override;

 private:
  InflateReader in_;
  int64_t next_z_ = 0;
  bool swap_;
};

// Checks that a raw data file holds exactly `needed` bytes after `offset`; errors name the file.
void check_raw_size(const std::string& data_path, uint64_t offset, uint64_t needed, const std::string& header_name);

// Writes slices to a data file (raw or deflated) through an AtomicOutput; little-endian.
class DataSink {
 public:
  // plain_prefix (a header) is written uncompressed before the data.
  DataSink(const std::string& target, bool compress, DeflateWriter::Wrapper wrapper, const std::string& plain_prefix = "");
  void write(const void* src, std::size_t n);
  void finish();  // closes the file, not yet renamed
  void commit() { out_.commit(); }
  const std::string& target() const { return target_; }
  uint64_t compressed_bytes() const { return deflate_ ? deflate_->compressed_bytes() : 0; }

 private:
  std::string target_;
  AtomicOutput out_;
  PosixFile file_;
  std::unique_ptr<DeflateWriter> deflate_;
};

// Per-format factories (one source file each).
std::unique_ptr<SlabReader> open_raw(const std::string& path);
std::unique_ptr<SlabWriter> create_raw(const std::string& path, const VolumeHeader& h, const WriteOptions& o);
std::unique_ptr<SlabReader> open_tiff(const std::string& path);
std::unique_ptr<SlabWriter> create_tiff(const std::string& path, const VolumeHeader& h, const WriteOptions& o);
std::unique_ptr<SlabReader> open_tiff_folder(const std::string& dir);
std::unique_ptr<SlabWriter> create_tiff_folder(const std::string& dir, const VolumeHeader& h, const WriteOptions& o);
std::unique_ptr<SlabReader> open_nrrd(const std::string& path);
std::unique_ptr<SlabWriter> create_nrrd(const std::string& path, const VolumeHeader& h, const WriteOptions& o);
std::unique_ptr<SlabReader> open_metaimage(const std::string& path);
std::unique_ptr<SlabWriter> create_metaimage(const std::string& path, const VolumeHeader& h, const WriteOptions& o);
std::unique_ptr<SlabReader> open_hdf5(const std::string& file, const std::string& dataset);
std::unique_ptr<SlabWriter> create_hdf5(const std::string& file, const std::string& dataset, const VolumeHeader& h,
                                        const WriteOptions& o);

// Natural file-name order used for folders of slices ("s2.tif" < "s10.tif").
bool natural_order_less(const std::string& a, const std::string& b);

// Validates a header's shape (positive, byte size fits in 63 bits); `what` names the file.
void check_header_shape(const Shape& shape, DType dtype, const std::string& what);

}  // namespace emorph::io
