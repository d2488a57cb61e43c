#pragma once
// Numbers with their uncertainty for the HTML reports: a slope with its standard error, a band.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <string>

#include "emorph/result.hpp"

namespace emorph::report_numbers {

// A reference into j at the path `keys` (or to a null value), so that range-for over .items() of the result is safe.
inline const Json& at_path(const Json& j, std::initializer_list<const char*> keys) {
  static const Json missing;
  const Json* cur = &j;
  for (const char* k : keys) {
    if (!cur->is_object() || !cur->contains(k)) return missing;
    cur = &(*cur)[k];
  }
  return *cur;
}

// v with `digits` significant digits; "–" when it is not a number.
inline std::string num(const Json& v, int digits = 4) {
  if (!v.is_number()) return "–";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v.get<double>());
  return buf;
}

// Decimals that keep two significant digits of `error` (at least 0, at most 6).
inline int decimals_for(double error) {
  if (!(error > 0) || !std::isfinite(error)) return 3;
  return std::clamp(1 - static_cast<int>(std::floor(std::log10(error))), 0, 6);
}

// "0.004 ± 0.020" from value and standard error (both times `scale`); the value alone without an error.
inline std::string with_error(const Json& value, const Json& error, double scale) {
  if (!value.is_number()) return "–";
  char buf[64];
  if (!error.is_number()) {
    std::snprintf(buf, sizeof buf, "%.3g", scale * value.get<double>());
    return buf;
  }
  const int d = decimals_for(scale * error.get<double>());
  std::snprintf(buf, sizeof buf, "%.*f ± %.*f", d, scale * value.get<double>(), d, scale * error.get<double>());
  return buf;
}

// "[a, b]" from a two-number band (times `scale`), rounded like `error` (or to 3 significant digits).
inline std::string band(const Json& b, double scale, const Json& error = Json()) {
  if (!b.is_array() || b.size() != 2 || !b[0].is_number() || !b[1].is_number()) return "–";
  char buf[80];
  if (error.is_number()) {
    const int d = decimals_for(scale * error.get<double>());
    std::snprintf(buf, sizeof buf, "[%.*f, %.*f]", d, scale * b[0].get<double>(), d, scale * b[1].get<double>());
  } else {
    std::snprintf(buf, sizeof buf, "[%.3g, %.3g]", scale * b[0].get<double>(), scale * b[1].get<double>());
  }
  return buf;
}

// A thickness profile's slope in vol%/um with its standard error, and its band.
inline std::string slope(const Json& profile_phase) {
  return with_error(profile_phase.value("slope_per_um", Json()), profile_phase.value("slope_stderr_per_um", Json()), 100);
}
inline std::string slope_band(const Json& profile_phase) {
  return band(profile_phase.value("slope_band_per_um", Json()), 100, profile_phase.value("slope_stderr_per_um", Json()));
}

}  // namespace emorph::report_numbers
