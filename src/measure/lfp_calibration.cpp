// Least-squares grey -> LFP-fraction calibration (Beer-Lambert, Etiemble et al. 2017 Fig. S5b) with
// the usual regression standard errors (Draper & Smith ch. 1), read back from its JSON.
#include "emorph/measure/lfp_calibration.hpp"

#include <cmath>
#include <limits>

#include "emorph/error.hpp"
#include "emorph/measure/profile_stats.hpp"

namespace emorph {

double LfpCalibration::fraction_stderr(double matrix_grey) const {
  if (samples < 3 || !(grey_sxx > 0)) return std::numeric_limits<double>::quiet_NaN();
  const double d = matrix_grey - grey_mean;
  return residual_std * std::sqrt(1.0 / static_cast<double>(samples) + d * d / grey_sxx);
}

LfpCalibration fit_lfp_calibration(const std::vector<double>& matrix_grey, const std::vector<double>& lfp_fraction) {
  require(matrix_grey.size() == lfp_fraction.size(), "calibrate: --grey and --lfp-fraction need the same number of values");
  require(matrix_grey.size() >= 2, "calibrate: needs at least 2 (grey, LFP fraction) pairs");
  for (double g : matrix_grey) require(std::isfinite(g), "calibrate: --grey values must be finite");
  for (double f : lfp_fraction)
    require(std::isfinite(f) && f >= 0 && f <= 1, "calibrate: --lfp-fraction values are fractions of the matrix in [0, 1]");
  const LinearFit f = linear_fit(matrix_grey, lfp_fraction);
  LfpCalibration c;
  c.samples = f.n;
  c.slope = f.slope;
  c.intercept = f.intercept;
  c.r_squared = f.r_squared;
  c.grey = matrix_grey;
  c.lfp_fraction = lfp_fraction;
  const double n = static_cast<double>(f.n);
  double ssr = 0;
  for (double g : matrix_grey) c.grey_mean += g / n;
  for (std::size_t i = 0; i < matrix_grey.size(); ++i) {
    const double d = matrix_grey[i] - c.grey_mean;
    c.grey_sxx += d * d;
    c.residuals.push_back(lfp_fraction[i] - c.fraction(matrix_grey[i]));
    ssr += c.residuals.back() * c.residuals.back();
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  c.residual_std = f.n >= 3 ? std::sqrt(ssr / (n - 2)) : nan;
  c.slope_stderr = f.slope_stderr;
  c.intercept_stderr = f.n >= 3 ? c.residual_std * std::sqrt(1.0 / n + c.grey_mean * c.grey_mean / c.grey_sxx) : nan;
  return c;
}

}  // namespace emorph
