#pragma once
// A quick look at one plane of a volume: extracted by streaming slabs (bounded memory), contrast
// stretched between two percentiles to 8-bit grey, written as PNG.
#include <cstdint>
#include <string>
#include <vector>

#include "emorph/io.hpp"

namespace emorph {

struct SlicePlane {
  int64_t width = 0, height = 0;  // axis 0: x by y; axis 1: x by z; axis 2: y by z
  std::vector<float> values;      // row-major, height rows of width values
};

// Reads plane `index` perpendicular to `axis` (0 = z, 1 = y, 2 = x); errors name --axis / --index.
SlicePlane extract_plane(const std::string& address, int axis, int64_t index);

struct StretchParams {
  double low_percentile = 0.5;    // maps to 0
  double high_percentile = 99.5;  // maps to 255
};
struct StretchedImage {
  std::vector<uint8_t> pixels;
  double low = 0, high = 0;  // the values mapped to 0 and 255
};
// Linear map of [value at low percentile, value at high percentile] to [0, 255], clamped; NaN -> 0.
// Percentiles are of the plane's values (nearest rank).
StretchedImage contrast_stretch(const std::vector<float>& values, const StretchParams& params = {});

}  // namespace emorph
