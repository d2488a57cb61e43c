#pragma once
// A scale bar burnt into an RGB image: a black bar of a round length in um (1, 2 or 5 x 10^k, about a
// fifth of the width) with its length written above it, on a white box in the lower-left corner.
#include <cstdint>
#include <vector>

namespace emorph {

struct ScaleBar {
  double length_um = 0;
  int length_px = 0;
};

// `rgb` is width x height x 3, row-major, top row first; `pixel_um` the size of one pixel. Images too
// small for a legible bar (under 60 px either way) are left unchanged ({0, 0}).
ScaleBar draw_scale_bar(std::vector<uint8_t>& rgb, int width, int height, double pixel_um);

}  // namespace emorph
