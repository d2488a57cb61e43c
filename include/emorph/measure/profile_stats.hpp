#pragma once
// Statistics of a profile over a bulk window: mean, relative standard deviation, least-squares slope
// with its standard error (the paper's Table 1 "RSD" and "Slope").
#include <cstdint>
#include <string>
#include <vector>

namespace emorph {

// Ordinary least squares y = intercept + slope * x with the usual standard errors and R^2.
struct LinearFit {
  int64_t n = 0;
  double slope = 0, intercept = 0;
  double slope_stderr = 0;  // NaN for n < 3
  double r_squared = 0;     // NaN when y is constant
};
LinearFit linear_fit(const std::vector<double>& x, const std::vector<double>& y);

// Slices whose centres lie in [start_um, end_um]: the index range [first, last]. Throws InputError
// naming `option` when no slice centre lies inside.
struct SliceRange {
  int64_t first = 0, last = -1;
};
SliceRange bulk_slices(const std::vector<double>& position_um, double start_um, double end_um,
                       const std::string& option = "--bulk");

// The electrode region [region_start_um, region_end_um] minus a collector-side and a surface layer
// (both >= 0 um); empty result is an InputError naming the two options.
SliceRange trimmed_region_slices(const std::vector<double>& position_um, double region_start_um, double region_end_um,
                                 double exclude_collector_um, double exclude_surface_um);

struct ProfileStats {
  int64_t slices = 0;
  double mean_fraction = 0;
  double rsd_percent = 0;                    // 100 * sample standard deviation / mean (NaN if mean is 0)
  double slope_per_um = 0;                   // fraction per um
  double slope_stderr_per_um = 0;            // NaN for fewer than 3 slices
  double slope_relative_percent_per_um = 0;  // 100 * slope / mean
};
// Over the samples first..last (inclusive) of a profile.
ProfileStats profile_stats(const std::vector<double>& position_um, const std::vector<double>& fraction, SliceRange range);

}  // namespace emorph
