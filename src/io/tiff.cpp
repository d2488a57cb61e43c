// Multi-page TIFF volumes (one page per z slice) through libtiff; BigTIFF when the file would pass
// 4 GiB. Also reads ImageJ's ">4 GiB" stacks: one IFD, "images=N", the N pages stored contiguously.
// Uncompressed volumes are written in ImageJ's own layout (TIFF 6.0 / BigTIFF by hand): header, all
// pixel data contiguous, then the directories. Readers such as tifffile assume that layout whenever
// the ImageJ description is present, and it lets the data be written straight from the buffer.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include <unistd.h>

#include "emorph/error.hpp"
#include "io/io_util.hpp"
#include "io/tiff_common.hpp"
#include "io/tiff_structure.hpp"

namespace emorph::io {
namespace {

struct TiffCloser {
  void operator()(TIFF* t) const {
    if (t) TIFFClose(t);
  }
};
using TiffPtr = std::unique_ptr<TIFF, TiffCloser>;

class TiffReader : public SlabReader {
 public:
  TiffReader(TiffPtr tif, VolumeInfo info, TiffPage first, std::string path)
      : tif_(std::move(tif)), page_(first), path_(std::move(path)), file_(PosixFile::open_read(path_)) {
    info_ = std::move(info);
  }
  void read(int64_t z0, int64_t z1, void* dst) override {
    if (z0 < 0 || z1 > info_.shape.nz || z0 > z1) throw InputError(path_ + ": slab outside the volume");
    auto* out = static_cast<unsigned char*>(dst);
    for (int64_t z = z0; z < z1; ++z) {
      if (z != current_) {
        // Sequential pages use TIFFReadDirectory (constant time); jumps use TIFFSetDirectory.
        const bool ok = (z == current_ + 1) ? TIFFReadDirectory(tif_.get()) == 1
                                             : TIFFSetDirectory(tif_.get(), static_cast<tdir_t>(z)) == 1;
        if (!ok) throw InputError(path_ + ": cannot read TIFF page " + std::to_string(z) + " (" + tiff_last_error() + ")");
        tiff_check_warnings(path_ + " (page " + std::to_string(z) + ")");
        current_ = z;
      }
      TiffPage p = tiff_page(tif_.get(), path_);
      if (p.width != page_.width || p.height != page_.height || p.dtype != page_.dtype)
        throw InputError(path_ + ": TIFF page " + std::to_string(z) + " differs in size or dtype from page 0");
      unsigned char* page_out = out + (z - z0) * slice_bytes();
      if (!queue_uncompressed_strips(p, page_out)) {
        flush();
        tiff_read_page(tif_.get(), p, page_out, path_);
      }
    }
    flush();
  }

 private:
  // Uncompressed strips are read with plain preads straight into the destination, merged across
  // strips and pages when they follow each other in the file (our files and ImageJ's: one read per
  // slab). Returns false for layouts left to libtiff (compressed, tiled, odd strip sizes).
  bool queue_uncompressed_strips(const TiffPage& p, unsigned char* page_out) {
    uint16_t compression = COMPRESSION_NONE, fill = FILLORDER_MSB2LSB;
    TIFFGetFieldDefaulted(tif_.get(), TIFFTAG_COMPRESSION, &compression);
    TIFFGetFieldDefaulted(tif_.get(), TIFFTAG_FILLORDER, &fill);
    if (p.tiled || compression != COMPRESSION_NONE || fill != FILLORDER_MSB2LSB) return false;
    uint32_t rps = p.height;
    TIFFGetFieldDefaulted(tif_.get(), TIFFTAG_ROWSPERSTRIP, &rps);
    if (rps == 0 || rps > p.height) rps = p.height;
    const uint64_t *offsets = nullptr, *counts = nullptr;
    if (!TIFFGetField(tif_.get(), TIFFTAG_STRIPOFFSETS, &offsets) || !TIFFGetField(tif_.get(), TIFFTAG_STRIPBYTECOUNTS, &counts) ||
        !offsets || !counts)
      return false;
    const uint64_t row_bytes = static_cast<uint64_t>(p.width) * dtype_size(p.dtype);
    const uint32_t strips = (p.height + rps - 1) / rps;
    if (TIFFNumberOfStrips(tif_.get()) < strips) return false;
    const bool swap = TIFFIsByteSwapped(tif_.get()) && dtype_size(p.dtype) > 1;
    for (uint32_t s = 0; s < strips; ++s) {
      const uint64_t rows = std::min<uint64_t>(rps, p.height - static_cast<uint64_t>(s) * rps);
      if (counts[s] < rows * row_bytes) return false;  // short strip: let libtiff report it
    }
    for (uint32_t s = 0; s < strips; ++s) {
      const uint64_t rows = std::min<uint64_t>(rps, p.height - static_cast<uint64_t>(s) * rps);
      enqueue(offsets[s], page_out + static_cast<uint64_t>(s) * rps * row_bytes, rows * row_bytes, swap);
    }
    return true;
  }
  void enqueue(uint64_t file_offset, unsigned char* dst, uint64_t n, bool swap) {
    if (pending_n_ && (file_offset != pending_off_ + pending_n_ || dst != pending_dst_ + pending_n_ || swap != pending_swap_))
      flush();
    if (!pending_n_) {
      pending_off_ = file_offset;
      pending_dst_ = dst;
      pending_swap_ = swap;
    }
    pending_n_ += n;
  }
  void flush() {
    if (!pending_n_) return;
    file_.read_at(pending_off_, pending_dst_, pending_n_);
    if (pending_swap_) byte_swap(pending_dst_, pending_n_ / dtype_size(info_.dtype), dtype_size(info_.dtype));
    pending_n_ = 0;
  }

  TiffPtr tif_;
  TiffPage page_;
  std::string path_;
  PosixFile file_;
  int64_t current_ = 0;
  uint64_t pending_off_ = 0, pending_n_ = 0;
  unsigned char* pending_dst_ = nullptr;
  bool pending_swap_ = false;
};

class TiffWriter : public SlabWriter {
 public:
  TiffWriter(const std::string& path, const VolumeHeader& h, const WriteOptions& o)
      : header_(h), compress_(o.compress), path_(path), out_(path) {
    const uint64_t data = static_cast<uint64_t>(h.shape.voxels()) * dtype_size(h.dtype);
    // Classic TIFF addresses 4 GiB; leave room for the per-page directories.
    const bool big = data + static_cast<uint64_t>(h.shape.nz) * 4096 + (1u << 20) >= (uint64_t(1) << 32);
    tif_.reset(tiff_open(out_.temp_path().string(), big ? "w8" : "w", path));
  }
  void write(const void* slices, int64_t count) override {
    const auto* in = static_cast<const unsigned char*>(slices);
    const std::size_t sb = static_cast<std::size_t>(header_.shape.ny * header_.shape.nx) * dtype_size(header_.dtype);
    for (int64_t i = 0; i < count; ++i, ++written_) {
      if (written_ >= header_.shape.nz) throw InternalError("tiff writer: too many slices");
      tiff_write_page(tif_.get(), in + i * sb, static_cast<uint32_t>(header_.shape.nx),
                      static_cast<uint32_t>(header_.shape.ny), header_.dtype, header_.spacing, header_.shape.nz,
                      written_ == 0, compress_, path_);
    }
  }
  void commit() override {
    if (written_ != header_.shape.nz) throw InternalError("tiff writer: missing slices");
    TIFF* t = tif_.release();
    TIFFClose(t);
    out_.commit();
  }

 private:
  VolumeHeader header_;
  bool compress_;
  std::string path_;
  AtomicOutput out_;
  TiffPtr tif_;
  int64_t written_ = 0;
};

// One directory entry; values that do not fit in the entry go to an area after the directory.
struct IfdEntry {
  uint16_t tag, type;
  uint64_t count;
  std::vector<unsigned char> value;  // little-endian bytes
};

enum : uint16_t { kAscii = 2, kShort = 3, kLong = 4, kRational = 5, kLong8 = 16 };

template <class V>
void put_le(std::vector<unsigned char>& b, V v, int bytes) {
  for (int i = 0; i < bytes; ++i) b.push_back(static_cast<unsigned char>(static_cast<uint64_t>(v) >> (8 * i)));
}

IfdEntry short_entry(uint16_t tag, uint16_t v) {
  IfdEntry e{tag, kShort, 1, {}};
  put_le(e.value, v, 2);
  return e;
}
IfdEntry long_entry(uint16_t tag, uint32_t v) {
  IfdEntry e{tag, kLong, 1, {}};
  put_le(e.value, v, 4);
  return e;
}
IfdEntry offset_entry(uint16_t tag, uint64_t v, bool big) {
  IfdEntry e{tag, big ? kLong8 : kLong, 1, {}};
  put_le(e.value, v, big ? 8 : 4);
  return e;
}
IfdEntry rational_entry(uint16_t tag, double v) {
  // pixels per um as a fraction with the largest denominator (power of ten) that keeps 32 bits.
  uint64_t den = 1000000;
  while (den > 1 && v * den >= 4294967295.0) den /= 10;
  const uint64_t num = static_cast<uint64_t>(std::llround(std::min(v * den, 4294967295.0)));
  IfdEntry e{tag, kRational, 1, {}};
  put_le(e.value, num, 4);
  put_le(e.value, den, 4);
  return e;
}
IfdEntry ascii_entry(uint16_t tag, const std::string& text) {
  IfdEntry e{tag, kAscii, text.size() + 1, {}};
  e.value.assign(text.begin(), text.end());
  e.value.push_back(0);
  return e;
}

// Appends a directory placed at file offset `at`; returns the offset of its next-IFD field.
std::size_t append_ifd(std::vector<unsigned char>& out, uint64_t at, std::vector<IfdEntry> entries, bool big) {
  const std::size_t inline_bytes = big ? 8 : 4;
  const std::size_t entry_bytes = big ? 20 : 12;
  const std::size_t head = (big ? 8 : 2) + entries.size() * entry_bytes + (big ? 8 : 4);
  uint64_t extra_at = at + head;
  std::vector<unsigned char> extra;
  put_le(out, entries.size(), big ? 8 : 2);
  for (const IfdEntry& e : entries) {
    put_le(out, e.tag, 2);
    put_le(out, e.type, 2);
    put_le(out, e.count, big ? 8 : 4);
    if (e.value.size() <= inline_bytes) {
      out.insert(out.end(), e.value.begin(), e.value.end());
      for (std::size_t i = e.value.size(); i < inline_bytes; ++i) out.push_back(0);
    } else {
      put_le(out, extra_at + extra.size(), big ? 8 : 4);
      extra.insert(extra.end(), e.value.begin(), e.value.end());
      if (extra.size() % 2) extra.push_back(0);  // values start on word boundaries
    }
  }
  const std::size_t next_field = out.size();
  put_le(out, 0, big ? 8 : 4);
  out.insert(out.end(), extra.begin(), extra.end());
  return next_field;
}

class ContiguousTiffWriter : public SlabWriter {
 public:
  ContiguousTiffWriter(const std::string& path, const VolumeHeader& h, bool big)
      : header_(h), big_(big), path_(path), out_(path), file_(PosixFile::create(out_.temp_path().string(), path)) {
    std::vector<unsigned char> head = {'I', 'I'};
    put_le(head, big ? 43 : 42, 2);
    if (big) {
      put_le(head, 8, 2);
      put_le(head, 0, 2);
      put_le(head, 0, 8);  // first IFD offset, patched in commit()
    } else {
      put_le(head, 0, 4);
    }
    // Pixel data start at byte 256, not right after the 8/16-byte header: a reader's buffer from
    // malloc starts 16 bytes into a page, and data at file offset 8 would put every store of the
    // kernel's copy 8 bytes after its load modulo 4 KiB (4K aliasing: 2-3x slower reads).
    head.resize(256, 0);
    file_.write_all(head.data(), head.size());
    data_offset_ = head.size();
  }
  void write(const void* slices, int64_t count) override {
    if (written_ + count > header_.shape.nz) throw InternalError("tiff writer: too many slices");
    file_.write_all(slices, static_cast<std::size_t>(count) * page_bytes());
    written_ += count;
  }
  void commit() override {
    if (written_ != header_.shape.nz) throw InternalError("tiff writer: missing slices");
    const uint64_t data_end = data_offset_ + static_cast<uint64_t>(header_.shape.nz) * page_bytes();
    uint64_t pos = data_end + (data_end % 2);
    std::vector<unsigned char> tail(pos - data_end, 0);
    const DType t = header_.dtype;
    const uint16_t fmt = dtype_is_float(t) ? SAMPLEFORMAT_IEEEFP : dtype_is_signed(t) ? SAMPLEFORMAT_INT : SAMPLEFORMAT_UINT;
    char desc[256];
    std::snprintf(desc, sizeof desc, "ImageJ=1.11a\nimages=%lld\nslices=%lld\nunit=micron\nspacing=%.17g\nloop=false\n",
                  static_cast<long long>(header_.shape.nz), static_cast<long long>(header_.shape.nz), header_.spacing.dz);
    std::size_t prev_next_field = 0;
    for (int64_t z = 0; z < header_.shape.nz; ++z) {
      std::vector<IfdEntry> e;
      e.push_back(long_entry(254, 0));
      e.push_back(long_entry(256, static_cast<uint32_t>(header_.shape.nx)));
      e.push_back(long_entry(257, static_cast<uint32_t>(header_.shape.ny)));
      e.push_back(short_entry(258, static_cast<uint16_t>(8 * dtype_size(t))));
      e.push_back(short_entry(259, COMPRESSION_NONE));
      e.push_back(short_entry(262, PHOTOMETRIC_MINISBLACK));
      if (z == 0) e.push_back(ascii_entry(270, desc));
      e.push_back(offset_entry(273, data_offset_ + static_cast<uint64_t>(z) * page_bytes(), big_));
      e.push_back(short_entry(277, 1));
      e.push_back(long_entry(278, static_cast<uint32_t>(header_.shape.ny)));
      e.push_back(offset_entry(279, page_bytes(), big_));
      e.push_back(rational_entry(282, 1.0 / header_.spacing.dx));
      e.push_back(rational_entry(283, 1.0 / header_.spacing.dy));
      e.push_back(short_entry(284, PLANARCONFIG_CONTIG));
      e.push_back(short_entry(296, RESUNIT_NONE));
      e.push_back(short_entry(339, fmt));
      const uint64_t at = data_end + tail.size();
      if (z == 0) {
        first_ifd_ = at;
      } else {
        const std::size_t n = big_ ? 8 : 4;
        for (std::size_t i = 0; i < n; ++i) tail[prev_next_field + i] = static_cast<unsigned char>(at >> (8 * i));
      }
      prev_next_field = append_ifd(tail, at, std::move(e), big_);
      if (tail.size() % 2) tail.push_back(0);
      if (!big_ && at + tail.size() >= (uint64_t(1) << 32)) throw InternalError("tiff writer: classic TIFF overflow");
    }
    file_.write_all(tail.data(), tail.size());
    std::vector<unsigned char> first;
    put_le(first, first_ifd_, big_ ? 8 : 4);
    if (::pwrite(file_.fd(), first.data(), first.size(), big_ ? 8 : 4) != static_cast<ssize_t>(first.size()))
      throw InputError(path_ + ": write error");
    file_.close();
    out_.commit();
  }

 private:
  uint64_t page_bytes() const {
    return static_cast<uint64_t>(header_.shape.ny * header_.shape.nx) * dtype_size(header_.dtype);
  }
  VolumeHeader header_;
  bool big_;
  std::string path_;
  AtomicOutput out_;
  PosixFile file_;
  uint64_t data_offset_ = 0, first_ifd_ = 0;
  int64_t written_ = 0;
};

}  // namespace

std::unique_ptr<SlabReader> open_tiff(const std::string& path) {
  require_regular_file(path);
  // The whole chain is checked even when a command reads a few slices: a truncated stack is refused,
  // never read as fewer pages.
  const TiffStructure structure = validate_tiff_structure(path);
  // "m": plain reads instead of a memory map, so strips land straight in our buffer and the mapped
  // file does not count twice in the process's memory.
  TiffPtr tif(tiff_open(path, "rm", path));
  const TiffPage first = tiff_page(tif.get(), path);
  const TiffSpacing sp = tiff_spacing(tif.get(), path);
  tiff_check_warnings(path);  // after the layout checks, whose messages are more specific
  const int64_t pages = TIFFNumberOfDirectories(tif.get());
  if (pages != structure.pages)
    throw InputError(path + ": corrupt TIFF: libtiff finds " + std::to_string(pages) + " pages, the directory chain holds " +
                     std::to_string(structure.pages));
  VolumeInfo info;
  info.format = "tiff";
  info.dtype = first.dtype;
  info.spacing = sp.spacing;
  info.spacing_from_file = sp.from_file;
  info.files = {path};
  uint16_t compression = COMPRESSION_NONE;
  TIFFGetFieldDefaulted(tif.get(), TIFFTAG_COMPRESSION, &compression);
  check_tiff_page_count(path, structure.description, pages, !first.tiled && compression == COMPRESSION_NONE);
  if (pages == 1 && sp.imagej_images > 1 && !first.tiled && compression == COMPRESSION_NONE &&
      TIFFNumberOfStrips(tif.get()) >= 1) {
    // ImageJ stack too large for classic TIFF's IFD chain: pages follow the first one contiguously.
    info.shape = {sp.imagej_images, first.height, first.width};
    check_header_shape(info.shape, info.dtype, path);
    const uint64_t* offsets = nullptr;
    TIFFGetField(tif.get(), TIFFTAG_STRIPOFFSETS, &offsets);
    if (!offsets) throw InputError(path + ": TIFF without strip offsets");
    const uint64_t offset = offsets[0];
    const uint64_t need = static_cast<uint64_t>(info.shape.voxels()) * dtype_size(info.dtype);
    if (file_size(path) < offset + need)
      throw InputError(path + ": file is truncated: ImageJ header announces " + std::to_string(sp.imagej_images) +
                       " images (" + std::to_string(offset + need) + " bytes), the file has " +
                       std::to_string(file_size(path)));
    const bool swap = TIFFIsByteSwapped(tif.get()) && dtype_size(info.dtype) > 1;
    return std::make_unique<RawSlabReader>(std::move(info), path, offset, swap);
  }
  info.shape = {pages, first.height, first.width};
  check_header_shape(info.shape, info.dtype, path);
  return std::make_unique<TiffReader>(std::move(tif), std::move(info), first, path);
}

std::unique_ptr<SlabWriter> create_tiff(const std::string& path, const VolumeHeader& h, const WriteOptions& o) {
  if (h.shape.nx > UINT32_MAX || h.shape.ny > UINT32_MAX)
    throw InputError(path + ": slice " + std::to_string(h.shape.ny) + " x " + std::to_string(h.shape.nx) +
                     " too large for TIFF");
  if (o.compress) return std::make_unique<TiffWriter>(path, h, o);
  const uint64_t data = static_cast<uint64_t>(h.shape.voxels()) * dtype_size(h.dtype);
  const uint64_t page = static_cast<uint64_t>(h.shape.ny * h.shape.nx) * dtype_size(h.dtype);
  // Classic TIFF addresses 4 GiB (offsets and strip byte counts are 32-bit): leave room for the directories.
  const bool big = data + static_cast<uint64_t>(h.shape.nz) * 512 + 4096 >= (uint64_t(1) << 32) || page >= (uint64_t(1) << 32);
  return std::make_unique<ContiguousTiffWriter>(path, h, big);
}

}  // namespace emorph::io
