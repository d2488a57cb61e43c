#pragma once
// Marker-controlled watershed by priority flooding (Meyer 1991; Beucher & Meyer 1993): markers grow
// in order of increasing relief, ties first-in first-out, so the result is deterministic.
#include <cstdint>

#include "emorph/volume.hpp"

namespace emorph {

struct WatershedParams {
  int connectivity = 6;  // 6, 18 or 26 neighbours (6 = scikit-image's connectivity=1)
};

// Labels every voxel of the mask reachable from a marker with the label of the marker whose flood
// reaches it first; voxels outside the mask (and unreachable ones) get 0. `markers`: 0 = no marker;
// markers outside the mask are ignored; label 2^32 - 1 is reserved. `mask`: empty view = the whole
// volume, else mask != 0.
// Relief must be free of NaN. The result has the relief's spacing.
Volume<uint32_t> watershed(VolumeView<const float> relief, VolumeView<const uint32_t> markers,
                           VolumeView<const uint8_t> mask, const WatershedParams& params = {});

// Same flooding on an integer relief (levels 0..65535) with a bucket queue: linear time, no float
// comparisons. `labels` holds the markers on entry and the result on exit (in place: no extra volume).
void watershed_levels_inplace(VolumeView<const uint16_t> levels, VolumeView<const uint8_t> mask,
                              VolumeView<uint32_t> labels, const WatershedParams& params = {});

}  // namespace emorph
