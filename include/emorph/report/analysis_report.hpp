#pragma once
// report.html of `emorph analyze`, rendered from the results JSON (so it can be re-rendered later).
#include <optional>
#include <string>

#include "emorph/phase_table.hpp"
#include "emorph/result.hpp"
#include "emorph/segment/threshold.hpp"

namespace emorph {

struct AnalysisReportInputs {
  const Json& results;                        // the "results" object of results.json
  const PhaseTable& table;
  std::string out_dir;                        // where slice PNGs referenced by results live
  const std::optional<ThresholdResult>& threshold;  // histogram and thresholds, for grey inputs
};

void write_analysis_report(const std::string& path, const AnalysisReportInputs& in);

}  // namespace emorph
