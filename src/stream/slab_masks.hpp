#pragma once
// The binary masks of streamed mask kernels (EDT, labelling, connectivity): each slab's voxels != 0
// (any dtype, NaN counting as non-zero, as nonzero_mask) or equal to one phase's label (uint8 labels,
// as to_label_volume + label_mask), as a contiguous uint8 0/1 buffer; progress and output helpers.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "emorph/io/slab_stream.hpp"
#include "emorph/progress.hpp"
#include "emorph/stream/streamed_measures.hpp"

namespace emorph {

// A stream of `address` without halo, slabs of `slab_slices`; labels converted when `phase` is set.
SlabStream open_mask_stream(const std::string& address, int64_t slab_slices, const std::optional<uint8_t>& phase,
                            const std::string& progress_label);

// The mask of the current slab (all its slices) into `mask`, resized to fit.
void slab_mask(const SlabStream& s, const std::optional<uint8_t>& phase, std::vector<uint8_t>& mask);

// "12.3 MiB", for the sizes in --memory-limit errors.
std::string mib_text(double bytes);

// Bytes per voxel a mask stream keeps: the file's dtype, its uint8 copy with a phase, and the mask.
uint64_t mask_stream_bytes_per_voxel(DType dtype, bool phase);

// A progress line "LABEL by slabs of SLAB" advanced once per slab of `extent` slices or rows, for the
// walks over a scratch store; null when `enabled` is false.
std::unique_ptr<Progress> slab_progress(bool enabled, const std::string& label, int64_t slab, int64_t extent);

class ScratchStore;
// Writes `store` (of `shape`) to `output` as float32 with `spacing`, by z slabs of `slab_z` slices; each
// slab's values go first through `each(values, count)` (in place, raster order). Progress by slab
// under `label` when `progress`; counts the slabs in `report`.
void write_store_by_slabs(const ScratchStore& store, const std::string& output, const Shape& shape, const Spacing& spacing,
                          int64_t slab_z, const std::function<void(float*, int64_t)>& each, bool progress,
                          const std::string& label, StreamReport* report);

}  // namespace emorph
