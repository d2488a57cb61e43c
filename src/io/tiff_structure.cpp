// TIFF 6.0 (section 2, "Image File Directory") and BigTIFF directory-chain walk: every directory, every
// out-of-line tag value and every strip or tile must lie inside the file.
#include "io/tiff_structure.hpp"

#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unordered_set>
#include <vector>

#include "emorph/error.hpp"
#include "io/io_util.hpp"

namespace emorph::io {
namespace {

class TiffBytes {
 public:
  explicit TiffBytes(const std::string& path) : file_(PosixFile::open_read(path)), size_(file_size(path)), path_(path) {}
  uint64_t size() const { return size_; }
  // Reads n <= 8 bytes at offset as an unsigned integer in the file's byte order; false past the end.
  bool uint(uint64_t offset, int n, uint64_t& out) const {
    unsigned char b[8];
    if (offset > size_ || size_ - offset < static_cast<uint64_t>(n)) return false;
    if (file_.read_some_at(offset, b, static_cast<std::size_t>(n)) != static_cast<std::size_t>(n)) return false;
    out = 0;
    for (int i = 0; i < n; ++i) out |= static_cast<uint64_t>(b[big_endian_ ? i : n - 1 - i]) << (8 * (n - 1 - i));
    return true;
  }
  void set_big_endian(bool b) { big_endian_ = b; }
  std::string read_string(uint64_t offset, uint64_t n) const {
    std::string s(static_cast<std::size_t>(n), '\0');
    s.resize(file_.read_some_at(offset, s.data(), s.size()));
    return s.substr(0, s.find('\0'));
  }
  [[noreturn]] void fail(const std::string& what) const { throw InputError(path_ + ": " + what); }

 private:
  PosixFile file_;
  uint64_t size_;
  std::string path_;
  bool big_endian_ = false;
};

int type_bytes(uint64_t type) {
  switch (type) {
    case 1: case 2: case 6: case 7: return 1;  // BYTE ASCII SBYTE UNDEFINED
    case 3: case 8: return 2;                  // SHORT SSHORT
    case 4: case 9: case 11: case 13: return 4;  // LONG SLONG FLOAT IFD
    case 5: case 10: case 12: case 16: case 17: case 18: return 8;  // RATIONAL SRATIONAL DOUBLE LONG8 SLONG8 IFD8
    default: return 0;  // unknown types are skipped by readers (TIFF 6.0)
  }
}

std::string page_name(int64_t page) { return "TIFF page " + std::to_string(page); }

}  // namespace

TiffStructure validate_tiff_structure(const std::string& path) {
  TiffBytes f(path);
  uint64_t order = 0, magic = 0;
  if (!f.uint(0, 2, order) || (order != 0x4949 && order != 0x4d4d)) f.fail("not a TIFF file (bad byte-order mark)");
  f.set_big_endian(order == 0x4d4d);
  if (!f.uint(2, 2, magic) || (magic != 42 && magic != 43)) f.fail("not a TIFF file (bad magic number)");
  const bool big = magic == 43;
  const int off_bytes = big ? 8 : 4, count_bytes = big ? 8 : 2, entry_bytes = big ? 20 : 12;
  uint64_t next = 0;
  if (!f.uint(big ? 8 : 4, off_bytes, next)) f.fail("file is truncated (TIFF header)");
  TiffStructure s;
  std::unordered_set<uint64_t> seen;
  while (next != 0) {
    const std::string page = page_name(s.pages);
    if (next >= f.size())
      f.fail("file is truncated or corrupt: the directory of " + page + " would start at byte " + std::to_string(next) +
             ", past the end of the file (" + std::to_string(f.size()) + " bytes)");
    if (!seen.insert(next).second) f.fail("corrupt TIFF: the directory chain loops back at " + page);
    uint64_t n = 0;
    if (!f.uint(next, count_bytes, n)) f.fail("file is truncated inside the directory of " + page);
    if (n == 0) f.fail("corrupt TIFF: the directory of " + page + " has no entries");
    const uint64_t table = next + static_cast<uint64_t>(count_bytes);
    if (n > (f.size() - table) / static_cast<uint64_t>(entry_bytes) ||
        table + n * entry_bytes + off_bytes > f.size())
      f.fail("file is truncated inside the directory of " + page + " (" + std::to_string(n) + " entries at byte " +
             std::to_string(next) + ", file size " + std::to_string(f.size()) + ")");
    // Strip (273/279) or tile (324/325) offsets and byte counts of this page.
    std::vector<uint64_t> offsets, counts;
    for (uint64_t i = 0; i < n; ++i) {
      const uint64_t e = table + i * entry_bytes;
      uint64_t tag = 0, type = 0, count = 0;
      f.uint(e, 2, tag);
      f.uint(e + 2, 2, type);
      f.uint(e + 4, big ? 8 : 4, count);
      const int tb = type_bytes(type);
      if (tb == 0) continue;
      if (count > f.size() / static_cast<uint64_t>(tb) + 1)
        f.fail("corrupt TIFF: tag " + std::to_string(tag) + " of " + page + " declares " + std::to_string(count) +
               " values, more than the file holds");
      const uint64_t value_bytes = count * static_cast<uint64_t>(tb);
      uint64_t at = e + (big ? 12 : 8);
      if (value_bytes > static_cast<uint64_t>(off_bytes)) {
        f.uint(at, off_bytes, at);
        if (at > f.size() || f.size() - at < value_bytes)
          f.fail("file is truncated or corrupt: tag " + std::to_string(tag) + " of " + page + " points past the end of the file");
      }
      if (tag == 270 && type == 2 && s.pages == 0) s.description = f.read_string(at, std::min<uint64_t>(value_bytes, 1 << 20));
      const bool is_offsets = tag == 273 || tag == 324, is_counts = tag == 279 || tag == 325;
      if (!is_offsets && !is_counts) continue;
      if (type != 3 && type != 4 && type != 16) f.fail("corrupt TIFF: tag " + std::to_string(tag) + " of " + page + " has type " + std::to_string(type));
      std::vector<uint64_t>& dst = is_offsets ? offsets : counts;
      dst.resize(static_cast<std::size_t>(count));
      for (uint64_t k = 0; k < count; ++k) f.uint(at + k * tb, tb, dst[k]);
    }
    if (offsets.size() != counts.size())
      f.fail("corrupt TIFF: " + page + " has " + std::to_string(offsets.size()) + " strip/tile offsets but " +
             std::to_string(counts.size()) + " byte counts");
    for (std::size_t k = 0; k < offsets.size(); ++k)
      if (offsets[k] > f.size() || f.size() - offsets[k] < counts[k])
        f.fail("file is truncated or corrupt: the pixel data of " + page + " (bytes " + std::to_string(offsets[k]) + " to " +
               std::to_string(offsets[k] + counts[k]) + ") run past the end of the file (" + std::to_string(f.size()) + " bytes)");
    ++s.pages;
    f.uint(table + n * entry_bytes, off_bytes, next);
  }
  if (s.pages == 0) f.fail("TIFF file without any page");
  return s;
}

void check_tiff_page_count(const std::string& path, const std::string& desc, int64_t pages, bool contiguous_imagej_allowed) {
  if (desc.rfind("ImageJ=", 0) == 0) {
    std::istringstream ss(desc);
    std::string line;
    while (std::getline(ss, line)) {
      if (line.rfind("images=", 0) != 0) continue;
      char* end = nullptr;
      const long long images = std::strtoll(line.c_str() + 7, &end, 10);
      if (end == line.c_str() + 7 || images < 1)
        throw InputError(path + ": ImageJ metadata has an invalid image count '" + line + "'");
      if (images == pages || (pages == 1 && contiguous_imagej_allowed)) return;
      throw InputError(path + ": file is truncated or corrupt: its ImageJ metadata announces " + std::to_string(images) +
                       " images, the file has " + std::to_string(pages) + " pages");
    }
    return;
  }
  if (desc.empty() || desc.front() != '{') return;
  // tifffile: {"shape": [nz, ny, nx]} on the first page of a series.
  const nlohmann::json j = nlohmann::json::parse(desc, nullptr, false);
  if (!j.is_object() || !j.contains("shape") || !j["shape"].is_array()) return;
  const auto& shape = j["shape"];
  if (shape.size() < 2) return;
  long double expected = 1;
  for (std::size_t i = 0; i + 2 < shape.size(); ++i) {
    if (!shape[i].is_number_unsigned()) return;
    expected *= shape[i].get<uint64_t>();
  }
  if (expected > static_cast<long double>(pages))
    throw InputError(path + ": file is truncated or corrupt: its tifffile metadata announces " +
                     std::to_string(static_cast<unsigned long long>(expected)) + " pages, the file has " +
                     std::to_string(pages));
}

}  // namespace emorph::io
