// Dispatch of the denoising filters by name (the --filter / --denoise option).
#include "emorph/filter/denoise.hpp"

#include "emorph/error.hpp"
#include "emorph/text.hpp"
#include "emorph/parse.hpp"

namespace emorph {

DenoiseSpec parse_denoise_spec(const std::string& spec, const std::string& option) {
  const auto colon = spec.find(':');
  DenoiseSpec d;
  d.filter = spec.substr(0, colon);
  const std::string arg = colon == std::string::npos ? "" : spec.substr(colon + 1);
  if (colon != std::string::npos && arg.empty())
    throw InputError(option + ": '" + printable(spec) + "' has an empty argument after ':' (e.g. median:1, gaussian:1.5)");
  if (d.filter == "median") {
    d.median.radius = arg.empty() ? 1 : static_cast<int>(parse_int(arg, option));
    require(d.median.radius == 1 || d.median.radius == 2, option + ": median radius must be 1 or 2, got '" + arg + "'");
  } else if (d.filter == "gaussian") {
    std::string s = arg;
    if (s.size() > 2 && s.substr(s.size() - 2) == "um") {
      d.gaussian.sigma_in_um = true;
      s = s.substr(0, s.size() - 2);
    }
    d.gaussian.sigma = s.empty() ? 1.0 : parse_double(s, option);
    require(d.gaussian.sigma > 0, option + ": gaussian sigma must be > 0, got '" + arg + "'");
  } else if (d.filter == "bilateral") {
    const auto v = parse_double_list(arg, option);
    require(v.size() == 2, option + ": bilateral needs SIGMA_SPATIAL,SIGMA_RANGE, e.g. bilateral:1,20");
    d.bilateral.sigma_spatial = v[0];
    d.bilateral.sigma_range = v[1];
    require(v[0] > 0 && v[0] <= 10 && v[1] > 0, option + ": bilateral sigmas must be positive (spatial <= 10)");
  } else {
    throw InputError(option + ": unknown filter '" + spec + "' (expected median:R, gaussian:SIGMA or bilateral:S,R)");
  }
  return d;
}

AnyVolume denoise(const AnyVolume& in, const DenoiseSpec& spec) {
  return in.visit([&](const auto& v) -> AnyVolume {
    using T = typename std::decay_t<decltype(v)>::value_type;
    VolumeView<const T> view = v.view();
    if (spec.filter == "median") return median_filter<T>(view, spec.median);
    if (spec.filter == "gaussian") return gaussian_filter<T>(view, spec.gaussian);
    if (spec.filter == "bilateral") return bilateral_filter<T>(view, spec.bilateral);
    throw InputError("unknown filter '" + spec.filter + "'");
  });
}

}  // namespace emorph
