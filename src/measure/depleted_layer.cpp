// Depleted-layer detection by thresholding a smoothed profile against its bulk median (a plain
// change-point rule, chosen over model fits because the layer's shape varies between samples).
#include "emorph/measure/depleted_layer.hpp"

#include <algorithm>
#include <cmath>

#include "emorph/error.hpp"
#include "emorph/measure/profile.hpp"

namespace emorph {

DepletedLayer detect_depleted_layer(const std::vector<double>& fraction, SliceRange region, double slice_um,
                                    const DepletedLayerParams& params) {
  require(slice_um > 0, "depleted layer: slice thickness must be positive");
  require(params.smoothing_um >= 0 && params.recovery > 0 && params.recovery <= 1,
          "depleted layer: smoothing must be >= 0 um and recovery in (0, 1]");
  require(region.first >= 0 && region.last < static_cast<int64_t>(fraction.size()) && region.last - region.first >= 3,
          "depleted layer: the electrode region needs at least 4 slices");
  const std::vector<double> inside(fraction.begin() + region.first, fraction.begin() + region.last + 1);
  const int64_t n = static_cast<int64_t>(inside.size());
  std::vector<double> middle(inside.begin() + n / 4, inside.begin() + n - n / 4);
  std::nth_element(middle.begin(), middle.begin() + static_cast<std::ptrdiff_t>(middle.size() / 2), middle.end());
  DepletedLayer r;
  r.bulk_fraction = middle[middle.size() / 2];
  int window = static_cast<int>(std::lround(params.smoothing_um / slice_um));
  window = std::max(1, window | 1);  // odd
  const auto smooth = moving_average(inside, window);
  int64_t end = 0;
  while (end < n && smooth[static_cast<std::size_t>(end)] < params.recovery * r.bulk_fraction) ++end;
  r.end_slice = region.first + std::min(end, n - 1);
  r.thickness_um = static_cast<double>(r.end_slice - region.first) * slice_um;
  return r;
}

}  // namespace emorph
