#pragma once
// `emorph analyze`: the whole characterisation of one sample, from a raw volume (or the built-in
// synthetic sample) to a results folder: results.json, CSV tables, PNG slices, labels.tif, report.html.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "emorph/report/analysis_config.hpp"
#include "emorph/report/streamed_analysis.hpp"
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
  std::vector<std::string> warnings;  // for stderr / Python warnings (also in analyze.log)
};

// Runs every configured step in order into a staging folder beside config.out_dir, renamed into place
// only when every step succeeded. At the first failed step the run stops: the failure is recorded in
// `failures` and out_dir/analyze.log is all that is written (an earlier results folder keeps its files).
// With streaming.on the volume stays on disk and the steps stream (streamed_analysis.hpp).
AnalysisOutcome run_analysis(const AnalysisConfig& config, const Json& config_json, const AnalysisStreaming& streaming = {});
// The same on a volume in memory (a numpy array) instead of reading config.input, which then only names
// it (results.sample.source, parameters.input); config.voxel, when set, is its voxel size.
AnalysisOutcome run_analysis(const AnalysisConfig& config, const Json& config_json, AnyVolume volume);

Json analysis_config_json(const AnalysisConfig& config);

// What a command line or a Python call sets on top of the config file (or the defaults); members left
// empty keep the file's value. Shared by the CLI and the bindings so both resolve alike.
struct AnalysisOverrides {
  std::string config;  // TOML path, empty: defaults
  std::string input, out_dir, demo_preset, method, phases, density;
  std::optional<Spacing> voxel;  // with demo: the demo's voxel size
  std::vector<std::string> classes;
  bool demo = false;
  std::optional<int> demo_size, axis;
  std::optional<uint64_t> demo_seed;
  LfpOptions lfp;  // set members replace the config's [lfp] values
  std::vector<std::string> settings;  // "SECTION.KEY=VALUE" (--set): replace the config file's keys
};

// Reads the config and applies the overrides; InputError for an input together with demo, or neither.
AnalysisConfig resolve_analysis_config(const AnalysisOverrides& overrides);

// Throws InputError (exit 2) when a step failed: a failed analysis is a result about its input, whatever
// the step's error type; the message names the failed step and the log.
void throw_if_steps_failed(const AnalysisOutcome& outcome);

}  // namespace emorph
