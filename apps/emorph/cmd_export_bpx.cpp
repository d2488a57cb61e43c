// emorph export-bpx RESULTS_DIR --out FILE: the microstructure fields of a BPX (Battery Parameter
// eXchange) electrode from an analysis, merged into a template when given, plus a PyBaMM-ready table
// of porosity, active fractions and particle radius through the thickness. RESULTS_DIR is only read.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "command.hpp"
#include "common.hpp"
#include "emorph/atomic_file.hpp"
#include "emorph/report/export_bpx_options.hpp"
#include "param_options.hpp"

namespace fs = std::filesystem;

namespace {

using emorph::Json;

struct ExportBpxOptions {
  std::string results_dir, out, template_path, csv;
  emorph::ExportBpxOptions params;  // the options of the parameter table
  emorph::cli::OutputOptions report;
};

Json read_json_file(const std::string& path, const std::string& option) {
  std::ifstream in(path);
  if (!in) throw emorph::InputError(option + ": cannot read " + path);
  try {
    return Json::parse(in);
  } catch (const std::exception& e) {
    throw emorph::InputError(option + ": " + path + " is not valid JSON (" + e.what() + ")");
  }
}

// True when path lies inside dir (the results folder is input: nothing is written there).
bool inside(const std::string& path, const std::string& dir) {
  std::error_code ec;
  const fs::path d = fs::weakly_canonical(fs::absolute(dir), ec), p = fs::weakly_canonical(fs::absolute(path), ec);
  const fs::path rel = p.lexically_relative(d);
  return !rel.empty() && *rel.begin() != "..";
}

void run_export_bpx(const ExportBpxOptions& o) {
  const fs::path results_json = fs::path(o.results_dir) / "results.json";
  if (!fs::is_regular_file(results_json))
    throw emorph::InputError(o.results_dir + ": no results.json (run emorph analyze INPUT --out " + o.results_dir + ")");
  const std::string csv = o.csv.empty() ? (fs::path(o.out).replace_extension("").string() + "_profile.csv") : o.csv;
  for (const std::string* path : {&o.out, &csv, &o.report.json})
    if (!path->empty() && inside(*path, o.results_dir))
      throw emorph::InputError(*path + ": inside RESULTS_DIR " + o.results_dir +
                               " (the results folder is input; write elsewhere)");

  emorph::ExportBpxParams p = emorph::export_bpx_params(o.params);
  if (!o.template_path.empty()) {
    p.bpx_template = read_json_file(o.template_path, "--template");
    emorph::validate_bpx(*p.bpx_template, "--template " + o.template_path);
  }
  const auto r = emorph::export_bpx(read_json_file(results_json.string(), "RESULTS_DIR"), o.results_dir, p);
  for (const auto& note : r.notes) std::cerr << "emorph: note: " << note << "\n";

  std::vector<std::vector<std::string>> rows;
  for (const auto& row : r.csv_rows) {
    std::vector<std::string> cells;
    for (double v : row) cells.push_back(Json(v).dump());
    rows.push_back(std::move(cells));
  }
  emorph::write_csv(csv, r.csv_header, rows);
  emorph::write_json(o.out, r.bpx);

  Json materials = Json::object();
  for (const auto& m : r.materials)
    materials[m.name] = {{"volume_fraction", m.volume_fraction},
                         {"particle_radius_m", m.particle_radius_m},
                         {"surface_area_per_unit_volume_per_m", m.surface_area_per_volume_m}};
  const Json results = {{"bpx", o.out},
                        {"csv", csv},
                        {"electrode", o.params.electrode},
                        {"porosity", r.porosity},
                        {"tau_through_plane", r.tau},
                        {"transport_efficiency", r.transport_efficiency},
                        {"thickness_m", r.thickness_m},
                        {"materials", materials},
                        {"notes", r.notes}};
  Json params = emorph::params_json(o.params, emorph::export_bpx_param_table());
  params["results_dir"] = o.results_dir;
  params["template"] = o.template_path;
  emorph::cli::emit_results(o.report, "export-bpx", params, results_json.string(), results);
}

void setup_export_bpx(CLI::App& app) {
  auto o = std::make_shared<ExportBpxOptions>();
  auto* sub = app.add_subcommand("export-bpx", "Export an analysis to BPX (Battery Parameter eXchange) and a PyBaMM table");
  // Declared paths: no output over an input or another output, all outputs committed together.
  emorph::cli::declare_path(sub->add_option("RESULTS_DIR", o->results_dir, "Results folder of emorph analyze (read only)")->required(),
                            emorph::PathKind::input_folder, o->results_dir);
  emorph::cli::declare_path(sub->add_option("--out", o->out, "BPX JSON file to write")->required(),
                            emorph::PathKind::output_file, o->out);
  emorph::cli::declare_path(
      sub->add_option("--template", o->template_path, "BPX document whose other fields are kept (electrochemistry)"),
      emorph::PathKind::input_file, o->template_path);
  emorph::cli::add_param_options(sub, o->params, emorph::export_bpx_param_table());
  emorph::cli::declare_path(
      sub->add_option("--csv", o->csv, "Through-thickness table (default: FILE without extension + _profile.csv)"),
      emorph::PathKind::output_file, o->csv);
  emorph::cli::add_json_option(sub, o->report);
  sub->callback([o] { run_export_bpx(*o); });
}

}  // namespace

EMORPH_COMMAND(setup_export_bpx);
