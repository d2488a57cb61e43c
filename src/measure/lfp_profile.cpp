// LFP density profile from the matrix grey (Etiemble et al. 2017, section 3.3, Fig. S5c): linear
// Beer-Lambert map of the matrix grey to its LFP fraction, times the slice's matrix fraction; bulk
// statistics as the paper's Table 1 (mean, RSD, least-squares slope).
#include "emorph/measure/lfp_profile.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "emorph/error.hpp"

namespace emorph {
namespace {

// The slice's matrix grey; slices with matrix but no averaged voxel take the electrode's mean grey.
double slice_grey(const MatrixGreyProfile& p, std::size_t i, double fallback) {
  return std::isfinite(p.mean_grey[i]) ? p.mean_grey[i] : fallback;
}

// Matrix fraction of a slice at the segmentation threshold (m), or at the band's low / high threshold:
// the segmentation's fraction scaled by the ratio of raw-grey counts, so the band is relative to it.
double band_matrix_fraction(const MatrixGreyProfile& p, std::size_t i, int which) {
  const double m = p.matrix_fraction(i);
  if (which == 0 || p.below_low.empty()) return m;
  const auto& below = which < 0 ? p.below_low : p.below_high;
  const int64_t mid = p.below_mid[i];
  return mid > 0 ? m * static_cast<double>(below[i]) / static_cast<double>(mid) : m;
}

std::vector<double> lfp_of_slices(const MatrixGreyProfile& p, const LinearMap& map, double fallback, int band) {
  std::vector<double> f(p.mean_grey.size());
  for (std::size_t i = 0; i < f.size(); ++i) {
    const double m = band_matrix_fraction(p, i, band);
    f[i] = m > 0 ? map(slice_grey(p, i, fallback)) * m : 0.0;
  }
  return f;
}

double range_mean(const std::vector<double>& v, SliceRange r) {
  double s = 0;
  for (int64_t i = r.first; i <= r.last; ++i) s += v[static_cast<std::size_t>(i)];
  return s / static_cast<double>(r.last - r.first + 1);
}

void check_range(const MatrixGreyProfile& p, SliceRange r, const char* what) {
  require(r.first >= 0 && r.first <= r.last && r.last < static_cast<int64_t>(p.mean_grey.size()),
          std::string("LFP profile: the ") + what + " window is empty or outside the volume");
}

// The profile's own scatter: the bulk slices about their least-squares line give the standard error
// of the slope and of the mean (s / sqrt(n), s the residual standard deviation). A given zero grey or
// an exact calibration leaves no map uncertainty, and the band was then a point that could not hold
// the truth; 2 standard errors either way (about 95 % for the slice counts of a bulk window).
void widen_by_own_fit(LfpProfile& r, SliceRange bulk) {
  std::vector<double> x, y;
  for (int64_t i = bulk.first; i <= bulk.last; ++i) {
    const auto k = static_cast<std::size_t>(i);
    if (std::isfinite(r.fraction[k])) x.push_back(r.position_um[k]), y.push_back(r.fraction[k]);
  }
  const LinearFit fit = linear_fit(x, y);
  if (fit.n >= 3 && std::isfinite(fit.slope_stderr)) {
    double sxx = 0, mean_x = 0;
    for (double v : x) mean_x += v / static_cast<double>(x.size());
    for (double v : x) sxx += (v - mean_x) * (v - mean_x);
    r.slope_stderr = fit.slope_stderr;
    r.mean_stderr = fit.slope_stderr * std::sqrt(sxx / static_cast<double>(fit.n));
    r.mean_low -= kBandStandardErrors * r.mean_stderr, r.mean_high += kBandStandardErrors * r.mean_stderr;
    r.slope_low -= kBandStandardErrors * r.slope_stderr, r.slope_high += kBandStandardErrors * r.slope_stderr;
  }
}

}  // namespace

double matrix_mean_grey(const MatrixGreyProfile& p, SliceRange range) {
  check_range(p, range, "electrode");
  double sum = 0, weight = 0;
  for (int64_t i = range.first; i <= range.last; ++i) {
    const auto k = static_cast<std::size_t>(i);
    if (!std::isfinite(p.mean_grey[k])) continue;
    sum += p.matrix_fraction(k) * p.mean_grey[k];
    weight += p.matrix_fraction(k);
  }
  return weight > 0 ? sum / weight : std::numeric_limits<double>::quiet_NaN();
}

LfpGreyMap calibration_map(const LfpCalibration& c, double sample_grey) {
  LfpGreyMap m;
  m.source = "calibration";
  m.map = {c.slope, c.intercept};
  const double shift = c.fraction_stderr(sample_grey);
  if (std::isfinite(shift) && std::isfinite(c.slope_stderr)) {
    for (double s : {-1.0, 1.0}) {
      m.alternatives.push_back({c.slope, c.intercept + s * shift});
      m.alternatives.push_back({c.slope + s * c.slope_stderr, c.intercept - s * c.slope_stderr * sample_grey});
    }
  }
  return m;
}

LfpGreyMap self_calibrated_map(const MatrixGreyProfile& p, SliceRange electrode, double zero_grey, double zero_grey_stderr,
                               double known_mean) {
  check_range(p, electrode, "electrode");
  require(std::isfinite(known_mean) && known_mean > 0 && known_mean < 1,
          "--lfp-mean: the electrode's LFP volume fraction must lie in (0, 1)");
  require(std::isfinite(zero_grey), "--pore-grey: the zero-LFP grey must be finite");
  const double fallback = matrix_mean_grey(p, electrode);
  require(std::isfinite(fallback), "LFP profile: no matrix voxel left to average in the electrode (lower [lfp] erosion_um)");
  auto map_for = [&](double g0) {
    // known_mean = mean_i k (g_i - g0) m_i over the electrode slices.
    double signal = 0;
    for (int64_t i = electrode.first; i <= electrode.last; ++i) {
      const auto k = static_cast<std::size_t>(i);
      signal += p.matrix_fraction(k) * (slice_grey(p, k, fallback) - g0);
    }
    signal /= static_cast<double>(electrode.last - electrode.first + 1);
    require(signal > 0, "--lfp-mean: the matrix is not brighter than the zero-LFP grey " + std::to_string(g0) +
                            " (check --pore-grey)");
    const double k = known_mean / signal;
    return LinearMap{k, -k * g0};
  };
  LfpGreyMap m;
  m.source = "known_mean";
  m.map = map_for(zero_grey);
  m.zero_grey = zero_grey;
  m.known_mean = known_mean;
  if (zero_grey_stderr > 0)
    for (double s : {-1.0, 1.0}) m.alternatives.push_back(map_for(zero_grey + s * zero_grey_stderr));
  return m;
}

LfpProfile lfp_profile(const MatrixGreyProfile& p, const LfpGreyMap& map, SliceRange electrode, SliceRange bulk) {
  check_range(p, electrode, "electrode");
  check_range(p, bulk, "bulk");
  const double fallback = matrix_mean_grey(p, electrode);
  require(std::isfinite(fallback), "LFP profile: no matrix voxel left to average in the electrode (lower [lfp] erosion_um)");
  LfpProfile r;
  r.position_um = p.position_um;
  r.fraction = lfp_of_slices(p, map.map, fallback, 0);
  for (std::size_t i = 0; i < r.fraction.size(); ++i) r.fraction_of_matrix.push_back(map.map(slice_grey(p, i, fallback)));
  r.bulk = profile_stats(p.position_um, r.fraction, bulk);
  r.electrode_mean = range_mean(r.fraction, electrode);
  r.mean_low = r.mean_high = r.bulk.mean_fraction;
  r.slope_low = r.slope_high = r.bulk.slope_per_um;
  std::vector<LinearMap> maps = map.alternatives;
  maps.push_back(map.map);
  for (const LinearMap& m : maps)
    for (int band : {-1, 0, 1}) {
      const auto st = profile_stats(p.position_um, lfp_of_slices(p, m, fallback, band), bulk);
      r.mean_low = std::min(r.mean_low, st.mean_fraction), r.mean_high = std::max(r.mean_high, st.mean_fraction);
      r.slope_low = std::min(r.slope_low, st.slope_per_um), r.slope_high = std::max(r.slope_high, st.slope_per_um);
    }
  widen_by_own_fit(r, bulk);
  return r;
}

LfpProfile reshaped_lfp_profile(const LfpProfile& shipped, std::vector<double> fraction, std::vector<double> fraction_of_matrix,
                                SliceRange electrode, SliceRange bulk) {
  require(fraction.size() == shipped.position_um.size() && fraction_of_matrix.size() == fraction.size(),
          "LFP profile: the reshaped profile has another slice count");
  LfpProfile r;
  r.position_um = shipped.position_um;
  r.fraction = std::move(fraction);
  r.fraction_of_matrix = std::move(fraction_of_matrix);
  r.bulk = profile_stats(r.position_um, r.fraction, bulk);
  r.electrode_mean = range_mean(r.fraction, electrode);
  r.mean_low = std::min(shipped.mean_low, r.bulk.mean_fraction), r.mean_high = std::max(shipped.mean_high, r.bulk.mean_fraction);
  r.slope_low = std::min(shipped.slope_low, r.bulk.slope_per_um), r.slope_high = std::max(shipped.slope_high, r.bulk.slope_per_um);
  widen_by_own_fit(r, bulk);
  return r;
}

}  // namespace emorph
