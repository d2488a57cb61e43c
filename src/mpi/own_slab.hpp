#pragma once
// The z slab of a volume file that this MPI rank owns (emorph/parallel.hpp own_slices), as uint8 labels
// or as a 0/1 mask: the distributed EDT, labelling and connectivity read nothing else of the volume.
#include <cstdint>
#include <optional>
#include <string>

#include "emorph/io.hpp"
#include "emorph/io/stream.hpp"

namespace emorph {

template <class T>
struct OwnSlab {
  VolumeInfo info;         // the whole file's
  int64_t z0 = 0, z1 = 0;  // global slices [z0, z1) held
  Volume<T> voxels;
};

// The slab as uint8 labels (to_label_volume: values outside 0..255 are an InputError).
// Throws InputError naming `command` when the volume has fewer z slices than there are ranks.
OwnSlab<uint8_t> read_own_slab_labels(const std::string& input, const std::string& command);
// {voxel == phase} with a phase (uint8 labels), else {voxel != 0}, as read_phase_mask in core.
OwnSlab<uint8_t> read_own_slab_mask(const std::string& input, const std::optional<uint8_t>& phase, const std::string& command);
// The own slab's range and the file's info, nothing read (voxels empty); the same InputError as above.
OwnSlab<uint8_t> own_slab_range(const std::string& input, const std::string& command);
// The mask (as read_own_slab_mask) of the file's slices [z0, z1) only (global z).
Volume<uint8_t> read_mask_slices(const std::string& input, const std::optional<uint8_t>& phase, int64_t z0, int64_t z1);

}  // namespace emorph
