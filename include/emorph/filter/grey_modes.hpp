#pragma once
// Grey-level modes of a sample by mean shift with a flat kernel (Comaniciu & Meer 2002), and a pixel
// noise estimate to scale the kernel: the levels of the phases of an image, whatever their shares.
#include <utility>
#include <vector>

#include "emorph/volume.hpp"

namespace emorph {

// Noise standard deviation of one pixel from differences of vertically adjacent pixels (median
// absolute deviation / sqrt 2): edges are a minority of pixel pairs, so the phases' own noise wins.
double pixel_noise(VolumeView<const float> stack);

// Mean shift with a flat window of half-width h from `start`: the mode and the number of samples in
// its final window.
std::pair<double, int64_t> window_mode(const std::vector<float>& values, double start, double h);

struct GreyMode {
  double grey = 0;
  int64_t count = 0;  // samples within h of it
};

// Modes holding at least `min_share` of the sample, ascending: local maxima of its histogram (bins of
// h / 4, smoothed over h / 2), refined by mean shift; modes closer than h merged into the fuller one.
std::vector<GreyMode> grey_modes(const std::vector<float>& values, double h, double min_share);

}  // namespace emorph
