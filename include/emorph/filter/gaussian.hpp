#pragma once
// Separable 3D Gaussian smoothing to float32, edges reflected; kernel radius int(truncate*sigma + 0.5)
// per axis, as scipy.ndimage.gaussian_filter(mode='reflect', truncate=4.0).
#include <array>
#include <optional>
#include <vector>

#include "emorph/volume.hpp"

namespace emorph {

struct GaussianParams {
  double sigma = 1.0;        // standard deviation (>= 0; 0 leaves an axis unsmoothed)
  bool sigma_in_um = false;  // true: sigma in micrometres, converted per axis with the view's spacing
  double truncate = 4.0;     // kernel half-width in standard deviations
  // Per-axis sigmas in voxels (z, y, x); when set, they replace `sigma` (0 leaves an axis unsmoothed).
  std::optional<std::array<double, 3>> sigma_voxels;
  bool mirror = false;  // scipy mode='mirror' edges (d c b | a b c d) instead of 'reflect' (c b a | a b c d)
};

template <class T>
Volume<float> gaussian_filter(VolumeView<const T> in, const GaussianParams& params = {});

// Normalised 1D kernel (2*radius+1 weights) for sigma in voxels (exposed for tests).
std::vector<float> gaussian_kernel(double sigma_voxels, double truncate);

}  // namespace emorph
