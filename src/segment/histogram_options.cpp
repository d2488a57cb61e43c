// The parameter table of `emorph histogram` and the library parameters it gives (see histogram_options.hpp).
#include "emorph/segment/histogram_options.hpp"

#include "emorph/error.hpp"
#include "emorph/parse.hpp"

namespace emorph {

namespace {

const ParamTable<HistogramOptions> kHistogramTable = {
    {"bins", &HistogramOptions::bins, "", "Bins (0: one per grey value up to 256 values, else 256)"},
    {"range", &HistogramOptions::range, "", "Grey range LO,HI (default: data min..max)"},
    {"mark", &HistogramOptions::mark, "", "Method whose thresholds the plot marks", "", "none", false},
};

}  // namespace

const ParamTable<HistogramOptions>& histogram_param_table() { return kHistogramTable; }

const std::vector<std::string>& histogram_threshold_methods() {
  static const std::vector<std::string> methods = {"minimum", "intermodes", "otsu", "multiotsu:3"};
  return methods;
}

void set_histogram_range(HistogramParams& params, const std::vector<double>& range) {
  if (range.empty()) return;
  require(range.size() == 2 && range[0] < range[1], "--range: expected LO,HI with LO < HI");
  params.range_min = range[0];
  params.range_max = range[1];
}

HistogramParams histogram_params(const HistogramOptions& options) {
  HistogramParams p;
  p.bins = options.bins;
  if (!options.range.empty()) set_histogram_range(p, parse_double_list(options.range, "--range"));
  return p;
}

}  // namespace emorph
