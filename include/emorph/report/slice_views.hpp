#pragma once
// PNG slice views for users to look at: grey (contrast-stretched), phase colours, or grey with a
// translucent phase overlay. A slice perpendicular to `axis` at `index`; thickness runs upwards.
#include <string>

#include "emorph/phase_table.hpp"
#include "emorph/volume.hpp"

namespace emorph {

struct SliceViewParams {
  int axis = 2;           // 2: a (z, y) section showing the thickness; 0: an in-plane (y, x) slice
  int64_t index = -1;     // -1: middle slice
  double overlay_alpha = 0.45;
  int upscale = 0;        // integer pixel repeat; 0: chosen so the image is at least ~384 px tall
  bool scale_bar = true;  // a scale bar in um in the lower-left corner (scale_bar.hpp)
};

// Writes `path` (PNG). `grey` may be null (phase colours only); `labels` may be null (grey only).
void write_slice_view(const std::string& path, const AnyVolume* grey, const Volume<uint8_t>* labels,
                      const PhaseTable& table, const SliceViewParams& params);

}  // namespace emorph
