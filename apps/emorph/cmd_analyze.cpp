// emorph analyze [INPUT] [--config FILE] [--demo]: the whole characterisation into a results folder;
// emorph init-config FILE: a commented example config.
#include <iostream>
#include <filesystem>
#include <memory>
#include <sstream>

#include "checks.hpp"
#include "command.hpp"
#include "streaming.hpp"
#include "common.hpp"
#include "emorph/memory_budget.hpp"
#include "emorph/atomic_file.hpp"
#include "emorph/error.hpp"
#include "emorph/parse.hpp"
#include "emorph/report/analyze.hpp"

namespace {

struct AnalyzeOptions {
  std::string input, config, voxel, out, preset, method, classes, phases, density;
  bool demo = false;
  int size = 0, axis = -1;
  int64_t seed = -1;
  emorph::LfpOptions lfp;
  std::vector<std::string> settings;
};

void run_analyze(const AnalyzeOptions& o) {
  emorph::AnalysisOverrides ov;
  ov.config = o.config;
  ov.input = o.input;
  ov.demo = o.demo;
  if (!o.voxel.empty()) ov.voxel = emorph::parse_spacing(o.voxel, "--voxel");
  ov.out_dir = o.out;
  ov.demo_preset = o.preset;
  if (o.size > 0) ov.demo_size = o.size;
  if (o.seed >= 0) ov.demo_seed = static_cast<uint64_t>(o.seed);
  if (o.axis >= 0) ov.axis = o.axis;
  ov.method = o.method;
  if (!o.classes.empty()) ov.classes = emorph::parse_name_list(o.classes, "--classes");
  ov.phases = o.phases;
  ov.density = o.density;
  ov.lfp = o.lfp;
  ov.settings = o.settings;
  const emorph::AnalysisConfig c = emorph::resolve_analysis_config(ov);
  // [resources] memory_limit applies unless --memory-limit was given.
  if (!c.memory_limit.empty() && emorph::memory_limit_is_default())
    emorph::set_memory_limit(emorph::parse_memory_size(c.memory_limit, "resources.memory_limit"));
  const emorph::AnalysisStreaming streaming = emorph::cli::analysis_streaming(c.input);
  const auto outcome = emorph::run_analysis(c, emorph::analysis_config_json(c), streaming);
  for (const auto& w : outcome.warnings) std::cerr << "emorph: warning: " << w << "\n";
  emorph::throw_if_steps_failed(outcome);
  std::cout << "results: " << outcome.out_dir << "/results.json\nreport:  " << outcome.out_dir << "/report.html\n";
}

// The defaults shown by --help, from AnalysisConfig itself so that the help cannot drift from them.
std::string joined(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ",") + n;
  return s.empty() ? "none" : s;
}

std::string default_steps() {
  const emorph::AnalysisConfig d;
  return "Default steps: fractions, thickness profiles, surfaces, granulometry of " + joined(d.granulometry) +
         ", particles of " + joined(d.particles) + ", tortuosity of " + joined(d.tortuosity) +
         " (phases the table lacks are skipped); change them with --config or --set measure.KEY=VALUE.";
}

void setup_analyze(CLI::App& app) {
  auto o = std::make_shared<AnalyzeOptions>();
  const emorph::AnalysisConfig defaults;
  auto* sub = app.add_subcommand("analyze", "Full characterisation of one sample: results.json, CSV, PNG and report.html");
  emorph::cli::declare_path(sub->add_option("input", o->input, "Grey or label volume (omit with --demo or a config that names it)"),
                            emorph::PathKind::input_volume, o->input);
  emorph::cli::declare_path(sub->add_option("--config", o->config, "TOML configuration (see emorph init-config)"),
                            emorph::PathKind::input_file, o->config);
  sub->add_flag("--demo", o->demo, "Analyse the built-in synthetic sample (no input needed)");
  sub->add_option("--voxel", o->voxel, "Voxel size in um: 0.32 or DZ,DY,DX (default: from the file)");
  emorph::cli::declare_path(sub->add_option("--out", o->out, "Results folder (default: emorph-results)"),
                            emorph::PathKind::output_folder, o->out);
  sub->add_option("--preset", o->preset, "Synthetic preset for --demo (A..K, default F)");
  sub->add_option("--size", o->size, "Synthetic volume size for --demo (default 128)")->check(CLI::Range(16, 4096));
  sub->add_option("--seed", o->seed, "Random seed for --demo (default 7)")->check(emorph::cli::non_negative());
  sub->add_option("--axis", o->axis, "Thickness axis (current collector at index 0; default " + std::to_string(defaults.axis) + ")")->check(CLI::Range(0, 2));
  sub->add_option("--method", o->method, "Threshold method for grey inputs: mixture:otsu-volume|mixture:otsu|mixture|otsu|minimum|intermodes|multiotsu:N|manual:T1,T2|fibsem (a raw FIB/SEM stack: destripe, flatten, align, then the phases present); default " +
                                             defaults.method + " after denoise " + defaults.denoise);
  sub->add_option("--classes", o->classes, "Phase of each grey class, darkest first, e.g. pore,LFP,NMC (default " + joined(defaults.classes) + ")");
  sub->add_option("--phases", o->phases, "Phase labels, e.g. pore=0,NMC=1,LFP=2,CBD=3");
  sub->add_option("--density", o->density, "Densities in g/cm3, e.g. NMC=4.75,LFP=3.57,CBD=1.8");
  sub->add_option("--lfp-calibration", o->lfp.calibration, "LFP calibration JSON (emorph calibrate --lfp-fraction): matrix grey -> LFP profile");
  sub->add_option("--lfp-mean", o->lfp.mean, "Electrode LFP volume fraction known from composition (0..1): self-calibrated LFP profile");
  sub->add_option("--pore-grey", o->lfp.pore_grey, "Grey of zero LFP (pores/air) for --lfp-mean (default: air above the electrode)");
  sub->add_option("--composition", o->lfp.composition, "Composition in wt%, e.g. NMC=44,LFP=44,PVdF=7.5,CB=4.5 (with --porosity)");
  sub->add_option("--porosity", o->lfp.porosity_percent, "Porosity in percent, for --composition");
  sub->add_option("--loading", o->lfp.loading_mg_per_cm2, "Areal loading mg/cm2, for --composition (instead of --porosity)");
  sub->add_option("--thickness", o->lfp.thickness_um, "Coating thickness um with --loading (default: the measured thickness)");
  sub->add_option("--bet", o->lfp.bet, "Powders' BET areas m2/g, e.g. NMC=0.28,LFP=18.3,CB=65: theoretical SSA in the report");
  sub->add_option("--set", o->settings,
                  "Set one key of the TOML configuration, SECTION.KEY=VALUE (repeatable), e.g. --set measure.tortuosity=[] "
                  "--set profile.window=3 --set measure.particles=[NMC,pore]; other options given here take precedence")
      ->allow_extra_args(false);
  sub->footer(default_steps());
  sub->callback([o] { run_analyze(*o); });

  auto path = std::make_shared<std::string>();
  auto* init = app.add_subcommand("init-config", "Write a commented example configuration for emorph analyze");
  emorph::cli::declare_path(init->add_option("path", *path, "Where to write the TOML file")->required(),
                            emorph::PathKind::output_file, *path);
  init->callback([path] {
    if (std::filesystem::exists(*path)) throw emorph::InputError(*path + ": already exists; not overwriting it");
    emorph::write_text_atomic(*path, emorph::example_analysis_config());
    std::cout << "wrote " << *path << "\n";
  });
}

}  // namespace

EMORPH_COMMAND(setup_analyze);
