// Ratios of phase volume fractions, as in Etiemble et al. 2017, Table 2.
#include "emorph/measure/phase_ratios.hpp"

#include <limits>
#include <sstream>

#include "emorph/error.hpp"
#include "emorph/parse.hpp"

namespace emorph {

std::vector<PhaseRatio> phase_ratios(const PhaseFractions& fractions, const PhaseTable& table, const std::string& spec,
                                     const std::string& option) {
  std::vector<std::pair<std::string, std::string>> pairs;
  if (spec.empty()) {
    auto present = [&](const std::string& name) {
      const Phase* p = table.find(name);
      return p && fractions.count(p->label) > 0;
    };
    for (const auto& p : table.phases()) {
      if (p.name == "pore" || p.name == "collector" || fractions.count(p.label) == 0) continue;
      if (present("pore")) pairs.emplace_back(p.name, "pore");
      if (p.name != "CBD" && present("CBD")) pairs.emplace_back(p.name, "CBD");
    }
  } else {
    require_unique_names(split_list(spec, option), option);
    for (const std::string& item : split_list(spec, option)) {
      const auto slash = item.find('/');
      require(slash != std::string::npos && slash > 0 && slash + 1 < item.size(),
              option + ": expected NUM/DEN pairs such as LFP/pore, got '" + item + "'");
      pairs.emplace_back(item.substr(0, slash), item.substr(slash + 1));
    }
  }
  std::vector<PhaseRatio> out;
  for (const auto& [num, den] : pairs) {
    const Phase& n = table.at(num, option);
    const Phase& d = table.at(den, option);
    PhaseRatio r;
    r.name = num + "/" + den;
    r.numerator = num;
    r.denominator = den;
    r.ratio = fractions.count(d.label) > 0
                  ? static_cast<double>(fractions.count(n.label)) / static_cast<double>(fractions.count(d.label))
                  : std::numeric_limits<double>::quiet_NaN();
    out.push_back(r);
  }
  return out;
}

}  // namespace emorph
