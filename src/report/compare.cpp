// Cross-sample tables (Etiemble et al. 2017, Table 1 layout) from results.json files of `emorph analyze`.
#include "emorph/report/compare.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include "emorph/error.hpp"
#include "emorph/report/html_report.hpp"
#include "emorph/report/svg_plot.hpp"

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

Json at_path(const Json& j, std::initializer_list<const char*> keys) {
  const Json* cur = &j;
  for (const char* k : keys) {
    if (!cur->is_object() || !cur->contains(k)) return nullptr;
    cur = &(*cur)[k];
  }
  return *cur;
}

std::string cell(const Json& v, double scale = 1.0) {
  if (!v.is_number()) return "";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.6g", scale * v.get<double>());
  return buf;
}

std::vector<double> doubles(const Json& a) {
  std::vector<double> v;
  if (a.is_array())
    for (const auto& x : a) v.push_back(x.is_number() ? x.get<double>() : std::nan(""));
  return v;
}

}  // namespace

Json compare_analyses(const CompareParams& params) {
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
  }
  std::error_code ec;
  fs::create_directories(params.out_dir, ec);
  require(fs::is_directory(params.out_dir), params.out_dir + ": cannot create the output folder");

  std::vector<std::string> header = {"sample", "thickness_um"};
  for (const auto& ph : phases) header.push_back(ph + "_vol_percent");
  for (const auto& ph : phases)
    for (const char* k : {"_bulk_mean_vol_percent", "_rsd_percent", "_slope_vol_percent_per_um", "_slope_relative_percent_per_um"})
      header.push_back(ph + k);
  header.insert(header.end(), {"NMC_d50_um", "pore_tau", "truth_NMC_vol_percent", "truth_NMC_bulk_slope_vol_percent_per_um"});

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
    const Json t_nmc = at_path(r, {"truth", "phases", "NMC", "volume_fraction"});
    const Json t_slope = at_path(r, {"truth", "gradients", "nmc_realised_bulk_slope_per_um"});
    row.insert(row.end(), {cell(d50), cell(tau), cell(t_nmc, 100), cell(t_slope, 100)});
    entry.update({{"NMC_d50_um", d50}, {"pore_tau", tau}, {"truth_NMC_volume_fraction", t_nmc},
                  {"truth_NMC_bulk_slope_per_um", t_slope}});
    rows.push_back(row);
    table.push_back(entry);
  }
  const fs::path out = params.out_dir;
  write_csv((out / "table.csv").string(), header, rows);
  write_json((out / "compare.json").string(), {{"samples", table}, {"results", params.results}});

  HtmlReport rep("emorph comparison of " + std::to_string(all.size()) + " samples");
  rep.table(header, rows, "Table 1 layout: fractions in vol%, bulk statistics of each phase's thickness profile");
  for (const auto& ph : phases) {
    PlotSpec p;
    p.title = ph + " fraction through the thickness";
    p.x_label = "position (um, collector at 0)";
    p.y_label = "volume fraction";
    p.width = 700;
    for (std::size_t i = 0; i < all.size(); ++i) {
      const Json pr = at_path(all[i], {"profiles", "phases", ph.c_str()});
      if (!pr.is_null()) p.series.push_back({names[i], doubles(pr["position_um"]), doubles(pr["fraction"]), "", false, false, false});
    }
    if (!p.series.empty()) rep.raw_html(render_svg(p));
  }
  PlotSpec g;
  g.title = "NMC size distributions (volume-weighted)";
  g.x_label = "equivalent diameter (um)";
  g.y_label = "volume fraction per bin";
  g.width = 700;
  g.log_x = true;
  for (std::size_t i = 0; i < all.size(); ++i) {
    const Json p = at_path(all[i], {"particles", "NMC"});
    if (p.is_null()) continue;
    const auto e = doubles(p["bin_edges_um"]);
    std::vector<double> c;
    for (std::size_t k = 0; k + 1 < e.size(); ++k) c.push_back(std::sqrt(e[k] * e[k + 1]));
    g.series.push_back({names[i], c, doubles(p["volume_fraction"]), "", false, false, true});
  }
  if (!g.series.empty()) rep.raw_html(render_svg(g));
  rep.write((out / "report.html").string());
  return table;
}

}  // namespace emorph
