// Optional analyze steps of issue 20: contacts (Crofton contact areas), triple-phase boundary (hybrid
// triple line: surfaces' intersection or Freudenthal polyline), anisotropy of tau with Bruggeman
// exponents (tau = eps^(1 - alpha)), BPX.
#include "emorph/report/descriptor_steps.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "emorph/results/measure_results.hpp"
#include "emorph/measure/triple_line.hpp"
#include "emorph/report/export_bpx.hpp"
#include "emorph/results/segment_results.hpp"
#include "emorph/results/transport_results.hpp"
#include "emorph/segment/contact_analysis.hpp"
#include "emorph/transport/tortuosity.hpp"
#include "emorph/transport/tortuosity_options.hpp"
#include "report_numbers.hpp"

namespace fs = std::filesystem;

namespace emorph {
namespace {

using report_numbers::num;

// The standalone command's route: `emorph tortuosity --phase P --axis A` (its setup and results layer).
Json axis_solve(VolumeView<const uint8_t> labels, const PhaseTable& table, const Phase& phase, int axis) {
  TortuosityOptions options;
  options.phase = phase.name;
  options.axis = axis;
  const auto setup = tortuosity_setup(options, table);
  const Json t = tortuosity_results(tortuosity(labels, setup.params), options, setup);
  return {{"tau", t["tau"]}, {"deff_over_d0", t["deff_over_d0"]}, {"volume_fraction", t["volume_fraction"]},
          {"converged", t["converged"]}};
}

}  // namespace

Json contacts_step(VolumeView<const uint8_t> labels, const PhaseTable& table, const std::vector<const Phase*>& phases,
                   const ParticleAnalysisParams& particles, const std::string& out_dir) {
  Json out = Json::object();
  for (const Phase* p : phases) {
    const ContactAnalysis a = analyse_contacts(labels, *p, particles);
    out[p->name] = contact_results(a, table, p->name);
    write_csv((fs::path(out_dir) / ("contacts_" + p->name + ".csv")).string(), contact_csv_header(), contact_csv_rows(a));
  }
  return out;
}

Json tpb_step(VolumeView<const uint8_t> labels, const PhaseTable& table) {
  const Phase* active = table.find("NMC");
  if (!active) active = table.find("LFP");
  require(active != nullptr, "tpb: the phase table has no NMC or LFP phase");
  TripleLineParams p;
  p.phases = {active->label, table.at("CBD", "[measure] tpb").label, table.at("pore", "[measure] tpb").label};
  const auto r = triple_line_length(labels, p);
  return triple_line_results(r, {active->name, "CBD", "pore"});  // = `emorph tpb`
}

Json anisotropy_step(VolumeView<const uint8_t> labels, const PhaseTable& table, const Phase& phase, int thickness_axis,
                     const Json& through_plane) {
  Json axes = Json::array();
  for (int a = 0; a < 3; ++a) {
    Json s = (a == thickness_axis && through_plane.is_object() && through_plane.contains("tau"))
                 ? Json{{"tau", through_plane["tau"]},
                        {"deff_over_d0", through_plane["deff_over_d0"]},
                        {"volume_fraction", through_plane["volume_fraction"]},
                        {"converged", through_plane.value("converged", true)}}
                 : axis_solve(labels, table, phase, a);
    // Bruggeman: tau = eps^(1 - alpha), so alpha = 1 - ln(tau) / ln(eps).
    const double eps = s["volume_fraction"].get<double>();
    s["bruggeman_exponent"] = s["tau"].is_number() && eps > 0 && eps < 1
                                  ? Json(1.0 - std::log(s["tau"].get<double>()) / std::log(eps))
                                  : Json(nullptr);
    axes.push_back(s);
  }
  Json ratios = Json::array();
  const Json& through = axes[static_cast<std::size_t>(thickness_axis)]["tau"];
  for (int a = 0; a < 3; ++a) {
    if (a == thickness_axis) continue;
    const Json& t = axes[static_cast<std::size_t>(a)]["tau"];
    ratios.push_back(t.is_number() && through.is_number() ? Json(t.get<double>() / through.get<double>()) : Json(nullptr));
  }
  return {{"through_plane_axis", thickness_axis}, {"axes", axes}, {"in_plane_over_through_plane", ratios}};
}

Json export_bpx_step(const Json& results, const std::string& out_dir) {
  const auto r = export_bpx(results, out_dir);
  const fs::path file = fs::path(out_dir) / "bpx.json", csv = fs::path(out_dir) / "bpx_profile.csv";
  write_json(file.string(), r.bpx);
  std::vector<std::vector<std::string>> rows;
  for (const auto& row : r.csv_rows) {
    std::vector<std::string> cells;
    for (double v : row) cells.push_back(Json(v).dump());
    rows.push_back(std::move(cells));
  }
  write_csv(csv.string(), r.csv_header, rows);
  Json materials = Json::object();
  for (const auto& m : r.materials)
    materials[m.name] = {{"volume_fraction", m.volume_fraction},
                         {"particle_radius_m", m.particle_radius_m},
                         {"surface_area_per_unit_volume_per_m", m.surface_area_per_volume_m}};
  return {{"file", "bpx.json"},          {"csv", "bpx_profile.csv"},
          {"porosity", r.porosity},      {"tau_through_plane", r.tau},
          {"transport_efficiency", r.transport_efficiency}, {"thickness_m", r.thickness_m},
          {"materials", materials},      {"notes", r.notes}};
}

void descriptor_report_sections(HtmlReport& report, const Json& res) {
  if (res.contains("surface")) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& [name, s] : res["surface"]["phases"].items()) {
      const Json shares = s.value("surface_shares", Json::object());  // a copy: items() must not outlive it
      for (const auto& [other, share] : shares.items()) rows.push_back({name, other, num(Json(100 * share.get<double>()), 3)});
    }
    if (!rows.empty()) {
      report.heading("Surface shares");
      report.table({"phase", "touching", "share of its surface (%)"}, rows,
                   "Coverage of each phase's surface by the others (CBD coverage of the active material, wetted share)");
    }
  }
  if (res.contains("contacts") && !res["contacts"].empty()) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& [name, c] : res["contacts"].items()) {
      std::string with;
      for (const auto& [other, w] : c["contact_with"].items())
        with += (with.empty() ? "" : ", ") + other + " " + num(Json(100 * w["share"].get<double>()), 3) + "%";
      rows.push_back({name, c["count"].dump(), c["contacting_pairs"].dump(), num(c["contact_area_um2_total"], 6),
                      num(c["mean_coordination_number"], 3), with});
    }
    report.heading("Particle contacts");
    report.table({"phase", "particles", "contacting pairs", "contact area (um2)", "mean coordination", "surface touching"},
                 rows, "Particles separated as in the particle sizes; contact areas by the Crofton formula");
  }
  if (res.contains("tpb")) {
    const Json& t = res["tpb"];
    report.heading("Triple-phase boundary");
    report.table({"phases", "length (um)", "per volume (um/um3)"},
                 {{t["phases"].dump(), num(t["length_um"], 6), num(t["length_per_um2"])}});
  }
  if (res.contains("anisotropy") && !res["anisotropy"].empty()) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& [name, a] : res["anisotropy"].items()) {
      for (std::size_t k = 0; k < 3; ++k) {
        const Json& s = a["axes"][k];
        const bool through = static_cast<int>(k) == a["through_plane_axis"].get<int>();
        rows.push_back({name, std::to_string(k) + (through ? " (through-plane)" : " (in-plane)"), num(s["tau"]),
                        num(s["deff_over_d0"]), num(s["bruggeman_exponent"], 3)});
      }
      std::string ratios;
      for (const auto& v : a["in_plane_over_through_plane"]) ratios += (ratios.empty() ? "" : ", ") + num(v, 3);
      rows.push_back({name, "in-plane / through-plane tau", ratios, "", ""});
    }
    report.heading("Anisotropy of transport");
    report.table({"phase", "axis", "tau", "D_eff/D_0", "Bruggeman exponent"}, rows,
                 "Tortuosity factor along each axis; Bruggeman exponent alpha from tau = eps^(1 - alpha)");
  }
  if (res.contains("export_bpx")) {
    const Json& b = res["export_bpx"];
    std::vector<std::vector<std::string>> rows = {{"Porosity", num(b["porosity"])},
                                                  {"Transport efficiency", num(b["transport_efficiency"])},
                                                  {"Thickness [m]", num(b["thickness_m"])}};
    for (const auto& [name, m] : b["materials"].items()) {
      rows.push_back({name + ": Particle radius [m]", num(m["particle_radius_m"])});
      rows.push_back({name + ": Surface area per unit volume [m-1]", num(m["surface_area_per_unit_volume_per_m"])});
    }
    report.heading("Battery model parameters (BPX)");
    report.table({"field", "value"}, rows, "Written to bpx.json, through-thickness table in bpx_profile.csv");
  }
}

}  // namespace emorph
