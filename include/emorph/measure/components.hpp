#pragma once
// Connected-component labelling of a binary volume (two-pass union-find, Wu, Otoo & Suzuki 2009),
// parallel over z-slabs with a serial merge of slab borders; labels are numbered 1..count in the
// raster order (z, y, x) of each component's first voxel, so the result does not depend on threads.
#include <array>
#include <cstdint>
#include <vector>

#include "emorph/neighbour_offsets.hpp"  // neighbour_offsets (core), used with the labeller
#include "emorph/volume.hpp"

namespace emorph {

struct ComponentsParams {
  int connectivity = 26;  // 6 (faces), 18 (faces + edges) or 26 (faces + edges + corners)
};

struct ComponentsResult {
  Volume<uint32_t> labels;  // 0 on background, 1..count on the components; the mask's spacing
  uint32_t count = 0;
};

// The union-find of provisional labels (also the streamed labeller's): the root of i, paths
// compressed; and the union of the trees of a and b, whose smaller root (created first) stays the root.
uint32_t union_find_root(std::vector<uint32_t>& parent, uint32_t i);
uint32_t union_find_unite(std::vector<uint32_t>& parent, uint32_t a, uint32_t b);

// Labels the components of {mask != 0}. Throws InputError for a bad connectivity or when the
// volume holds more than 2^32 - 2 provisional labels.
ComponentsResult label_components(VolumeView<const uint8_t> mask, const ComponentsParams& params = {});

// Per-label statistics of a label volume (labels 1..count; 0 is background), in voxels.
struct ComponentStats {
  std::vector<int64_t> voxels;                  // [count + 1], index = label (0 unused)
  std::vector<std::array<int64_t, 3>> sum;       // sum of (z, y, x) coordinates, for centroids
  std::vector<std::array<int64_t, 6>> bbox;      // z0, z1, y0, y1, x0, x1 (half-open); empty if no voxel
  std::vector<uint8_t> touches_border;          // 1 when a voxel lies on a face of the volume
  // Centroid in voxel coordinates (z, y, x) of label l.
  std::array<double, 3> centroid(uint32_t l) const;
};

// Integer sums, minima and maxima into one set of per-label arrays (memory O(count), not O(threads x
// count)): identical for any thread count. Labels above `count` are an error (InputError).
ComponentStats component_statistics(VolumeView<const uint32_t> labels, uint32_t count);

// The same statistics accumulated slab by slab (streamed labelling): start from
// new_component_statistics(count), add each z slab (first slice at global z0 of a volume of
// volume_nz slices; false when it holds a label above count), then finish (empty boxes to zeros).
ComponentStats new_component_statistics(uint32_t count);
bool add_component_statistics(VolumeView<const uint32_t> labels, int64_t z0, int64_t volume_nz, ComponentStats& st);
void finish_component_statistics(ComponentStats& st);

// {labels == label} as a 0/1 mask with the labels' spacing and thickness axis (parallel).
Volume<uint8_t> label_mask(VolumeView<const uint8_t> labels, uint8_t label);

// {volume != 0} as a 0/1 mask, for any dtype (NaN counts as non-zero).
Volume<uint8_t> nonzero_mask(const AnyVolume& volume);

}  // namespace emorph
