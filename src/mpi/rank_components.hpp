#pragma once
// The components of a mask split over the MPI ranks in z slabs, numbered as one process numbers them
// (distributed_components.cpp): shared by the distributed labelling, connectivity and tortuosity.
#include <cstdint>
#include <vector>

#include "own_slab.hpp"

namespace emorph {

struct RankComponents {
  OwnSlab<uint32_t> labels;         // local provisional ids 1..local_count of the slab
  uint32_t local_count = 0;
  std::vector<uint32_t> final_id;   // [local_count + 1]: the component's number in the whole volume (0 for 0)
  std::vector<uint8_t> tree_faces;  // [local_count + 1]: faces along the axis touched by the whole component
  std::vector<uint8_t> is_first;    // [local_count + 1]: 1 when the id is its component's smallest
  int64_t count = 0;                // components in the whole volume
};

// Labels the rank's mask slab (collective) and numbers its components as one process would; face flags
// along `axis` (1 first slice, 2 last; -1: none) are merged per component.
RankComponents label_across_ranks(OwnSlab<uint8_t>&& mask, int connectivity, int axis);

}  // namespace emorph
