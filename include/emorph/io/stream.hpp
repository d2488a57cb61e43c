#pragma once
// Streaming access to volumes slab by slab (runs of whole z slices), so that volumes larger than
// memory can be read, converted or summarised with a bounded buffer. read_volume/write_volume are
// built on these: a full read is one slab read straight into the Volume's buffer.
#include <cstdint>
#include <memory>
#include <string>

#include "emorph/io.hpp"

namespace emorph {

class SlabReader {
 public:
  virtual ~SlabReader() = default;
  const VolumeInfo& info() const { return info_; }
  std::size_t slice_bytes() const {
    return static_cast<std::size_t>(info_.shape.ny * info_.shape.nx) * dtype_size(info_.dtype);
  }
  // Reads slices [z0, z1) into dst, which holds (z1 - z0) contiguous slices of info().dtype.
  // Compressed streams (gzip NRRD, compressed MetaImage) only read forwards: z0 must not lie before
  // the end of the previous read.
  virtual void read(int64_t z0, int64_t z1, void* dst) = 0;

 protected:
  VolumeInfo info_;
};

class SlabWriter {
 public:
  virtual ~SlabWriter() = default;  // without commit(), nothing is left behind
  // Appends `count` contiguous slices (shape and dtype as given to open_slab_writer).
  virtual void write(const void* slices, int64_t count) = 0;
  // Finishes the file(s) and renames them onto the target; throws InputError unless every slice was written.
  virtual void commit() = 0;
};

// Opens an address for streaming (header read and validated now). Throws InputError as read_volume.
std::unique_ptr<SlabReader> open_slab_reader(const std::string& address);

// Header of the volume to write: shape, dtype and spacing are used.
struct VolumeHeader {
  Shape shape;
  DType dtype = DType::u8;
  Spacing spacing;
};
std::unique_ptr<SlabWriter> open_slab_writer(const std::string& address, const VolumeHeader& header,
                                             const WriteOptions& options = {});

// Reads slices [z0, z1) of a file into a new volume (spacing from the file or options.voxel).
AnyVolume read_slab(const std::string& address, int64_t z0, int64_t z1, const ReadOptions& options = {});

}  // namespace emorph
