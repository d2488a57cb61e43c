// Threshold method parsing and dispatch (mixture | otsu | minimum | intermodes | multiotsu:N | manual:T1,T2,...).
#include "emorph/segment/threshold.hpp"

#include <cmath>

#include "emorph/error.hpp"
#include "emorph/text.hpp"
#include "emorph/parse.hpp"
#include "emorph/segment/pv_mixture.hpp"

namespace emorph {

ThresholdResult threshold_manual(const std::vector<double>& thresholds) {
  require(!thresholds.empty(), "manual: at least one threshold is needed");
  for (std::size_t i = 0; i < thresholds.size(); ++i) {
    require(std::isfinite(thresholds[i]), "manual: thresholds must be finite numbers");
    require(i == 0 || thresholds[i] > thresholds[i - 1], "manual: thresholds must be strictly increasing");
  }
  ThresholdResult r;
  r.method = "manual";
  r.thresholds = thresholds;
  return r;
}

ThresholdMethod parse_threshold_method(const std::string& spec, const std::string& option) {
  const auto colon = spec.find(':');
  const std::string name = spec.substr(0, colon);
  const std::string arg = colon == std::string::npos ? "" : spec.substr(colon + 1);
  require(colon == std::string::npos || !arg.empty(),
          option + ": '" + printable(spec) + "' has an empty argument after ':' (e.g. multiotsu:3, manual:80,160)");
  ThresholdMethod m;
  m.name = name;
  if (name == "mixture") {
    require(arg.empty() || arg == "fraction" || arg == "posterior" || arg == "otsu" || arg == "otsu-volume",
            option + ": mixture takes fraction, posterior, otsu or otsu-volume, got '" + arg + "'");
    m.rule = arg;
  } else if (name == "otsu" || name == "minimum" || name == "intermodes") {
    require(arg.empty(), option + ": method '" + name + "' takes no argument");
  } else if (name == "multiotsu") {
    m.classes = arg.empty() ? 3 : static_cast<int>(parse_int(arg, option));
    require(m.classes >= 2 && m.classes <= 32, option + ": multiotsu needs 2..32 classes, got '" + arg + "'");
  } else if (name == "manual") {
    require(!arg.empty(), option + ": manual needs thresholds, e.g. manual:80,160");
    m.manual = parse_double_list(arg, option);
    threshold_manual(m.manual);
  } else {
    throw InputError(option + ": unknown method '" + spec +
                     "' (expected mixture, otsu, minimum, intermodes, multiotsu:N or manual:T1,T2,...)");
  }
  return m;
}

ThresholdResult compute_threshold(const Histogram& h, const ThresholdMethod& m) {
  if (m.name == "mixture") {
    PvMixtureParams p;
    if (!m.rule.empty()) p.rule = m.rule;
    return threshold_pv_mixture(h, p).threshold;
  }
  if (m.name == "otsu") return threshold_otsu(h);
  if (m.name == "minimum") return threshold_minimum(h);
  if (m.name == "intermodes") return threshold_intermodes(h);
  if (m.name == "multiotsu") return threshold_multiotsu(h, m.classes);
  if (m.name == "manual") {
    ThresholdResult r = threshold_manual(m.manual);
    r.histogram.assign(h.counts.begin(), h.counts.end());
    r.bin_centers = h.centers();
    return r;
  }
  throw InputError("unknown threshold method '" + m.name + "'");
}

}  // namespace emorph
