// Least-squares grey -> LFP-fraction calibration (Beer-Lambert, Etiemble et al. 2017 Fig. S5b) with
// the usual regression standard errors (Draper & Smith ch. 1), read back from its JSON.
#include "emorph/measure/lfp_calibration.hpp"

#include <cmath>
#include <fstream>
#include <limits>

#include "emorph/error.hpp"
#include "emorph/fields.hpp"
#include "emorph/measure/profile_stats.hpp"
#include "emorph/measure/results_json.hpp"

namespace emorph {
namespace {

constexpr const char* kKind = "lfp_fraction_of_matrix";

std::vector<double> number_list(const Json& j, const char* key, const std::string& where) {
  std::vector<double> v;
  if (!j.contains(key)) return v;
  require(j[key].is_array(), where + ": '" + key + "' must be an array");
  for (const auto& x : j[key]) v.push_back(x.is_number() ? x.get<double>() : std::nan(""));
  return v;
}

}  // namespace

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

namespace {

EMORPH_JSON_FIELDS_OR_NULL(lfp_calibration_fields, LfpCalibration, samples, slope, intercept, r_squared, slope_stderr,
                           intercept_stderr, residual_std, grey_mean, grey_sxx, grey, lfp_fraction, residuals)

}  // namespace

Json lfp_calibration_results(const LfpCalibration& c) {
  Json j = lfp_calibration_fields(c);
  j["kind"] = kKind;
  return j;
}

LfpCalibration read_lfp_calibration(const std::string& path, const std::string& option) {
  const std::string where = option + " " + path;
  std::ifstream in(path);
  if (!in) throw InputError(where + ": cannot open the calibration file");
  Json j;
  try {
    in >> j;
  } catch (const std::exception& e) {
    throw InputError(where + ": not valid JSON (" + e.what() + ")");
  }
  if (j.is_object() && j.contains("results")) j = j["results"];
  require(j.is_object() && j.value("kind", "") == kKind && j.contains("slope") && j["slope"].is_number() &&
              j.contains("intercept") && j["intercept"].is_number(),
          where + ": not an LFP calibration (write one with emorph calibrate --grey ... --lfp-fraction ... --json)");
  // Refit from the samples when they are there, so every derived figure is consistent with them.
  const auto grey = number_list(j, "grey", where), fraction = number_list(j, "lfp_fraction", where);
  LfpCalibration c;
  if (grey.size() >= 2 && grey.size() == fraction.size()) {
    c = fit_lfp_calibration(grey, fraction);
  } else {
    c.slope = j["slope"].get<double>();
    c.intercept = j["intercept"].get<double>();
    c.samples = j.value("samples", int64_t{0});
    const double nan = std::numeric_limits<double>::quiet_NaN();
    c.r_squared = c.slope_stderr = c.intercept_stderr = c.residual_std = nan;
  }
  require(std::isfinite(c.slope) && std::isfinite(c.intercept) && c.slope != 0, where + ": slope and intercept must be finite, slope non-zero");
  c.source = path;
  return c;
}

}  // namespace emorph
