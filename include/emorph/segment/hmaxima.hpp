#pragma once
// Markers from the h-maxima transform (Soille 2003, "Morphological Image Analysis", 6.3.4): regional
// maxima of the reconstruction by dilation of f - h under f, i.e. the domes of f deeper than h.
#include <cstdint>

#include "emorph/measure/components.hpp"
#include "emorph/volume.hpp"

namespace emorph {

struct HMaximaParams {
  uint16_t h = 1;         // dome depth, in units of f; larger h merges shallow maxima
  int connectivity = 26;  // 6, 18 or 26, for reconstruction, plateaus and marker labelling
};

// Reconstruction by dilation of `marker` under `mask` (marker <= mask everywhere), in place, with the
// hybrid raster + FIFO algorithm of Vincent 1993. Both views contiguous and of the same shape.
void reconstruct_by_dilation_inplace(VolumeView<const uint16_t> mask, VolumeView<uint16_t> marker, int connectivity);

// Labelled h-maxima of f: only voxels with f > 0 take part (0 = outside the object); every connected
// part of {f > 0} whose dynamic is below h still gets one marker (its whole top plateau). Labels are
// numbered in raster order of their first voxel.
ComponentsResult h_maxima_markers(VolumeView<const uint16_t> f, const HMaximaParams& params = {});

}  // namespace emorph
