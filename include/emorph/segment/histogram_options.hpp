#pragma once
// The options of `emorph histogram` (and emorph.histogram's bins and range) declared once (param_table.hpp):
// the table drives the CLI options, the JSON echo of `parameters`, the Python docstring and docs/parameters.md.
// The paths (--mask, --png) stay with the CLI, as other commands' paths do. `range` is kept as the CLI
// spells it: `parameters` echoes it as typed (CONTRACT.md), and it is read when the command runs, after
// --help and the input's checks; emorph.histogram also takes (lo, hi).
#include <string>
#include <vector>

#include "emorph/param_table.hpp"
#include "emorph/segment/histogram.hpp"

namespace emorph {

struct HistogramOptions {
  int bins = HistogramParams{}.bins;
  std::string range;             // "LO,HI" as typed; empty: the data's min..max
  std::string mark = "minimum";  // CLI only: the method whose thresholds the PNG marks
};

// The methods whose thresholds `emorph histogram` reports (and --mark may name), in report order.
const std::vector<std::string>& histogram_threshold_methods();

// bins, range, mark (CLI only, not echoed).
const ParamTable<HistogramOptions>& histogram_param_table();

// Sets params' range from {LO, HI} (empty: unchanged); throws InputError naming --range otherwise.
void set_histogram_range(HistogramParams& params, const std::vector<double>& range);

// The library parameters the options set (range parsed); throws InputError naming --range.
HistogramParams histogram_params(const HistogramOptions& options);

}  // namespace emorph
