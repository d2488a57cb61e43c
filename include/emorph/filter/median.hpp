#pragma once
// 3D median filter over a (2r+1)^3 cube, edges reflected (scipy.ndimage.median_filter(size=2r+1,
// mode='reflect') gives the same values).
#include <cstdint>
#include <vector>

#include "emorph/volume.hpp"

namespace emorph {

struct MedianParams {
  int radius = 1;  // 1: 3x3x3, 2: 5x5x5 (1..2)
};

// Same dtype out as in. NaN in float volumes is not supported (its order is undefined).
template <class T>
Volume<T> median_filter(VolumeView<const T> in, const MedianParams& params = {});

// The selection network used for a window of n values (exposed for tests): comparators applied in
// order to slots 0..n-1; after them, slot `output` holds the median.
struct MedianNetwork {
  struct Op {
    int lo, hi;   // full comparator: lo <- min, hi <- max
    int kind;     // 0 full, 1 only lo <- min(lo, hi), 2 only hi <- max(lo, hi)
  };
  std::vector<Op> ops;
  int output = 0;
};
MedianNetwork median_network(int n);

}  // namespace emorph
