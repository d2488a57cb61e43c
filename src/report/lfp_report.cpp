// Table 1 layout (Etiemble et al. 2017): NMC and LFP bulk vol%, RSD and slope side by side; the LFP
// calibration route; Tables 1 and 4 composition checks.
#include "emorph/report/lfp_report.hpp"

#include <cstdio>

#include "report_numbers.hpp"

namespace emorph {
namespace {

std::string fmt(const Json& v, double scale, int decimals) {
  if (!v.is_number()) return "–";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, scale * v.get<double>());
  return buf;
}

using report_numbers::at_path;

void table1(HtmlReport& r, const Json& res) {
  std::vector<std::vector<std::string>> rows;
  for (const char* name : {"NMC", "LFP"}) {
    const Json& m = at_path(res, {"profiles", "phases", name});
    const Json& t = at_path(res, {"truth", "bulk_profiles", name});
    if (m.is_null() && t.is_null()) continue;
    const std::string source = m.is_null() ? "not measured" : m.value("source", std::string("segmentation"));
    rows.push_back({name, source, fmt(at_path(m, {"mean_fraction"}), 100, 1), fmt(at_path(m, {"rsd_percent"}), 1, 1),
                    m.is_null() ? "–" : report_numbers::slope(m), m.is_null() ? "–" : report_numbers::slope_band(m),
                    fmt(at_path(t, {"mean_fraction"}), 100, 1),
                    fmt(at_path(t, {"rsd_percent"}), 1, 1), fmt(at_path(t, {"slope_per_um"}), 100, 3),
                    fmt(at_path(res, {"composition_check", "phases", name, "composition_vol_percent"}), 1, 1)});
  }
  if (rows.empty()) return;
  r.heading("Table 1 summary: NMC and LFP density through the thickness");
  r.table({"phase", "source", "bulk mean vol%", "RSD %", "slope vol%/um ± SE", "slope band vol%/um", "true mean vol%", "true RSD %", "true slope vol%/um",
           "composition vol%"},
          rows, "Bulk window statistics as in the paper's Table 1 (truth: the synthetic sample's labels, same window)");
}

void lfp_route(HtmlReport& r, const Json& res) {
  const Json& lfp = at_path(res, {"lfp"});
  if (lfp.is_null()) return;
  const std::string route = lfp.value("route", std::string());
  if (route == "none") return;
  if (route == "skipped") {
    r.heading("LFP density: skipped", 3);
    r.paragraph("The LFP profile was not measured: " + lfp.value("reason", std::string()) + ". To measure it, " +
                lfp.value("options", std::string()) + ".");
    return;
  }
  r.heading("LFP density from the matrix grey (Figure S5)", 3);
  const Json& gp = at_path(res, {"grey_profile"});
  std::string text = "LFP fraction of the matrix = " + fmt(lfp["intercept"], 1, 4) + " + " + fmt(lfp["slope_per_grey"], 1, 7) +
                     " x grey, from " +
                     (route == "calibration" ? "the calibration " + at_path(lfp, {"calibration", "source"}).get<std::string>()
                                             : "the known mean " + fmt(lfp["known_mean_fraction"], 100, 1) + " vol% (" +
                                                   lfp.value("known_mean_source", std::string()) + ") and the zero grey " +
                                                   fmt(lfp["zero_grey"], 1, 1) + " (" + lfp.value("zero_grey_source", std::string()) + ")") +
                     "; matrix grey level measured at least " + fmt(gp["erosion_um"], 1, 2) + " um from NMC and the collector (" +
                     (gp.value("erosion_measured", false) ? "measured blur width" : "given") +
                     "; nearer NMC, each distance shell less its mean offset), matrix fraction from the " +
                     gp.value("matrix_fraction_source", std::string("labels")) + ", mean " +
                     fmt(gp["matrix_mean_grey"], 1, 1) + ". Electrode mean LFP " + fmt(lfp["electrode_mean_fraction"], 100, 2) + " vol%.";
  if (lfp.contains("profile_route_reason"))
    text += " Profile shape: " + std::string(lfp.value("profile_route", std::string()) == "forward_model" ? "the Gaussian PSF forward model" : "the eroded matrix grey") +
            " (" + lfp.value("profile_route_reason", std::string()) + ").";
  r.paragraph(text);
}

// Whether the bright class of the default segmentation is NMC was checked (attenuation ratio above the
// zero grey) or assumed (no zero grey known): the reader sees which, and how to override the assumption.
void bright_class(HtmlReport& r, const Json& res) {
  const Json& b = at_path(res, {"segmentation", "bright_phase"});
  if (!b.is_object()) return;
  if (!b.value("checked", true)) {
    std::string text = "Assumption: " + b.value("reason", std::string()) + ". If this is an LFP-only electrode, give";
    const char* sep = " ";
    for (const auto& o : b["options"]) {
      text += sep + o.get<std::string>();
      sep = "; or ";
    }
    r.paragraph(text + ".");
  } else if (b.value("nmc_present", false)) {
    r.paragraph("Bright class checked as NMC: it attenuates " + fmt(b["attenuation_ratio"], 1, 2) +
                " times as much as the matrix above the zero grey " + fmt(b["zero_grey"], 1, 1) + " (" +
                b.value("zero_grey_source", std::string()) + "; dense LFP over an LFP matrix: ~2, NMC: >= 2.11).");
  }
}

void composition(HtmlReport& r, const Json& res) {
  const Json& c = at_path(res, {"composition_check"});
  if (c.is_null() || c.empty()) return;
  std::vector<std::vector<std::string>> rows;
  for (const auto& [name, e] : c["phases"].items())
    rows.push_back({name, fmt(e["measured_vol_percent"], 1, 1), fmt(e["composition_vol_percent"], 1, 1),
                    e.value("measured_source", std::string())});
  r.heading("Composition against measurement");
  r.table({"phase", "measured vol%", "composition vol%", "measured by"}, rows,
          "Electrode vol%: measured, and derived from the weight composition, densities and porosity (Table 1)");
  const Json& s = c["ssa"];
  r.table({"theoretical SSA (m2/g)", "measured SSA (m2/g)", "note"},
          {{fmt(s["theoretical_m2_per_g"], 1, 2), fmt(s["measured_m2_per_g"], 1, 2), s.value("measured_note", std::string())}},
          "Electrode specific surface: theoretical from the powders' BET areas and weight fractions (Table 4)");
}

}  // namespace

void lfp_report_sections(HtmlReport& r, const Json& res) {
  if (res.contains("warnings"))
    for (const auto& w : res["warnings"]) r.paragraph("Warning: " + w.get<std::string>());
  bright_class(r, res);
  table1(r, res);
  lfp_route(r, res);
  composition(r, res);
}

}  // namespace emorph
