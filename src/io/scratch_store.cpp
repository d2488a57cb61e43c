// Scratch store in row blocks (pi2's z pass on volumes larger than memory, without HDF5's per-chunk
// work): a plain float32 file read and written by positioned, gathered I/O (preadv/pwritev).
#include "emorph/io/scratch_store.hpp"

#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "emorph/error.hpp"
#include "emorph/output_transaction.hpp"

namespace fs = std::filesystem;

namespace emorph {
namespace {

std::string gib(uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f GiB", static_cast<double>(bytes) / (1024.0 * 1024 * 1024));
  return text;
}

// Moves every byte of `iov` at `offset`, resuming after short transfers and EINTR.
bool transfer_all(int fd, std::vector<iovec>& iov, off_t offset, bool writing) {
  std::size_t first = 0;
  while (first < iov.size()) {
    const int count = static_cast<int>(std::min<std::size_t>(iov.size() - first, IOV_MAX));
    const ssize_t done = writing ? ::pwritev(fd, iov.data() + first, count, offset) : ::preadv(fd, iov.data() + first, count, offset);
    if (done < 0 && errno == EINTR) continue;
    if (done <= 0) return false;
    offset += done;
    for (auto left = static_cast<std::size_t>(done); left > 0;) {
      iovec& v = iov[first];
      const std::size_t step = std::min(left, v.iov_len);
      v.iov_base = static_cast<char*>(v.iov_base) + step;
      v.iov_len -= step;
      left -= step;
      if (v.iov_len == 0) ++first;
    }
    while (first < iov.size() && iov[first].iov_len == 0) ++first;
  }
  return true;
}

}  // namespace

uint64_t scratch_store_bytes(const Shape& shape) { return static_cast<uint64_t>(shape.voxels()) * sizeof(float); }

void check_scratch_space(const std::string& dir_in, uint64_t need, const std::string& option) {
  const fs::path dir = dir_in.empty() ? fs::path(".") : fs::path(dir_in);
  std::error_code ec;
  require(fs::is_directory(dir, ec), option + ": scratch folder '" + dir.string() + "' does not exist");
  const fs::space_info space = fs::space(dir, ec);
  require(!ec, option + ": cannot query the free space of '" + dir.string() + "' (" + ec.message() + ")");
  const uint64_t margin = need / 100 + (uint64_t{16} << 20);
  if (space.available < need + margin)
    throw InputError(option + ": the scratch store needs " + gib(need + margin) + " in '" + dir.string() + "', only " +
                     gib(space.available) + " free; give a folder with more space (--scratch DIR) or a larger --memory-limit");
}

ScratchStore::ScratchStore(const std::string& dir_in, const Shape& shape, int64_t block_rows, const std::string& option)
    : shape_(shape), block_rows_(std::clamp<int64_t>(block_rows, 1, std::max<int64_t>(1, shape.ny))) {
  const fs::path dir = dir_in.empty() ? fs::path(".") : fs::path(dir_in);
  check_scratch_space(dir.string(), scratch_store_bytes(shape), option);
  static std::atomic<int> serial{0};
  path_ = (dir / (".emorph-scratch-" + std::to_string(::getpid()) + "-" + std::to_string(serial++) + ".f32")).string();
  register_temporary(path_);  // removed on SIGINT/SIGTERM too
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd_ < 0) {
    unregister_temporary(path_);
    throw InputError(option + ": cannot create the scratch store " + path_);
  }
  // Full size at once (sparse): a box never written reads as zeros, as HDF5's unallocated chunks did.
  if (::ftruncate(fd_, static_cast<off_t>(scratch_store_bytes(shape))) != 0) {
    ::close(fd_);
    std::error_code ec;
    fs::remove(path_, ec);
    unregister_temporary(path_);
    throw InputError(option + ": cannot size the scratch store " + path_);
  }
}

ScratchStore::~ScratchStore() {
  if (fd_ >= 0) ::close(fd_);
  std::error_code ec;
  fs::remove(path_, ec);
  unregister_temporary(path_);
}

void ScratchStore::transfer(int64_t z0, int64_t z1, int64_t y0, int64_t y1, float* box, bool writing) const {
  if (z0 < 0 || z1 > shape_.nz || z0 >= z1 || y0 < 0 || y1 > shape_.ny || y0 >= y1)
    throw InternalError("scratch store: box outside the volume");
  const int64_t nz = shape_.nz, ny = shape_.ny, nx = shape_.nx, box_rows = y1 - y0;
  std::vector<iovec> iov;
  for (int64_t b0 = y0 / block_rows_ * block_rows_; b0 < y1; b0 += block_rows_) {
    const int64_t rows = std::min(block_rows_, ny - b0);       // rows of this block
    const int64_t r0 = std::max(y0, b0), r1 = std::min(y1, b0 + rows);  // the box's rows in it
    const auto file_at = [&](int64_t z) {
      return static_cast<off_t>(((b0 * nz + z * rows) + (r0 - b0)) * nx * static_cast<int64_t>(sizeof(float)));
    };
    const auto piece = [&](int64_t z) {
      return iovec{box + ((z - z0) * box_rows + (r0 - y0)) * nx, static_cast<std::size_t>((r1 - r0) * nx) * sizeof(float)};
    };
    // Whole rows of the block: its slices z0..z1 are one contiguous run of the file.
    const bool whole = r0 == b0 && r1 == b0 + rows;
    for (int64_t z = z0; z < z1; z = whole ? z1 : z + 1) {
      iov.clear();
      for (int64_t k = z; k < (whole ? z1 : z + 1); ++k) iov.push_back(piece(k));
      if (!transfer_all(fd_, iov, file_at(z), writing))
        throw InputError(path_ + (writing ? ": writing the scratch store failed (disk full?)" : ": reading the scratch store failed"));
    }
  }
}

void ScratchStore::write(int64_t z0, int64_t z1, int64_t y0, int64_t y1, const float* box) {
  transfer(z0, z1, y0, y1, const_cast<float*>(box), true);  // pwritev takes iovec's non-const pointer; it only reads
}

void ScratchStore::read(int64_t z0, int64_t z1, int64_t y0, int64_t y1, float* box) const {
  transfer(z0, z1, y0, y1, box, false);
}

}  // namespace emorph
