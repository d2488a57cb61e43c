#pragma once
// Uncertainty bands of the figures measured from a segmented grey volume (issue 14): each fraction and
// bulk profile statistic re-measured at both ends of the threshold band the histogram model allows
// (SegmentResult::band); the band is the range of the point value and the two re-measurements.
#include <optional>
#include <string>
#include <vector>

#include "emorph/measure/profile_stats.hpp"
#include "emorph/result.hpp"
#include "emorph/segment/segment.hpp"

namespace emorph {

class GreyBands {
 public:
  GreyBands() = default;
  explicit GreyBands(const SegmentResult& seg);
  bool empty() const { return !band_; }
  // results.fractions.phases.<name>.volume_fraction_band (whole volume) and
  // .electrode_volume_fraction_band (electrode slices [region.first, region.last] along axis) for the two
  // segmented classes. Each band is the phase's own point value moved by the voxels that change class at
  // the band's ends, over that value's denominator: the segmentation may have seen the electrode only
  // (collector and air painted afterwards), so its own fractions have another denominator.
  void add_fraction_bands(Json& phases, int axis, SliceRange region, int64_t voxels_per_slice,
                          int64_t total_voxels) const;
  // results.profiles.phases.<name>.mean_fraction_band and .slope_band_per_um over the bulk window; the
  // slope band is widened by kBandStandardErrors times the point profile's slope_stderr_per_um (the
  // slice-to-slice segmentation error, which a threshold moving every slice alike does not span).
  // `phases` must hold the point statistics (slope_per_um, slope_stderr_per_um) already.
  void add_profile_bands(Json& phases, int axis, const std::vector<double>& position_um, SliceRange bulk,
                         int64_t voxels_per_slice) const;

 private:
  std::optional<SegmentBand> band_;
  std::vector<std::string> class_names_;  // dark, bright
  int64_t bright_point_voxels_ = 0;  // voxels of the bright class at the segmentation's own threshold
};

}  // namespace emorph
