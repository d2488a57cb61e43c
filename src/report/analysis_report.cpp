// Lays out the analysis results like the paper's tables and figures: summary (Table 1), fractions,
// profiles with the bulk window and fitted slope (Fig. 6-7), size distributions (Fig. 5), surfaces.
#include "emorph/report/analysis_report.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "emorph/report/descriptor_steps.hpp"
#include "emorph/report/html_report.hpp"
#include "emorph/report/lfp_report.hpp"
#include "emorph/report/statistics_step.hpp"
#include "emorph/report/svg_plot.hpp"
#include "report_numbers.hpp"

namespace fs = std::filesystem;

namespace emorph {
namespace {

using report_numbers::num;

std::string pct(const Json& v) {
  if (!v.is_number()) return "–";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.2f", 100.0 * v.get<double>());
  return buf;
}

std::string colour_of(const PhaseTable& t, const std::string& name) {
  const Phase* p = t.find(name);
  return p ? p->colour : "";
}

std::vector<double> doubles(const Json& a) {
  std::vector<double> v;
  if (!a.is_array()) return v;
  for (const auto& x : a) v.push_back(x.is_number() ? x.get<double>() : std::nan(""));
  return v;
}

// "[36463.5, 41002]": a grey threshold needs no more than 6 significant digits to be reproduced.
std::string rounded_list(const Json& values) {
  if (!values.is_array()) return num(values, 6);
  std::string out = "[";
  for (const auto& v : values) {
    if (out.size() > 1) out += ", ";
    out += num(v, 6);
  }
  out += ']';
  return out;
}

void summary(HtmlReport& r, const Json& res) {
  const Json& s = res.value("sample", Json::object());
  std::vector<std::vector<std::string>> rows;
  if (s.contains("source")) rows.push_back({"source", s["source"].get<std::string>()});
  if (s.contains("preset")) rows.push_back({"synthetic preset / seed", s["preset"].get<std::string>() + " / " + s["seed"].dump()});
  if (s.contains("shape")) rows.push_back({"shape (z, y, x) voxels", s["shape"].dump()});
  if (s.contains("voxel_um")) rows.push_back({"voxel size (um)", s["voxel_um"].dump()});
  if (s.contains("kind")) rows.push_back({"input kind", s["kind"].get<std::string>()});
  if (s.contains("thickness_um")) rows.push_back({"electrode thickness (um)", num(s["thickness_um"])});
  if (res.contains("segmentation"))
    rows.push_back({"segmentation", res["segmentation"]["method"].get<std::string>() + ", thresholds " +
                                        rounded_list(res["segmentation"]["thresholds"])});
  r.table({"item", "value"}, rows, "Sample");
}

void fractions_table(HtmlReport& r, const Json& res) {
  if (!res.contains("fractions")) return;
  const Json& prof = res.value("profiles", Json::object());
  std::vector<std::vector<std::string>> rows;
  for (const auto& [name, f] : res["fractions"]["phases"].items()) {
    std::vector<std::string> row = {name, pct(f["volume_fraction"]), pct(f["electrode_volume_fraction"])};
    if (prof.contains("phases") && prof["phases"].contains(name)) {
      const Json& p = prof["phases"][name];
      row.push_back(pct(p["mean_fraction"]));
      row.push_back(report_numbers::band(p.value("mean_fraction_band", Json()), 100));
      row.push_back(num(p["rsd_percent"], 3));
      row.push_back(report_numbers::slope(p));
      row.push_back(report_numbers::slope_band(p));
      row.push_back(num(p["slope_relative_percent_per_um"], 3));
    }
    rows.push_back(row);
  }
  r.heading("Phase fractions and thickness profiles");
  r.table({"phase", "vol% (whole volume)", "vol% (electrode)", "bulk mean vol%", "bulk mean band vol%", "RSD %",
           "slope vol%/um ± SE", "slope band vol%/um", "slope %/um of mean"},
          rows, "Volume fractions; bulk statistics over the window shaded in the profile plot (SE: standard error of the "
                "least-squares slope; bands: the range the segmentation uncertainty allows)");
}

void profile_plot(HtmlReport& r, const Json& res, const PhaseTable& t) {
  if (!res.contains("profiles")) return;
  const Json& pr = res["profiles"];
  PlotSpec p;
  p.title = "Phase fraction through the thickness";
  p.x_label = "position along axis " + pr["axis"].dump() + " (um, collector at 0)";
  p.y_label = "volume fraction";
  p.width = 900;
  p.height = 380;
  const Json& bulk = pr["bulk"];
  p.bands.push_back({bulk["start_um"].get<double>(), bulk["end_um"].get<double>(), "bulk window"});
  for (const auto& [name, ph] : pr["phases"].items()) {
    PlotSeries s{name, doubles(ph["position_um"]), doubles(ph["fraction"]), colour_of(t, name), false, false, false};
    p.series.push_back(s);
    // The least-squares line over the bulk window, dashed.
    if (ph["slope_per_um"].is_number() && ph["mean_fraction"].is_number()) {
      const auto x = doubles(ph["position_um"]);
      const auto first = bulk["first_slice"].get<std::size_t>(), last = bulk["last_slice"].get<std::size_t>();
      double xm = 0;
      for (std::size_t i = first; i <= last; ++i) xm += x[i];
      xm /= static_cast<double>(last - first + 1);
      const double m = ph["mean_fraction"].get<double>(), b = ph["slope_per_um"].get<double>();
      p.series.push_back({"", {x[first], x[last]}, {m + b * (x[first] - xm), m + b * (x[last] - xm)}, colour_of(t, name),
                          false, true, false});
    }
  }
  r.raw_html(render_svg(p));
}

void grey_profile_plot(HtmlReport& r, const Json& res) {
  if (!res.contains("grey_profile")) return;
  const Json& g = res["grey_profile"];
  PlotSpec p;
  p.title = "Mean grey of the matrix around NMC (density profile, Beer-Lambert)";
  p.x_label = "position (um, collector at 0)";
  p.y_label = "mean grey";
  p.width = 900;
  p.series.push_back({"matrix (" + g["phases_averaged"].get<std::string>() + ")", doubles(g["position_um"]),
                      doubles(g["mean_grey"]), "#3d5a80", false, false, false});
  r.raw_html(render_svg(p));
  r.paragraph("Calibrate grey to density with emorph calibrate on samples of known composition (the paper's Figure S5).");
}

void histogram_plot(HtmlReport& r, const std::optional<ThresholdResult>& th) {
  if (!th || th->histogram.empty()) return;
  PlotSpec p;
  p.title = "Grey-level histogram (" + th->method + ")";
  p.x_label = "grey value";
  p.y_label = "voxels";
  p.width = 640;
  p.series.push_back({"histogram", th->bin_centers, th->histogram, "#4c78a8", true, false, false});
  for (std::size_t i = 0; i < th->thresholds.size(); ++i) p.markers.push_back({th->thresholds[i], "T" + std::to_string(i + 1)});
  r.heading("Segmentation");
  r.raw_html(render_svg(p));
}

void slices(HtmlReport& r, const Json& res, const std::string& dir) {
  if (!res.contains("slice_views")) return;
  r.heading("Orthogonal slices with phase overlay");
  r.begin_grid();
  const char* captions[3] = {"in-plane slice (axis 0, middle)", "section along the thickness (axis 1, middle)",
                             "section along the thickness (axis 2, middle)"};
  int k = 0;
  for (const auto& name : res["slice_views"]) {
    const std::string path = (fs::path(dir) / name.get<std::string>()).string();
    if (fs::exists(path)) r.png_file(path, captions[k % 3], 420);
    ++k;
  }
  r.end_grid();
}

void legend(HtmlReport& r, const PhaseTable& t) {
  std::string html = "<p>";
  for (const auto& p : t.phases())
    html += "<span style=\"display:inline-block;width:12px;height:12px;background:" + p.colour +
            ";margin:0 4px 0 12px;border:1px solid #999\"></span>" + html_escape(p.name);
  r.raw_html(html + "</p>");
}

void granulometry_plots(HtmlReport& r, const Json& res, const PhaseTable& t) {
  if (!res.contains("granulometry") || res["granulometry"].empty()) return;
  r.heading("Size distributions by granulometry (openings with discrete balls)");
  r.begin_grid();
  std::vector<std::vector<std::string>> rows;
  for (const auto& [name, g] : res["granulometry"].items()) {
    std::vector<double> d = doubles(g["radius_um"]);
    for (auto& x : d) x *= 2;  // the paper plots the fraction of thickness 2r
    PlotSpec p;
    p.title = name + ": volume-weighted size distribution";
    p.x_label = "diameter 2r (um)";
    p.y_label = "volume fraction";
    p.width = 440;
    p.series.push_back({"removed between openings", d, doubles(g["volume_fraction_removed"]), colour_of(t, name), true, false, false});
    p.series.push_back({"cumulative", d, doubles(g["cumulative_fraction"]), "#333333", false, false, true});
    if (g["d50_um"].is_number()) p.markers.push_back({g["d50_um"].get<double>(), "D50"});
    r.raw_html(render_svg(p));
    rows.push_back({name, num(g["d50_um"])});
  }
  r.end_grid();
  r.table({"phase", "D50 (um)"}, rows, "Median diameter by volume from the granulometry");
}

// Equivalent sphere diameter of a particle volume.
double sphere_diameter_um(double volume_um3) { return std::cbrt(6 * volume_um3 / M_PI); }

// Each size class's profile divided by its own mean over the bulk window: the small particles hold a
// few percent of the phase, so on the fraction scale their trend lies flat near zero; on their own
// scale a rise or fall through the thickness reads directly (1 = the class's bulk mean).
// Returns the note that states the cut-offs and the normalisation.
std::string size_class_plot(HtmlReport& r, const Json& res, const std::string& name, const Json& sc) {
  const auto position = doubles(sc["position_um"]);
  std::size_t first = 0, last = position.empty() ? 0 : position.size() - 1;
  if (res.contains("profiles") && res["profiles"].contains("bulk")) {
    const Json& bulk = res["profiles"]["bulk"];
    if (bulk["last_slice"].is_number() && bulk["last_slice"].get<std::size_t>() < position.size())
      first = bulk["first_slice"].get<std::size_t>(), last = bulk["last_slice"].get<std::size_t>();
  }
  auto normalised = [&](const Json& values, double& mean) {
    auto v = doubles(values);
    mean = 0;
    std::size_t n = 0;
    for (std::size_t i = first; i <= last && i < v.size(); ++i)
      if (std::isfinite(v[i])) mean += v[i], ++n;
    mean = n ? mean / static_cast<double>(n) : 0;
    for (auto& x : v) x = mean > 0 ? x / mean : std::nan("");
    return v;
  };
  const int q = static_cast<int>(std::lround(100 * sc["quantile"].get<double>()));
  char small[96] = "", large[96] = "";
  if (sc["small_max_volume_um3"].is_number())
    std::snprintf(small, sizeof small, "smallest %d%% (d <= %.3g um)", q, sphere_diameter_um(sc["small_max_volume_um3"].get<double>()));
  if (sc["large_min_volume_um3"].is_number())
    std::snprintf(large, sizeof large, "largest %d%% (d >= %.3g um)", q, sphere_diameter_um(sc["large_min_volume_um3"].get<double>()));
  PlotSpec c;
  c.title = name + ": smallest and largest " + std::to_string(q) + "% of particles through the thickness";
  c.x_label = "position (um, collector at 0)";
  c.y_label = "fraction / its bulk mean";
  c.width = 560;
  double mean_all = 0, mean_small = 0, mean_large = 0;
  c.series.push_back({"all particles", position, normalised(sc["all_fraction"], mean_all), "#999999", false, false, false});
  c.series.push_back({large[0] ? large : "largest", position, normalised(sc["large_fraction"], mean_large), "#e4572e", false, false, false});
  c.series.push_back({small[0] ? small : "smallest", position, normalised(sc["small_fraction"], mean_small), "#17bebb", false, false, false});
  r.raw_html(render_svg(c));
  char text[400];
  std::snprintf(text, sizeof text,
                "Size classes of %s by equivalent sphere diameter d: %s, %s (%s and %s particles). Each curve is divided "
                "by its own mean over the bulk window (all: %.2f vol%%, largest: %.2f vol%%, smallest: %.3f vol%%), "
                "so 1 is the class's bulk mean.",
                name.c_str(), small[0] ? small : "smallest", large[0] ? large : "largest", sc.value("small_count", Json()).dump().c_str(),
                sc.value("large_count", Json()).dump().c_str(), 100 * mean_all, 100 * mean_large, 100 * mean_small);
  return text;
}

std::vector<double> bin_centres(const Json& edges) {
  const auto e = doubles(edges);
  std::vector<double> c;
  for (std::size_t i = 0; i + 1 < e.size(); ++i) c.push_back(std::sqrt(e[i] * e[i + 1]));  // log bins
  return c;
}

void particle_plots(HtmlReport& r, const Json& res, const PhaseTable& t) {
  if (!res.contains("particles") || res["particles"].empty()) return;
  r.heading("Particles (distance-map watershed separation)");
  std::vector<std::vector<std::string>> rows;
  for (const auto& [name, p] : res["particles"].items()) {
    rows.push_back({name, p["count"].dump(), p.value("excluded_small", Json(0)).dump(), num(p["d10_um"]), num(p["d50_um"]),
                    num(p["d90_um"]), num(p["number_d50_um"])});
    r.begin_grid();
    PlotSpec h;
    h.title = name + ": equivalent sphere diameters";
    h.x_label = "diameter (um)";
    h.y_label = "fraction per bin";
    h.width = 440;
    h.log_x = true;
    const auto centres = bin_centres(p["bin_edges_um"]);
    h.series.push_back({"by number", centres, doubles(p["number_fraction"]), "#4c78a8", false, false, true});
    h.series.push_back({"by volume", centres, doubles(p["volume_fraction"]), colour_of(t, name), false, false, true});
    for (const char* k : {"d10_um", "d50_um", "d90_um"})
      if (p[k].is_number()) h.markers.push_back({p[k].get<double>(), std::string("D") + std::string(k).substr(1, 2)});
    r.raw_html(render_svg(h));
    const std::string note = size_class_plot(r, res, name, p["size_classes"]);
    r.end_grid();
    r.paragraph(note);
  }
  r.table({"phase", "particles", "excluded (< min voxels)", "D10 (um)", "D50 (um)", "D90 (um)", "number D50 (um)"}, rows,
          "Volume-weighted D10/D50/D90 of equivalent sphere diameters");
}

// Electrode-level specific surface: the solids' surface exposed to the pores per gram of solids (the
// quantity a BET measurement of the electrode gives). Each solid's density times volume is recovered
// from its own m2/g (area / SSA), so only phases with a density count; the collector is not electrode.
void electrode_specific_surface(HtmlReport& r, const Json& surface) {
  const Json& phases = surface["phases"];
  r.heading("Electrode-level specific surface", 3);
  if (!phases.contains("pore")) {
    r.paragraph("Not measurable on this volume: the pores are not a phase of it (at XCT resolution they lie inside the "
                "unresolved matrix), so the solids' surface exposed to the pores is unknown. The m2/g column above is "
                "per gram of each phase alone.");
    return;
  }
  double mass = 0, area = 0;  // mass in um3 x g/cm3 (1e-12 g), area in um2 (1e-12 m2)
  std::string missing;
  for (const auto& [name, s] : phases.items()) {
    if (name == "pore" || name == "collector") continue;
    const Json ssa = s.value("specific_surface_m2_per_g", Json());
    if (!ssa.is_number() || !(ssa.get<double>() > 0)) {
      missing += (missing.empty() ? "" : ", ") + name;
      continue;
    }
    mass += s["surface_area_um2"].get<double>() / ssa.get<double>();
  }
  for (const auto& [key, s] : surface["interfaces"].items()) {
    const auto bar = key.find('|');
    const std::string a = key.substr(0, bar), b = key.substr(bar + 1);
    if ((a == "pore") != (b == "pore") && a != "collector" && b != "collector") area += s["area_um2"].get<double>();
  }
  if (!missing.empty() || !(mass > 0)) {
    r.paragraph("Not computed: every solid phase needs a density (--density or [density]); missing: " +
                (missing.empty() ? std::string("all") : missing) + ".");
    return;
  }
  r.table({"solid-pore surface (um2)", "solids' mass (ng)", "specific surface (m2/g of solids)"},
          {{num(Json(area), 6), num(Json(mass * 1e-3), 4), num(Json(area / mass), 4)}},
          "Surface of the solids exposed to the pores per gram of solids (electrode without the collector)");
}

// A grey input's surface corrected for the imaging (grey_surface.hpp): value [band], or why it is withheld.
std::string grey_corrected_cell(const Json& phase) {
  if (!phase.contains("grey_corrected")) return num(Json());  // "–", as the other empty cells
  const Json& g = phase["grey_corrected"];
  if (g.value("skipped", false)) return "withheld: " + g.value("reason", std::string());
  const Json& band = g["specific_surface_band_per_um"];
  return num(g["specific_surface_per_um"]) + " [" + num(band[0]) + ", " + num(band[1]) + "]";
}

void surface_table(HtmlReport& r, const Json& res) {
  if (!res.contains("surface")) return;
  std::vector<std::vector<std::string>> rows;
  bool grey_corrected = false;
  for (const auto& [name, s] : res["surface"]["phases"].items()) grey_corrected |= s.contains("grey_corrected");
  for (const auto& [name, s] : res["surface"]["phases"].items()) {
    rows.push_back({name, num(s["surface_area_um2"], 6), num(s["specific_surface_per_um"]),
                    num(s.value("specific_surface_phase_per_um", Json())), num(s.value("specific_surface_m2_per_g", Json()))});
    if (grey_corrected) rows.back().push_back(grey_corrected_cell(s));
  }
  r.heading("Surfaces");
  std::vector<std::string> header = {"phase", "area (um2)", "per total volume (1/um)", "per phase volume (1/um)", "m2/g"};
  if (grey_corrected) header.push_back("per total volume, corrected for the imaging (1/um) [band]");
  r.table(header, rows,
          grey_corrected ? "Surface areas (Crofton estimator on the label volume); the corrected column re-images the "
                           "labels with the PSF fitted to the grey (results.surface.phases.*.grey_corrected)"
                         : "Surface areas (Crofton estimator on the label volume)");
  rows.clear();
  for (const auto& [name, s] : res["surface"]["interfaces"].items())
    rows.push_back({name, num(s["area_um2"], 6), num(s["specific_surface_per_um"])});
  r.table({"interface", "area (um2)", "per total volume (1/um)"}, rows, "Interfaces between phases");
  electrode_specific_surface(r, res["surface"]);
}

void transport_table(HtmlReport& r, const Json& res) {
  if (!res.contains("tortuosity") || res["tortuosity"].empty()) return;
  std::vector<std::vector<std::string>> rows;
  for (const auto& [name, t] : res["tortuosity"].items())
    rows.push_back({name, num(t["volume_fraction"]), num(t["percolating_fraction"]), num(t["tau"]),
                    num(t["deff_over_d0"]), num(t["macmullin"])});
  r.heading("Transport through the thickness");
  r.table({"phase", "volume fraction", "percolating fraction", "tortuosity factor", "D_eff/D_0", "MacMullin"}, rows);
  for (const auto& [name, t] : res["tortuosity"].items())
    if (t.contains("tau_null_reason")) r.paragraph("No tortuosity factor for " + name + ": " + t["tau_null_reason"].get<std::string>() + ".");
}

void truth_table(HtmlReport& r, const Json& res) {
  if (!res.contains("truth") || !res.contains("fractions")) return;
  const Json tp = res["truth"].value("phases", Json::object());
  const Json mp = res["fractions"]["phases"];
  std::vector<std::vector<std::string>> rows;
  double matrix = 0;
  for (const auto& [name, t] : tp.items()) {
    rows.push_back({name, pct(t["volume_fraction"]), mp.contains(name) ? pct(mp[name]["volume_fraction"]) : "–"});
    if (name != "NMC" && name != "collector") matrix += t["volume_fraction"].get<double>();
  }
  if (mp.contains("matrix"))
    rows.push_back({"matrix = LFP + CBD + pore", pct(Json(matrix)), pct(mp["matrix"]["volume_fraction"])});
  r.heading("Synthetic ground truth");
  r.table({"phase", "true vol%", "measured vol%"}, rows,
          "The built-in sample's exact fractions (from the generator) against what the analysis measured");
  const Json tb = res["truth"].value("bulk_profiles", Json::object());
  if (tb.empty() || !res.contains("profiles")) return;
  const Json mb = res["profiles"]["phases"];
  std::vector<std::vector<std::string>> bulk;
  auto slope = [](const Json& v) { return v.is_number() ? num(Json(100 * v.get<double>()), 3) : std::string("–"); };
  for (const auto& [name, t] : tb.items()) {
    if (!mb.contains(name)) continue;
    const Json& m = mb[name];
    bulk.push_back({name, pct(t["mean_fraction"]), pct(m["mean_fraction"]), num(t["rsd_percent"]), num(m["rsd_percent"]),
                    slope(t["slope_per_um"]), report_numbers::slope(m), report_numbers::slope_band(m)});
  }
  r.table({"phase", "true bulk vol%", "measured", "true RSD %", "measured", "true slope vol%/um", "measured ± SE", "measured band"}, bulk,
          "Bulk statistics of the generator's labels and of the analysis, over the same bulk window");
}

// "How to read this report": the definitions a reader needs before the tables, with this run's bulk window.
void how_to_read(HtmlReport& r, const Json& res) {
  r.heading("How to read this report");
  r.paragraph("Volume fractions: 'vol% (whole volume)' counts every voxel of the image, collector and air included; "
              "'vol% (electrode)' counts only the detected electrode region (between the collector and the top "
              "surface). Compare the electrode figures with a composition.");
  if (res.contains("profiles") && res["profiles"].contains("bulk")) {
    const Json& bulk = res["profiles"]["bulk"];
    const Json sel = res["profiles"].value("bulk_selection", Json::object());
    char text[700];
    std::snprintf(text, sizeof text,
                  "Bulk window: the profile statistics (bulk mean, RSD, slope) use the slices from %.4g to %.4g um only, "
                  "shaded in the profile plot. It is the electrode region minus %.3g um above the collector and %.3g um "
                  "under the surface%s.",
                  bulk["start_um"].get<double>(), bulk["end_um"].get<double>(), sel.value("exclude_collector_um", 0.0),
                  sel.value("exclude_surface_um", 0.0),
                  sel.value("auto", false) ? (", the larger of the layers given and those detected on the " +
                                              sel.value("phase", std::string("main active")) +
                                              " profile (where its smoothed fraction recovers 90 % of its bulk median)")
                                                 .c_str()
                                           : " (as configured)");
    r.paragraph(text);
  }
  r.paragraph("Granulometry D50 against particle D50: the granulometry (openings with balls) measures how thick the "
              "phase is, the diameter of the largest ball that fits at each place, without separating particles; the "
              "particle D50 is the volume-weighted median of the equivalent sphere diameters of the separated "
              "particles. Irregular or elongated particles give a granulometry D50 below the particle D50; touching "
              "particles that the separation leaves joined raise the particle D50.");
  r.paragraph("Bands and errors: a band [low, high] is the range a figure takes when the segmentation threshold moves "
              "across the uncertainty the grey histogram allows (grey inputs only); a slope band also holds ± 2 SE of the "
              "slope. '± SE' is the standard error of a least-squares slope from the scatter of the slices about the line. A slope whose band or ± 2 SE "
              "includes 0 cannot be told from a flat profile.");
}

void failures_and_timings(HtmlReport& r, const Json& res) {
  if (res.contains("skipped") && !res["skipped"].empty()) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& f : res["skipped"])
      rows.push_back({f["step"].get<std::string>(), f["phase"].get<std::string>(), f["reason"].get<std::string>()});
    r.heading("Skipped measurements");
    r.table({"step", "phase", "reason"}, rows);
  }
  if (res.contains("failed_steps") && !res["failed_steps"].empty()) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& f : res["failed_steps"]) rows.push_back({f["step"].get<std::string>(), f["error"].get<std::string>()});
    r.heading("Failed steps");
    r.table({"step", "error"}, rows);
  }
  std::vector<std::vector<std::string>> rows;
  double total = 0;
  const Json timings = res.value("timings_s", Json::object());
  for (const auto& [name, s] : timings.items()) {
    rows.push_back({name, num(s, 3)});
    total += s.get<double>();
  }
  rows.push_back({"total", num(Json(total), 3)});
  r.heading("Computation times");
  r.table({"step", "seconds"}, rows);
}

}  // namespace

void write_analysis_report(const std::string& path, const AnalysisReportInputs& in) {
  const Json& res = in.results;
  HtmlReport r("emorph analysis report");
  summary(r, res);
  how_to_read(r, res);
  truth_table(r, res);
  histogram_plot(r, in.threshold);
  slices(r, res, in.out_dir);
  legend(r, in.table);
  fractions_table(r, res);
  profile_plot(r, res, in.table);
  lfp_report_sections(r, res);
  grey_profile_plot(r, res);
  granulometry_plots(r, res, in.table);
  particle_plots(r, res, in.table);
  surface_table(r, res);
  transport_table(r, res);
  statistics_sections(r, res);
  descriptor_report_sections(r, res);
  failures_and_timings(r, res);
  r.write(path);
}

}  // namespace emorph
