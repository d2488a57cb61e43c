#pragma once
// The binary masks of streamed mask kernels (EDT, labelling, connectivity): each slab's voxels != 0
// (any dtype, NaN counting as non-zero, as nonzero_mask) or equal to one phase's label (uint8 labels,
// as to_label_volume + label_mask), as a contiguous uint8 0/1 buffer.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "emorph/io/slab_stream.hpp"

namespace emorph {

// A stream of `address` without halo, slabs of `slab_slices`; labels converted when `phase` is set.
SlabStream open_mask_stream(const std::string& address, int64_t slab_slices, const std::optional<uint8_t>& phase,
                            const std::string& progress_label);

// The mask of the current slab (all its slices) into `mask`, resized to fit.
void slab_mask(const SlabStream& s, const std::optional<uint8_t>& phase, std::vector<uint8_t>& mask);

// Bytes per voxel a mask stream keeps: the file's dtype, its uint8 copy with a phase, and the mask.
uint64_t mask_stream_bytes_per_voxel(DType dtype, bool phase);

}  // namespace emorph
