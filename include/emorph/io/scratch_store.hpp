#pragma once
// The scratch store of streaming kernels that need a second pass along another axis (the EDT's z pass,
// docs/streaming.md): a float32 volume in a chunked HDF5 file, read and written by boxes of whole
// rows (z range x y range x all x). Chunks are (chunk_z, chunk_y, nx), so z-slab writes and y-slab
// reads cover whole chunks and HDF5 keeps no chunk cache. The file is removed when the store is
// destroyed, on success and on failure alike.
#include <cstdint>
#include <string>

#include "emorph/volume.hpp"

namespace emorph {

// Bytes a store of `shape` takes on disk (the data; HDF5's own index is small beside it).
uint64_t scratch_store_bytes(const Shape& shape);

// Throws InputError naming `option` when folder `dir` is missing or has less free space than `need`
// bytes plus 1 % and 16 MiB (a kernel with several stores checks their sum before creating the first).
void check_scratch_space(const std::string& dir, uint64_t need, const std::string& option);

class ScratchStore {
 public:
  // Creates the store in folder `dir`. Throws InputError naming `option` (e.g. "--scratch") when the
  // folder's free space is below scratch_store_bytes(shape) plus 1 % and 16 MiB, or it is not writable.
  ScratchStore(const std::string& dir, const Shape& shape, int64_t chunk_z, int64_t chunk_y, const std::string& option);
  ~ScratchStore();
  ScratchStore(const ScratchStore&) = delete;
  ScratchStore& operator=(const ScratchStore&) = delete;

  // `box` holds (z1 - z0) x (y1 - y0) x nx contiguous floats.
  void write(int64_t z0, int64_t z1, int64_t y0, int64_t y1, const float* box);
  void read(int64_t z0, int64_t z1, int64_t y0, int64_t y1, float* box) const;
  const std::string& path() const { return path_; }

 private:
  void select(int64_t z0, int64_t z1, int64_t y0, int64_t y1, int64_t& file_space, int64_t& memory_space) const;
  std::string path_;
  Shape shape_;
  int64_t file_ = -1, dataset_ = -1;
};

}  // namespace emorph
