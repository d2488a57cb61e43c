// Volume lost to a pre-filter, restored by moving the threshold (partial-volume estimate from the mean
// grey; curvature shrinkage of the median: Guichard & Morel, "Partial differential equations and image
// iterative filtering", 1997), measured at the threshold by repeating the filter.
#include "emorph/segment/filter_volume_correction.hpp"

#include <algorithm>

#include "emorph/error.hpp"

namespace emorph {

FilterVolumeCorrection correct_filter_volume(const Histogram& h, double threshold, const FilterVolumeCorrectionParams& p) {
  require(p.level_bright > p.level_dark, "filter volume correction: the pure-phase grey levels are not increasing");
  FilterVolumeCorrection c;
  c.threshold_before = threshold;
  c.raw_mean = p.raw_mean, c.filtered_mean = p.filtered_mean;
  c.mean_shift = (p.raw_mean - p.filtered_mean) / (p.level_bright - p.level_dark);
  c.fraction_shift = c.mean_shift;
  if (p.repeat_shares) {
    c.repeat_shift = (*p.repeat_shares)[0] - (*p.repeat_shares)[1];
    c.fraction_shift = std::max(c.mean_shift, *c.repeat_shift);
  }
  const double share = std::clamp(h.share_above(threshold) + c.fraction_shift, 0.0, 1.0);
  c.threshold = c.fraction_shift == 0 ? threshold : h.upper_quantile(share);
  return c;
}

}  // namespace emorph
