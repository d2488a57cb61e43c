#pragma once
// `emorph analyze`: the whole characterisation of one sample, from a raw volume (or the built-in
// synthetic sample) to a results folder: results.json, CSV tables, PNG slices, labels.tif, report.html.
#include <string>
#include <vector>

#include "emorph/report/analysis_config.hpp"
#include "emorph/result.hpp"

namespace emorph {

struct StepFailure {
  std::string step, error;
  bool input_error = false;  // bad input or option (exit 2) rather than an internal failure (exit 1)
};

struct AnalysisOutcome {
  std::string out_dir;
  Json results;  // the "results" object of results.json
  std::vector<StepFailure> failures;
};

// Runs every configured step in order; a failed step is recorded and the steps that do not depend on
// it still run. results.json and report.html are always written (atomically) with what completed.
AnalysisOutcome run_analysis(const AnalysisConfig& config, const Json& config_json);

Json analysis_config_json(const AnalysisConfig& config);

}  // namespace emorph
