// Cross-sample tables (Etiemble et al. 2017, Table 1 layout) from results.json files of `emorph analyze`.
#include "emorph/report/compare.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include "emorph/error.hpp"
#include "emorph/report/compare_extras.hpp"
#include "emorph/report/compare_table.hpp"
#include "emorph/report/html_report.hpp"
#include "emorph/report/svg_plot.hpp"
#include "report_numbers.hpp"

namespace fs = std::filesystem;

namespace emorph {
namespace {

Json load_results(const std::string& path, std::string& name) {
  fs::path p = path;
  if (fs::is_directory(p)) p /= "results.json";
  std::ifstream f(p);
  if (!f) throw InputError(p.string() + ": cannot open (expected a results folder or results.json of emorph analyze)");
  Json j;
  try {
    f >> j;
  } catch (const std::exception& e) {
    throw InputError(p.string() + ": not valid JSON (" + e.what() + ")");
  }
  if (!j.is_object() || j.value("command", "") != "analyze" || !j.contains("results"))
    throw InputError(p.string() + ": not a results.json written by emorph analyze");
  if (name.empty()) name = p.parent_path().filename().string();
  return j["results"];
}

using report_numbers::at_path;

std::string cell(const Json& v, double scale = 1.0) {
  if (!v.is_number()) return "";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.6g", scale * v.get<double>());
  return buf;
}

std::string report_percent(double fraction) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", 100 * fraction);
  return buf;
}

std::vector<double> doubles(const Json& a) {
  std::vector<double> v;
  if (a.is_array())
    for (const auto& x : a) v.push_back(x.is_number() ? x.get<double>() : std::nan(""));
  return v;
}

// Why a sample's row would be (partly) blank: failed analyze steps, or no fractions at all.
std::vector<std::string> unusable_parts(const Json& r, const std::string& name, bool& usable) {
  std::vector<std::string> w;
  const Json& failed = at_path(r, {"failed_steps"});
  if (failed.is_array() && !failed.empty()) {
    std::string steps;
    for (const auto& f : failed)
      steps += (steps.empty() ? "" : "; ") + f.value("step", std::string("?")) + ": " + f.value("error", std::string(""));
    w.push_back(name + ": its analysis failed (" + steps + "); the missing figures are blank");
  }
  const Json& fractions = at_path(r, {"fractions", "phases"});
  usable = fractions.is_object() && !fractions.empty();
  if (!usable) w.push_back(name + ": no phase fractions in its results; its row is blank");
  return w;
}

}  // namespace

Json compare_analyses(const CompareParams& params, std::vector<std::string>* warnings_out) {
  require(!params.results.empty(), "compare: give at least one results folder");
  require(params.names.empty() || params.names.size() == params.results.size(),
          "--names: give one name per results folder (" + std::to_string(params.results.size()) + ")");
  std::vector<Json> all;
  std::vector<std::string> names;
  std::set<std::string> phases;
  for (std::size_t i = 0; i < params.results.size(); ++i) {
    std::string name = params.names.empty() ? "" : params.names[i];
    all.push_back(load_results(params.results[i], name));
    names.push_back(name);
    for (const auto& [ph, _] : at_path(all.back(), {"fractions", "phases"}).items()) phases.insert(ph);
    // LFP measured from grey levels is a profile without a segmented phase.
    for (const auto& [ph, _] : at_path(all.back(), {"profiles", "phases"}).items()) phases.insert(ph);
  }
  std::vector<std::string> warnings;
  std::size_t usable = 0;
  for (std::size_t i = 0; i < all.size(); ++i) {
    bool ok = false;
    for (auto& w : unusable_parts(all[i], params.results[i], ok)) warnings.push_back(std::move(w));
    usable += ok;
  }
  for (auto& w : partial_input_warnings(all, names)) warnings.push_back(std::move(w));
  if (usable == 0) {
    std::string why;
    for (const auto& w : warnings) why += "\n  " + w;
    throw InputError("compare: none of the results holds usable figures:" + why);
  }
  if (warnings_out) *warnings_out = warnings;
  std::error_code ec;
  fs::create_directories(params.out_dir, ec);
  require(fs::is_directory(params.out_dir), params.out_dir + ": cannot create the output folder");

  std::vector<std::string> header = {"sample", "thickness_um"};
  for (const auto& ph : phases) header.push_back(ph + "_vol_percent");
  for (const auto& ph : phases)
    for (const char* k : {"_bulk_mean_vol_percent", "_rsd_percent", "_slope_vol_percent_per_um", "_slope_relative_percent_per_um"})
      header.push_back(ph + k);
  header.insert(header.end(), {"NMC_d50_um", "pore_tau"});
  // Synthetic samples carry their truth measured on the same bulk window (analyze --demo).
  std::set<std::string> truth_phases;
  for (const auto& r : all)
    for (const auto& [ph, _] : at_path(r, {"truth", "bulk_profiles"}).items())
      if (phases.count(ph)) truth_phases.insert(ph);
  for (const auto& ph : truth_phases)
    for (const char* k : {"_vol_percent", "_bulk_mean_vol_percent", "_slope_vol_percent_per_um"})
      header.push_back("truth_" + ph + k);
  // Extensions (issue 17): the NMC size spread, each phase's surfaces.
  header.insert(header.end(), {"NMC_d10_um", "NMC_d90_um"});
  for (const auto& ph : phases)
    for (const char* k : {"_specific_surface_per_um", "_specific_surface_m2_per_g"}) header.push_back(ph + k);

  Json table = Json::array();
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = 0; i < all.size(); ++i) {
    const Json& r = all[i];
    std::vector<std::string> row = {names[i], cell(at_path(r, {"sample", "thickness_um"}))};
    Json entry = {{"sample", names[i]}, {"thickness_um", at_path(r, {"sample", "thickness_um"})}};
    for (const auto& ph : phases) {
      const Json v = at_path(r, {"fractions", "phases", ph.c_str(), "volume_fraction"});
      row.push_back(cell(v, 100));
      entry["phases"][ph]["volume_fraction"] = v;
    }
    for (const auto& ph : phases) {
      const Json p = at_path(r, {"profiles", "phases", ph.c_str()});
      const Json mean = at_path(p, {"mean_fraction"}), rsd = at_path(p, {"rsd_percent"}),
                 slope = at_path(p, {"slope_per_um"}), rel = at_path(p, {"slope_relative_percent_per_um"});
      row.insert(row.end(), {cell(mean, 100), cell(rsd), cell(slope, 100), cell(rel)});
      entry["phases"][ph].update({{"mean_fraction", mean}, {"rsd_percent", rsd}, {"slope_per_um", slope},
                                  {"slope_relative_percent_per_um", rel}});
    }
    const Json d50 = at_path(r, {"particles", "NMC", "d50_um"}), tau = at_path(r, {"tortuosity", "pore", "tau"});
    row.insert(row.end(), {cell(d50), cell(tau)});
    entry.update({{"NMC_d50_um", d50}, {"pore_tau", tau}});
    for (const auto& ph : truth_phases) {
      const Json t = at_path(r, {"truth", "bulk_profiles", ph.c_str()});
      const Json vf = at_path(t, {"volume_fraction"}), mean = at_path(t, {"mean_fraction"}), slope = at_path(t, {"slope_per_um"});
      row.insert(row.end(), {cell(vf, 100), cell(mean, 100), cell(slope, 100)});
      if (!t.is_null()) entry["truth"][ph] = {{"volume_fraction", vf}, {"mean_fraction", mean}, {"slope_per_um", slope}};
    }
    const Json d10 = at_path(r, {"particles", "NMC", "d10_um"}), d90 = at_path(r, {"particles", "NMC", "d90_um"});
    row.insert(row.end(), {cell(d10), cell(d90)});
    entry.update({{"NMC_d10_um", d10}, {"NMC_d90_um", d90}});
    for (const auto& ph : phases) {
      const Json per_um = at_path(r, {"surface", "phases", ph.c_str(), "specific_surface_per_um"}),
                 per_g = at_path(r, {"surface", "phases", ph.c_str(), "specific_surface_m2_per_g"});
      row.insert(row.end(), {cell(per_um), cell(per_g)});
      entry["phases"][ph].update({{"specific_surface_per_um", per_um}, {"specific_surface_m2_per_g", per_g}});
    }
    rows.push_back(row);
    table.push_back(entry);
  }
  const fs::path out = params.out_dir;
  write_csv((out / "table.csv").string(), header, rows);
  write_json((out / "compare.json").string(), {{"samples", table}, {"results", params.results}, {"warnings", warnings}});

  HtmlReport rep("emorph comparison of " + std::to_string(all.size()) + " samples");
  for (const auto& w : warnings) rep.warning("Warning: " + w);
  readable_compare_table(rep, all, names, phases);
  for (const auto& ph : phases) {
    if (!is_electrode_phase(ph)) continue;
    PlotSpec p;
    p.title = ph + " fraction through the thickness";
    p.x_label = "position (um, collector at 0)";
    p.y_label = "volume fraction";
    p.width = 700;
    for (std::size_t i = 0; i < all.size(); ++i) {
      const Json pr = at_path(all[i], {"profiles", "phases", ph.c_str()});
      if (!pr.is_null())
        p.series.push_back({names[i], doubles(pr["position_um"]), doubles(pr["fraction"]), sample_colour(i), false, false, false});
    }
    if (!p.series.empty()) rep.raw_html(render_svg(p));
  }
  // Multiscale: an XCT result (NMC particles) next to a FIB/SEM result (LFP, CB+PVdF, pores) of the
  // same sample shows each phase's sizes at the scale that resolves it, and the matrix around NMC
  // (everything but NMC) at both scales.
  std::set<std::string> sized;
  for (const auto& r : all) {
    for (const auto& [ph, _] : at_path(r, {"particles"}).items()) sized.insert(ph);
    for (const auto& [ph, _] : at_path(r, {"granulometry"}).items()) sized.insert(ph);
  }
  for (const auto& ph : sized) {
    PlotSpec g;
    g.title = ph + " size distributions (volume-weighted)";
    g.x_label = "diameter (um): particles = equivalent sphere (solid), granulometry = opening size 2r (dashed)";
    g.y_label = "cumulative volume fraction";
    g.width = 700;
    g.log_x = true;
    for (std::size_t i = 0; i < all.size(); ++i) {
      const Json p = at_path(all[i], {"particles", ph.c_str()});
      if (!p.is_null()) {
        const auto e = doubles(p["bin_edges_um"]), f = doubles(p["volume_fraction"]);
        std::vector<double> x, c;
        double acc = 0;
        for (std::size_t k = 0; k + 1 < e.size() && k < f.size(); ++k) x.push_back(e[k + 1]), c.push_back(acc += f[k]);
        g.series.push_back({names[i] + " particles", x, c, sample_colour(i), false, false, false});
      }
      const Json gr = at_path(all[i], {"granulometry", ph.c_str()});
      if (!gr.is_null()) {
        std::vector<double> d = doubles(gr["radius_um"]);
        for (double& v : d) v *= 2;
        g.series.push_back({names[i] + " granulometry", d, doubles(gr["cumulative_fraction"]), sample_colour(i), false, true, false});
      }
    }
    if (!g.series.empty()) rep.raw_html(render_svg(g));
  }
  // The matrix is the electrode's volume around NMC: fractions of the electrode region (the collector
  // and air outside it are not matrix), so its shares add up to 100 %.
  std::vector<std::string> matrix_header = {"sample", "matrix_vol_percent_of_electrode"};
  std::vector<std::string> matrix_html_header = {"sample", "matrix (vol% of electrode)"};
  for (const auto& ph : phases)
    if (ph != "NMC" && is_electrode_phase(ph)) {
      matrix_header.push_back(ph + "_percent_of_matrix");
      matrix_html_header.push_back(ph + " (% of matrix)");
    }
  auto electrode_fraction = [](const Json& f) {
    const Json& e = at_path(f, {"electrode_volume_fraction"});
    return e.is_number() ? e : at_path(f, {"volume_fraction"});
  };
  std::vector<std::vector<std::string>> matrix_rows, matrix_html_rows;
  for (std::size_t i = 0; i < all.size(); ++i) {
    const Json nmc = electrode_fraction(at_path(all[i], {"fractions", "phases", "NMC"}));
    const double rest = 1.0 - (nmc.is_number() ? nmc.get<double>() : 0.0);
    std::vector<std::string> row = {names[i], cell(Json(rest), 100)};
    std::vector<std::string> html_row = {names[i], rest > 0 ? report_percent(rest) : "–"};
    for (const auto& ph : phases) {
      if (ph == "NMC" || !is_electrode_phase(ph)) continue;
      const Json v = electrode_fraction(at_path(all[i], {"fractions", "phases", ph.c_str()}));
      const bool ok = rest > 0 && v.is_number();
      row.push_back(ok ? cell(Json(v.get<double>() / rest), 100) : "");
      html_row.push_back(ok ? report_percent(v.get<double>() / rest) : "–");
    }
    matrix_rows.push_back(row);
    matrix_html_rows.push_back(html_row);
  }
  rep.table(matrix_html_header, matrix_html_rows,
            "Matrix composition: the phases around NMC as a share of the electrode's non-NMC volume (XCT sees one unresolved "
            "matrix, FIB/SEM resolves it into pores, LFP and CB+PVdF)");
  write_csv((out / "matrix_composition.csv").string(), matrix_header, matrix_rows);
  compare_composition_and_scales(rep, all, names, out.string());
  rep.write((out / "report.html").string());
  return table;
}

}  // namespace emorph
