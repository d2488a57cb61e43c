// Report sections of the chords / correlation / rev steps: per phase one plot with the three axes.
#include <array>
#include <cmath>

#include "emorph/report/html_report.hpp"
#include "emorph/report/statistics_step.hpp"
#include "emorph/report/svg_plot.hpp"

namespace emorph {

namespace {

const std::array<std::string, 3> kAxisNames = {"axis 0 (z)", "axis 1 (y)", "axis 2 (x)"};
const std::array<std::string, 3> kAxisColours = {"#1f77b4", "#d62728", "#2ca02c"};

std::vector<double> doubles(const Json& a) {
  std::vector<double> v;
  for (const auto& x : a) v.push_back(x.is_number() ? x.get<double>() : std::nan(""));
  return v;
}

std::string fixed(const Json& v, int digits = 4) {
  if (!v.is_number()) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v.get<double>());
  return buf;
}

void chords_section(HtmlReport& r, const Json& all) {
  r.heading("Chord-length distributions per axis (chords touching the border left out)");
  r.begin_grid();
  std::vector<std::vector<std::string>> rows;
  for (const auto& [name, c] : all.items()) {
    PlotSpec p;
    p.title = name + ": chord lengths";
    p.x_label = "chord length (um)";
    p.y_label = "number fraction";
    p.width = 440;
    std::vector<std::string> row{name};
    for (int a = 0; a < 3; ++a) {
      const Json& ax = c["axes"][a];
      p.series.push_back({kAxisNames[a], doubles(ax["chord_um"]), doubles(ax["frequency"]), kAxisColours[a], false, false, false});
      row.push_back(fixed(ax["mean_chord_um"]));
    }
    r.raw_html(render_svg(p));
    rows.push_back(row);
  }
  r.end_grid();
  r.table({"phase", "mean chord z (um)", "mean chord y (um)", "mean chord x (um)"}, rows,
          "Number-weighted mean chord length along each axis");
}

void correlation_section(HtmlReport& r, const Json& all) {
  r.heading("Two-point correlation S2(r) per axis");
  r.begin_grid();
  for (const auto& [name, c] : all.items()) {
    PlotSpec p;
    p.title = name + ": S2(r) (dashed: phi^2)";
    p.x_label = "r (um)";
    p.y_label = "S2";
    p.width = 440;
    double r_max = 0;
    for (int a = 0; a < 3; ++a) {
      const Json& ax = c["axes"][a];
      const auto x = doubles(ax["r_um"]);
      if (!x.empty()) r_max = std::max(r_max, x.back());
      p.series.push_back({kAxisNames[a], x, doubles(ax["s2"]), kAxisColours[a], false, false, false});
    }
    const double phi = c["volume_fraction"].get<double>();
    p.series.push_back({"phi^2", {0.0, r_max}, {phi * phi, phi * phi}, "#333333", false, true, false});
    r.raw_html(render_svg(p));
  }
  r.end_grid();
}

void rev_section(HtmlReport& r, const Json& all) {
  r.heading("Representative volume: spread of the volume fraction over subvolumes");
  r.begin_grid();
  std::vector<std::vector<std::string>> rows;
  for (const auto& [name, v] : all.items()) {
    PlotSpec p;
    p.title = name + ": std of the fraction over cubes";
    p.x_label = "cube edge (um)";
    p.y_label = "standard deviation";
    p.width = 440;
    p.log_x = true;
    p.series.push_back({"measured", doubles(v["sizes_um"]), doubles(v["std_fraction"]), "#1f77b4", false, false, true});
    // The fitted law sqrt(phi (1 - phi) A3 / V) over the same sizes.
    if (v["integral_range_um3"].is_number()) {
      const double phi = v["volume_fraction"].get<double>(), a3 = v["integral_range_um3"].get<double>();
      std::vector<double> law;
      for (const auto& vol : v["volumes_um3"]) law.push_back(std::sqrt(phi * (1 - phi) * a3 / vol.get<double>()));
      p.series.push_back({"phi(1-phi) A3 / V", doubles(v["sizes_um"]), law, "#333333", false, true, false});
    }
    r.raw_html(render_svg(p));
    rows.push_back({name, fixed(v["volume_fraction"]), fixed(v["volume_fraction_std"], 2), fixed(v["integral_range_um3"], 3),
                    fixed(Json(v["integral_range_um3"].is_number() ? std::cbrt(v["integral_range_um3"].get<double>()) : NAN), 3)});
  }
  r.end_grid();
  r.table({"phase", "volume fraction", "std at this volume", "integral range (um3)", "A3^(1/3) (um)"}, rows,
          "Error bar of each measured fraction at the analysed volume's size: sqrt(phi (1 - phi) A3 / V)");
}

}  // namespace

void statistics_sections(HtmlReport& report, const Json& results) {
  if (results.contains("chords") && !results["chords"].empty()) chords_section(report, results["chords"]);
  if (results.contains("correlation") && !results["correlation"].empty()) correlation_section(report, results["correlation"]);
  if (results.contains("rev") && !results["rev"].empty()) rev_section(report, results["rev"]);
}

}  // namespace emorph
