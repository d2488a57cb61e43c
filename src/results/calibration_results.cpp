// The `results` objects of `emorph calibrate` (grey -> density, grey -> LFP fraction of the matrix) and
// of `emorph profile --grey`, and the reader of a saved LFP calibration.
#include <cmath>
#include <fstream>
#include <limits>

#include "emorph/error.hpp"
#include "emorph/fields.hpp"
#include "emorph/measure/grey_calibration.hpp"
#include "emorph/measure/lfp_calibration.hpp"
#include "emorph/results/measure_results.hpp"

namespace emorph {

Json grey_calibration_results(const GreyCalibration& c) {
  return {{"samples", c.samples},
          {"slope_g_cm3_per_grey", c.slope},
          {"intercept_g_cm3", c.intercept},
          {"r_squared", number_or_null(c.r_squared)},
          {"calibration", Json(c.slope).dump() + "," + Json(c.intercept).dump()}};
}

Json grey_profile_results(const GreyProfile& profile, const std::optional<GreyCalibration>& calibration) {
  Json mean = Json::array();
  for (double v : profile.mean_grey) mean.push_back(number_or_null(v));
  Json j = {{"position_um", profile.position_um}, {"mean_grey", mean}, {"voxels", profile.voxels}};
  if (calibration) {
    Json density = Json::array();
    for (double v : profile.mean_grey) density.push_back(number_or_null(calibration->density(v)));
    j["density_g_cm3"] = density;
  }
  return j;
}

namespace {

std::vector<double> number_list(const Json& j, const char* key, const std::string& where) {
  std::vector<double> v;
  if (!j.contains(key)) return v;
  require(j[key].is_array(), where + ": '" + key + "' must be an array");
  for (const auto& x : j[key]) v.push_back(x.is_number() ? x.get<double>() : std::nan(""));
  return v;
}

EMORPH_JSON_FIELDS_OR_NULL(lfp_calibration_fields, LfpCalibration, samples, slope, intercept, r_squared, slope_stderr,
                           intercept_stderr, residual_std, grey_mean, grey_sxx, grey, lfp_fraction, residuals)

}  // namespace

Json lfp_calibration_results(const LfpCalibration& c) {
  Json j = lfp_calibration_fields(c);
  j["kind"] = kLfpCalibrationKind;
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
  require(j.is_object() && j.value("kind", "") == kLfpCalibrationKind && j.contains("slope") && j["slope"].is_number() &&
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
