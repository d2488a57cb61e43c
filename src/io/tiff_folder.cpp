// A folder of 2D TIFF slices, one file per z, in natural order (slice_2.tif before slice_10.tif).
// Written as slice_0000.tif ... into a temporary folder renamed onto the target when complete.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <filesystem>
#include <memory>

#include "emorph/error.hpp"
#include "emorph/output_transaction.hpp"
#include "io/io_util.hpp"

namespace fs = std::filesystem;

namespace emorph::io {
namespace {

// Natural order: runs of digits compare by value, the rest byte by byte.
bool natural_less(const std::string& a, const std::string& b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (std::isdigit(static_cast<unsigned char>(a[i])) && std::isdigit(static_cast<unsigned char>(b[j]))) {
      std::size_t ie = i, je = j;
      while (ie < a.size() && std::isdigit(static_cast<unsigned char>(a[ie]))) ++ie;
      while (je < b.size() && std::isdigit(static_cast<unsigned char>(b[je]))) ++je;
      std::string da = a.substr(i, ie - i), db = b.substr(j, je - j);
      da.erase(0, std::min(da.find_first_not_of('0'), da.size()));
      db.erase(0, std::min(db.find_first_not_of('0'), db.size()));
      if (da.size() != db.size()) return da.size() < db.size();
      if (da != db) return da < db;
      if (ie - i != je - j) return ie - i < je - j;  // "01" vs "1": fewer leading zeros first
      i = ie;
      j = je;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

class FolderReader : public SlabReader {
 public:
  FolderReader(VolumeInfo info, std::string dir) : dir_(std::move(dir)) { info_ = std::move(info); }
  void read(int64_t z0, int64_t z1, void* dst) override {
    auto* out = static_cast<unsigned char*>(dst);
    for (int64_t z = z0; z < z1; ++z) {
      auto r = open_tiff(info_.files[z]);
      const VolumeInfo& s = r->info();
      if (s.shape.nz != 1 || s.shape.ny != info_.shape.ny || s.shape.nx != info_.shape.nx || s.dtype != info_.dtype)
        throw InputError(info_.files[z] + ": slice is " + s.shape.str() + " " + dtype_name(s.dtype) + ", the first slice of " +
                         dir_ + " is 1 x " + std::to_string(info_.shape.ny) + " x " + std::to_string(info_.shape.nx) +
                         " " + dtype_name(info_.dtype));
      r->read(0, 1, out + (z - z0) * slice_bytes());
    }
  }

 private:
  std::string dir_;
};

class FolderWriter : public SlabWriter {
 public:
  FolderWriter(const std::string& dir, const VolumeHeader& h, const WriteOptions& o) : header_(h), options_(o) {
    std::string d = dir;
    while (d.size() > 1 && d.back() == '/') d.pop_back();
    target_ = d;
    std::error_code ec;
    if (fs::exists(target_, ec) && !(fs::is_directory(target_, ec) && fs::is_empty(target_, ec)))
      throw InputError(dir + ": output folder exists and is not empty");
    const fs::path parent = target_.parent_path();
    if (!parent.empty() && !fs::is_directory(parent, ec))
      throw InputError(dir + ": output folder " + parent.string() + " does not exist");
    static std::atomic<int> counter{0};
    temp_ = target_;
    temp_ += ".tmp-emorph-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    if (!fs::create_directory(temp_, ec)) throw InputError(dir + ": cannot create output folder (" + ec.message() + ")");
    register_temporary(temp_, true);
    digits_ = std::max<int>(4, static_cast<int>(std::to_string(h.shape.nz - 1).size()));
  }
  ~FolderWriter() override {
    if (!committed_) {
      std::error_code ec;
      fs::remove_all(temp_, ec);
      unregister_temporary(temp_);
    }
  }
  void write(const void* slices, int64_t count) override {
    const auto* in = static_cast<const unsigned char*>(slices);
    const std::size_t sb = static_cast<std::size_t>(header_.shape.ny * header_.shape.nx) * dtype_size(header_.dtype);
    VolumeHeader one = header_;
    one.shape.nz = 1;
    for (int64_t i = 0; i < count; ++i, ++written_) {
      if (written_ >= header_.shape.nz) throw InternalError("folder writer: too many slices");
      std::string n = std::to_string(written_);
      n.insert(0, static_cast<std::size_t>(std::max<int>(0, digits_ - static_cast<int>(n.size()))), '0');
      const fs::path slice = temp_ / ("slice_" + n + ".tif");
      try {
        auto w = create_tiff(slice.string(), one, options_);
        w->write(in + i * sb, 1);
        w->commit();
      } catch (const InputError& e) {
        // Name the user's output, not the temporary folder (a full disk, a lost permission).
        std::string message = e.what();
        const std::string temp = temp_.string();
        for (auto at = message.find(temp); at != std::string::npos; at = message.find(temp, at))
          message.replace(at, temp.size(), target_.string());
        throw InputError(message);
      }
    }
  }
  void commit() override {
    if (written_ != header_.shape.nz) throw InternalError("folder writer: missing slices");
    finish_output(temp_, target_);  // the rename replaces an empty folder
    committed_ = true;
  }

 private:
  VolumeHeader header_;
  WriteOptions options_;
  fs::path target_, temp_;
  int digits_ = 4;
  int64_t written_ = 0;
  bool committed_ = false;
};

}  // namespace

std::unique_ptr<SlabReader> open_tiff_folder(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw InputError(dir + ": no such folder");
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string n = e.path().filename().string();
    const std::string ext = lower_extension(n);
    if ((ext == ".tif" || ext == ".tiff") && n[0] != '.' && e.is_regular_file(ec)) names.push_back(n);
  }
  if (ec) throw InputError(dir + ": cannot list folder (" + ec.message() + ")");
  if (names.empty()) throw InputError(dir + ": folder holds no .tif slices (expected a file, or a folder of 2D TIFF slices)");
  std::sort(names.begin(), names.end(), natural_less);
  VolumeInfo info;
  info.format = "tiff-folder";
  for (const auto& n : names) info.files.push_back((fs::path(dir) / n).string());
  auto first = open_tiff(info.files.front());
  if (first->info().shape.nz != 1)
    throw InputError(info.files.front() + ": has " + std::to_string(first->info().shape.nz) +
                     " pages; a folder of slices needs one 2D image per file");
  info.shape = {static_cast<int64_t>(names.size()), first->info().shape.ny, first->info().shape.nx};
  info.dtype = first->info().dtype;
  info.spacing = first->info().spacing;
  info.spacing_from_file = first->info().spacing_from_file;
  check_header_shape(info.shape, info.dtype, dir);
  return std::make_unique<FolderReader>(std::move(info), dir);
}

std::unique_ptr<SlabWriter> create_tiff_folder(const std::string& dir, const VolumeHeader& h, const WriteOptions& o) {
  return std::make_unique<FolderWriter>(dir, h, o);
}

// Exposed for the tests of the ordering.
bool natural_order_less(const std::string& a, const std::string& b) { return natural_less(a, b); }

}  // namespace emorph::io
