#pragma once
// The slab engine of streaming kernels: walks a volume file in contiguous z slabs of `slab_slices`
// slices, each with up to `halo` extra slices on either side (clipped at the volume's ends), in one
// reused buffer. Halo slices shared by two consecutive slabs are moved, never read twice, so
// forward-only streams (gzip NRRD, compressed MetaImage) work too. Kernels get a contiguous
// VolumeView of the slab; no per-voxel access goes through the engine.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "emorph/io/stream.hpp"
#include "emorph/progress.hpp"
#include "emorph/volume.hpp"

namespace emorph {

struct SlabStreamParams {
  int64_t slab_slices = 1;  // core slices per slab (>= 1)
  int64_t halo = 0;         // extra slices each side
  bool labels = false;      // also convert each slab to uint8 labels (label_view()); refuses values outside 0..255
  std::string progress_label;  // shown on stderr per slab; empty: no progress line
  std::string source;          // the file's name in messages
  // The core slices walked, [z_begin, z_end) (z_end -1: to the end): one MPI rank's share. Halos still
  // reach past them into the rest of the volume.
  int64_t z_begin = 0, z_end = -1;
};

// Core slices per slab such that (slab + 2 halo) slices of `bytes_per_slice` (all buffers a kernel
// keeps per slice, input and output) fit in `budget_bytes`; at least 1, at most nz.
int64_t slab_slices_for_budget(uint64_t budget_bytes, uint64_t bytes_per_slice, int64_t halo, int64_t nz);

class SlabStream {
 public:
  SlabStream(std::unique_ptr<SlabReader> reader, const SlabStreamParams& params);
  const VolumeInfo& info() const { return reader_->info(); }

  // Reads the next slab; false once the whole volume (or [z_begin, z_end)) has been walked.
  bool next();

  int64_t core_begin() const { return core_begin_; }  // global z of the first core slice
  int64_t core_end() const { return core_end_; }
  int64_t first_slice() const { return first_; }  // global z of the buffer's first slice (core_begin - halo, clipped)
  int64_t end_slice() const { return end_; }
  int64_t slabs_read() const { return slabs_; }
  // The whole buffer (halo included) as a contiguous view of the file's dtype T, with `spacing`.
  template <class T>
  VolumeView<const T> view(const Spacing& spacing) const {
    return VolumeView<const T>(reinterpret_cast<const T*>(buffer_.data()), Shape{end_ - first_, info().shape.ny, info().shape.nx},
                               spacing);
  }
  const void* data() const { return buffer_.data(); }
  // The buffer as uint8 labels (params.labels must be set).
  VolumeView<const uint8_t> label_view(const Spacing& spacing) const;

 private:
  std::unique_ptr<SlabReader> reader_;
  SlabStreamParams params_;
  std::vector<unsigned char> buffer_;
  std::vector<uint8_t> labels_;
  std::unique_ptr<Progress> progress_;
  int64_t core_begin_ = 0, core_end_ = 0, first_ = 0, end_ = 0, slabs_ = 0;
  bool started_ = false;
};

}  // namespace emorph
