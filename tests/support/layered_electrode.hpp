#pragma once
// Label volumes layered along z as an electrode is: a current collector (label 4) in the first slices,
// an electrode whose label each test draws voxel by voxel, air (pore, 0) in the last 4 slices.
#include <cstdint>

#include "emorph/volume.hpp"

namespace emorph::test {

// electrode_label(z, y, x) is called in z, y, x order for the electrode voxels only (it may draw from a
// random generator).
template <class Label>
Volume<uint8_t> layered_electrode(Shape shape, Spacing spacing, int64_t collector_slices, Label&& electrode_label) {
  Volume<uint8_t> v(shape, spacing);
  for (int64_t z = 0; z < shape.nz; ++z)
    for (int64_t y = 0; y < shape.ny; ++y)
      for (int64_t x = 0; x < shape.nx; ++x)
        v(z, y, x) = z < collector_slices ? 4 : z < shape.nz - 4 ? electrode_label(z, y, x) : 0;
  return v;
}

}  // namespace emorph::test
