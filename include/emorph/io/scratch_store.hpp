#pragma once
// The scratch store of streaming kernels that need a second pass along another axis (the EDT's z pass,
// docs/streaming.md): a float32 volume in a plain file, read and written by boxes of whole rows (z range
// x y range x all x). The file is laid out in row blocks: block b holds rows [b * block_rows, (b + 1) *
// block_rows) of every slice, slice after slice, so a y slab of one block (all z, its rows) is one
// contiguous read and a z slab (some slices, all rows) is one gathered write per block. No cache is kept:
// the data goes through the kernel's page cache, outside the process's resident set. The file is removed
// when the store is destroyed, on success and on failure alike (and on SIGINT/SIGTERM).
#include <cstdint>
#include <string>

#include "emorph/volume.hpp"

namespace emorph {

// Bytes a store of `shape` takes on disk.
uint64_t scratch_store_bytes(const Shape& shape);

// Throws InputError naming `option` when folder `dir` is missing or has less free space than `need`
// bytes plus 1 % and 16 MiB (a kernel with several stores checks their sum before creating the first).
void check_scratch_space(const std::string& dir, uint64_t need, const std::string& option);

class ScratchStore {
 public:
  // Creates the store in folder `dir` with row blocks of `block_rows` rows (the y slab of the kernel's
  // z pass). Throws InputError naming `option` (e.g. "--scratch") when the folder's free space is below
  // scratch_store_bytes(shape) plus 1 % and 16 MiB, or it is not writable.
  ScratchStore(const std::string& dir, const Shape& shape, int64_t block_rows, const std::string& option);
  ~ScratchStore();
  ScratchStore(const ScratchStore&) = delete;
  ScratchStore& operator=(const ScratchStore&) = delete;

  // `box` holds (z1 - z0) x (y1 - y0) x nx contiguous floats; any box inside the volume.
  void write(int64_t z0, int64_t z1, int64_t y0, int64_t y1, const float* box);
  void read(int64_t z0, int64_t z1, int64_t y0, int64_t y1, float* box) const;
  const std::string& path() const { return path_; }

 private:
  // Reads (`writing` false) or writes the box through one gathered call per row block and run of slices.
  void transfer(int64_t z0, int64_t z1, int64_t y0, int64_t y1, float* box, bool writing) const;
  std::string path_;
  Shape shape_;
  int64_t block_rows_ = 1;
  int fd_ = -1;
};

}  // namespace emorph
