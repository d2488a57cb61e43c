#pragma once
// Grey-value histograms of 8/16-bit, 32-bit and float volumes: auto range, optional mask, parallel and
// deterministic (integer counts summed per slab, so the thread count never changes the result).
#include <cstdint>
#include <optional>
#include <type_traits>
#include <vector>

#include "emorph/volume.hpp"

namespace emorph {

// Bin i covers [lower + i*bin_width, lower + (i+1)*bin_width); the last bin also holds its upper edge.
// For integer data the edges sit half-way between grey values, so with bin_width 1 the centre of bin i
// is exactly the grey value lower + 0.5 + i (scikit-image's convention for integer images).
struct Histogram {
  std::vector<int64_t> counts;
  double lower = 0.0;
  double bin_width = 1.0;
  double min_value = 0.0, max_value = 0.0;  // extremes of the counted voxels
  int64_t excluded = 0;                     // voxels outside the range (or NaN) that were not counted

  int bins() const { return static_cast<int>(counts.size()); }
  double center(int i) const { return lower + (i + 0.5) * bin_width; }
  std::vector<double> centers() const;
  int64_t total() const;
  // Bin that holds grey value v, clamped to [0, bins-1].
  int bin_of(double v) const;
  // Share of the counted voxels above grey v, and its inverse: the grey above which `share` of them lie
  // (both linear within a bin).
  double share_above(double v) const;
  double upper_quantile(double share) const;
};

struct HistogramParams {
  // 0: one bin per grey value for 8-bit data and for integer data whose range spans <= 256 values,
  // otherwise 256 bins over [min, max]. Must be 0 or in [2, 1<<20].
  int bins = 0;
  // Grey range to count (inclusive); default the data's min..max over the (masked) voxels.
  std::optional<double> range_min, range_max;
};

// Counts the voxels of `in` (where mask != 0 when a mask is given; it must have the same shape).
// Throws InputError when no voxel is counted (empty mask or range) or parameters are invalid.
template <class T>
Histogram histogram(VolumeView<const T> in, const HistogramParams& params = {}, VolumeView<const uint8_t> mask = {});

// The streamed route for 8- and 16-bit integer volumes: exact counts per grey value (index = value -
// the type's minimum), added slab by slab; histogram_from_value_counts of the whole volume's counts
// equals histogram() of the volume (no mask). `counts` is sized on the first call.
template <class T>
  requires(std::is_integral_v<T> && sizeof(T) <= 2)
void accumulate_value_counts(std::vector<int64_t>& counts, VolumeView<const T> in);
template <class T>
  requires(std::is_integral_v<T> && sizeof(T) <= 2)
Histogram histogram_from_value_counts(const std::vector<int64_t>& counts, const HistogramParams& params = {});

// The same histogram with groups of `factor` adjacent bins merged (the last group may be shorter).
Histogram merge_bins(const Histogram& h, int factor);

}  // namespace emorph
