// Bulk-window statistics of a profile: mean, sample RSD, and the ordinary least-squares slope with its
// standard error sqrt(SSR / (n - 2) / Sxx) (any regression text, e.g. Draper & Smith ch. 1).
#include "emorph/measure/profile_stats.hpp"

#include <cmath>
#include <limits>

#include "emorph/error.hpp"

namespace emorph {

LinearFit linear_fit(const std::vector<double>& x, const std::vector<double>& y) {
  require(x.size() == y.size(), "linear fit: x and y differ in length");
  require(x.size() >= 2, "linear fit: needs at least 2 points");
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double n = static_cast<double>(x.size());
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < x.size(); ++i) mx += x[i], my += y[i];
  mx /= n, my /= n;
  // Centred sums: stable for positions far from 0.
  double sxx = 0, sxy = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double dx = x[i] - mx, dy = y[i] - my;
    sxx += dx * dx, sxy += dx * dy, syy += dy * dy;
  }
  require(sxx > 0, "linear fit: all x values are equal");
  LinearFit f;
  f.n = static_cast<int64_t>(x.size());
  f.slope = sxy / sxx;
  f.intercept = my - f.slope * mx;
  // Residuals summed directly: syy - slope * sxy cancels catastrophically on near-perfect fits.
  double ssr = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double r = y[i] - (f.intercept + f.slope * x[i]);
    ssr += r * r;
  }
  f.slope_stderr = x.size() >= 3 ? std::sqrt(ssr / (n - 2) / sxx) : nan;
  f.r_squared = syy > 0 ? 1.0 - ssr / syy : nan;
  return f;
}

SliceRange bulk_slices(const std::vector<double>& position_um, double start_um, double end_um, const std::string& option) {
  require(std::isfinite(start_um) && std::isfinite(end_um), option + ": window bounds must be finite");
  SliceRange r{0, -1};
  bool found = false;
  for (std::size_t i = 0; i < position_um.size(); ++i) {
    if (position_um[i] >= start_um && position_um[i] <= end_um) {
      if (!found) r.first = static_cast<int64_t>(i);
      r.last = static_cast<int64_t>(i);
      found = true;
    }
  }
  if (!found)
    throw InputError(option + ": the bulk window [" + std::to_string(start_um) + ", " + std::to_string(end_um) +
                     "] um contains no slice centre");
  return r;
}

SliceRange trimmed_region_slices(const std::vector<double>& position_um, double region_start_um, double region_end_um,
                                 double exclude_collector_um, double exclude_surface_um) {
  require(exclude_collector_um >= 0 && std::isfinite(exclude_collector_um), "--exclude-collector must be >= 0 um");
  require(exclude_surface_um >= 0 && std::isfinite(exclude_surface_um), "--exclude-surface must be >= 0 um");
  return bulk_slices(position_um, region_start_um + exclude_collector_um, region_end_um - exclude_surface_um,
                     "--exclude-collector/--exclude-surface (electrode region " + std::to_string(region_start_um) +
                         " to " + std::to_string(region_end_um) + " um)");
}

ProfileStats profile_stats(const std::vector<double>& position_um, const std::vector<double>& fraction, SliceRange range) {
  require(position_um.size() == fraction.size(), "profile statistics: positions and values differ in length");
  require(range.first >= 0 && range.first <= range.last && range.last < static_cast<int64_t>(fraction.size()),
          "profile statistics: the bulk window is empty");
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<double> x(position_um.begin() + range.first, position_um.begin() + range.last + 1);
  const std::vector<double> y(fraction.begin() + range.first, fraction.begin() + range.last + 1);
  ProfileStats s;
  s.slices = static_cast<int64_t>(y.size());
  double mean = 0;
  for (double v : y) mean += v;
  mean /= static_cast<double>(y.size());
  s.mean_fraction = mean;
  double ss = 0;
  for (double v : y) ss += (v - mean) * (v - mean);
  const double sd = y.size() >= 2 ? std::sqrt(ss / static_cast<double>(y.size() - 1)) : nan;
  s.rsd_percent = mean != 0 ? 100.0 * sd / mean : nan;
  if (y.size() >= 2) {
    const LinearFit f = linear_fit(x, y);
    s.slope_per_um = f.slope;
    s.slope_stderr_per_um = f.slope_stderr;
  } else {
    s.slope_per_um = s.slope_stderr_per_um = nan;
  }
  s.slope_relative_percent_per_um = mean != 0 ? 100.0 * s.slope_per_um / mean : nan;
  return s;
}

}  // namespace emorph
