// BPX export (Battery Parameter eXchange, Faraday Institution; schema facts in docs/bpx.md): porosity,
// transport efficiency eps/tau (MacMullin number inverse, Thorat et al. 2009), thickness, Sauter
// particle radius 3V/S and surface area per volume 3 eps/R, so that the active fraction a model derives
// from a and R is the measured one.
#include "emorph/report/export_bpx.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "emorph/error.hpp"
#include "emorph/version.hpp"

namespace fs = std::filesystem;

namespace emorph {
namespace {

const char* const kPorosity = "Porosity";
const char* const kTransport = "Transport efficiency";
const char* const kThickness = "Thickness [m]";
const char* const kRadius = "Particle radius [m]";
const char* const kArea = "Surface area per unit volume [m-1]";

// Field names of the BPX schema's electrode (Contact + Electrode) and particle models.
const std::set<std::string>& electrode_fields() {
  static const std::set<std::string> f = {kThickness, kPorosity, kTransport, "Conductivity [S.m-1]", "Particle"};
  return f;
}
const std::set<std::string>& particle_fields() {
  static const std::set<std::string> f = {"Minimum stoichiometry",
                                          "Maximum stoichiometry",
                                          "Maximum concentration [mol.m-3]",
                                          kRadius,
                                          kArea,
                                          "Diffusivity [m2.s-1]",
                                          "Diffusivity activation energy [J.mol-1]",
                                          "OCP [V]",
                                          "OCP (delithiation) [V]",
                                          "OCP (lithiation) [V]",
                                          "OCP hysteresis decay constant",
                                          "Entropic change coefficient [V.K-1]",
                                          "Reaction rate constant [mol.m-2.s-1]",
                                          "Reaction rate constant activation energy [J.mol-1]"};
  return f;
}

// The value at a JSON path, or an InputError naming the path and the analyze option that writes it.
const Json& need(const Json& root, const std::vector<std::string>& path, const std::string& option) {
  const Json* j = &root;
  std::string where = "results";
  for (const auto& key : path) {
    where += "." + key;
    if (!j->is_object() || !j->contains(key) || (*j)[key].is_null())
      throw InputError("export-bpx: the results have no " + where + " (run emorph analyze with " + option + ")");
    j = &(*j)[key];
  }
  return *j;
}

double number_at(const Json& root, const std::vector<std::string>& path, const std::string& option) {
  const Json& j = need(root, path, option);
  if (!j.is_number()) throw InputError("export-bpx: results value at " + path.back() + " is not a number");
  return j.get<double>();
}

// Electrode-region fraction (the basis of the porosity), else the whole-volume one.
double electrode_fraction(const Json& r, const std::string& phase) {
  const Json& p = need(r, {"fractions", "phases", phase}, "[measure] fractions = true and the phase in [phases]");
  const Json& f = p.contains("electrode_volume_fraction") ? p["electrode_volume_fraction"] : p["volume_fraction"];
  return f.get<double>();
}

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream ss(line);
  std::string cell;
  while (std::getline(ss, cell, ',')) cells.push_back(cell);
  return cells;
}

struct ParticleRow {
  double position_um, volume_um3, surface_um2;
};

// particles_<material>.csv of analyze: (centroid along the thickness axis, volume, closed surface).
std::optional<std::vector<ParticleRow>> read_particle_table(const std::string& dir, const std::string& material, int axis) {
  const fs::path path = fs::path(dir) / ("particles_" + material + ".csv");
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  const auto header = split_csv_line(line);
  const char* centroid[3] = {"centroid_z_um", "centroid_y_um", "centroid_x_um"};
  auto column = [&](const std::string& name) {
    const auto it = std::find(header.begin(), header.end(), name);
    return it == header.end() ? -1 : static_cast<int>(it - header.begin());
  };
  const int cp = column(centroid[axis]), cv = column("volume_um3"), cs = column("surface_area_um2");
  if (cp < 0 || cv < 0 || cs < 0) return std::nullopt;
  std::vector<ParticleRow> rows;
  while (std::getline(in, line)) {
    const auto cells = split_csv_line(line);
    if (static_cast<int>(cells.size()) <= std::max({cp, cv, cs})) continue;
    try {
      const double s = std::stod(cells[static_cast<std::size_t>(cs)]);
      if (!(s > 0)) continue;  // surface not measured
      rows.push_back({std::stod(cells[static_cast<std::size_t>(cp)]), std::stod(cells[static_cast<std::size_t>(cv)]), s});
    } catch (const std::exception&) {
      continue;  // "null" surface
    }
  }
  if (rows.empty()) return std::nullopt;
  return rows;
}

// Writes the measured particle fields of the materials into the electrode object of a document.
void merge_particles(Json& electrode, const std::vector<BpxMaterial>& materials, const std::string& electrode_key) {
  auto fields = [](const BpxMaterial& m) { return Json{{kRadius, m.particle_radius_m}, {kArea, m.surface_area_per_volume_m}}; };
  const bool blended_template = electrode.contains("Particle");
  if (materials.size() == 1 && !blended_template) {
    electrode.update(fields(materials[0]));
    return;
  }
  if (materials.size() > 1 && (electrode.contains(kRadius) || electrode.contains(kArea)))
    throw InputError("--template: " + electrode_key + " describes a single active material but the results hold a blend; "
                     "give a blended template (a \"Particle\" entry per material) or --materials with one material");
  Json& particles = electrode["Particle"];
  if (!particles.is_object()) particles = Json::object();
  if (materials.size() == 1 && particles.size() == 1 && !particles.contains(materials[0].name)) {
    particles.begin().value().update(fields(materials[0]));  // the template's only material, whatever its name
    return;
  }
  for (const auto& m : materials) particles[m.name].update(fields(m));
}

}  // namespace

ExportBpxResult export_bpx(const Json& document, const std::string& results_dir, const ExportBpxParams& params) {
  require(params.electrode == "positive" || params.electrode == "negative",
          "--electrode must be positive or negative (got '" + params.electrode + "')");
  const Json& r = document.contains("results") && document["results"].is_object() ? document["results"] : document;
  ExportBpxResult out;

  out.porosity = electrode_fraction(r, params.pore_phase);
  require(out.porosity > 0 && out.porosity < 1, "export-bpx: the porosity is " + std::to_string(out.porosity) +
                                                    " (a BPX electrode needs 0 < porosity < 1)");
  const Json& tort = need(r, {"tortuosity", params.pore_phase}, "[measure] tortuosity = [\"" + params.pore_phase + "\"]");
  if (!tort.contains("tau") || !tort["tau"].is_number())
    throw InputError("export-bpx: the through-plane tortuosity of " + params.pore_phase +
                     " is undefined (the pore does not percolate or the solve did not converge)");
  out.tau = tort["tau"].get<double>();
  out.transport_efficiency = out.porosity / out.tau;
  out.thickness_m = number_at(r, {"sample", "thickness_um"}, "a label volume whose electrode region is detected") * 1e-6;

  std::vector<std::string> materials = params.materials;
  const Json& fractions = need(r, {"fractions", "phases"}, "[measure] fractions = true");
  if (materials.empty()) {
    static const std::set<std::string> not_active = {"CBD", "collector", "matrix", "separator"};
    for (const auto& [name, _] : fractions.items())
      if (name != params.pore_phase && !not_active.count(name) && name.rfind("label_", 0) != 0) materials.push_back(name);
  }
  require(!materials.empty(), "export-bpx: no active material in results.fractions (give --materials)");
  for (const auto& name : materials) {
    BpxMaterial m;
    m.name = name;
    m.volume_fraction = electrode_fraction(r, name);
    const double s_over_v = number_at(r, {"surface", "phases", name, "specific_surface_phase_per_um"}, "[measure] surface = true");
    require(s_over_v > 0, "export-bpx: phase " + name + " has no surface");
    m.particle_radius_m = 3.0 / s_over_v * 1e-6;
    m.surface_area_per_volume_m = 3.0 * m.volume_fraction / m.particle_radius_m;
    out.materials.push_back(m);
  }

  // The document: the template (kept as given) or a partial BPX with the header the schema needs.
  const std::string electrode_key = params.electrode == "positive" ? "Positive electrode" : "Negative electrode";
  if (params.bpx_template) {
    out.bpx = *params.bpx_template;
    require(out.bpx.is_object() && out.bpx.contains("Parameterisation") && out.bpx["Parameterisation"].is_object(),
            "--template: not a BPX document (no \"Parameterisation\" object)");
  } else {
    const std::string source = r.contains("sample") ? r["sample"].value("source", std::string()) : std::string();
    out.bpx = {{"Header",
                {{"BPX", "1.0.0"},
                 {"Title", "Microstructure parameters measured by emorph"},
                 {"Description", "emorph " + std::string(kVersion) + " from " + source +
                                     "; electrochemical fields to be supplied (merge with --template)"},
                 {"Model", "Partial"}}},
               {"Parameterisation", Json::object()}};
  }
  Json& electrode = out.bpx["Parameterisation"][electrode_key];
  if (!electrode.is_object()) electrode = Json::object();
  electrode[kPorosity] = out.porosity;
  electrode[kTransport] = out.transport_efficiency;
  electrode[kThickness] = out.thickness_m;
  merge_particles(electrode, out.materials, electrode_key);
  validate_bpx(out.bpx, params.bpx_template ? "--template merged with the measurements" : "the exported document");

  // The through-thickness table from the profiles, over the electrode region.
  const Json& region = need(r, {"sample", "electrode_region"}, "a label volume whose electrode region is detected");
  const double start_um = region["start_um"].get<double>(), end_um = region["end_um"].get<double>();
  const Json& pore_profile = need(r, {"profiles", "phases", params.pore_phase}, "[measure] profiles = true");
  const auto position = pore_profile["position_um"].get<std::vector<double>>();
  const auto porosity = pore_profile["fraction"].get<std::vector<double>>();
  const int axis = r["sample"].value("axis", 0);
  const double slice_um = position.size() > 1 ? position[1] - position[0] : 1.0;
  out.csv_header = {"Distance from electrode start [m]", "Porosity"};
  std::vector<std::vector<double>> columns;
  for (const auto& m : out.materials) {
    out.csv_header.push_back(m.name + " volume fraction");
    out.csv_header.push_back(m.name + " particle radius [m]");
    const Json& prof = need(r, {"profiles", "phases", m.name}, "[measure] profiles = true");
    columns.push_back(prof["fraction"].get<std::vector<double>>());
    // Local Sauter radius from the particles whose centroid lies within one particle diameter, scaled
    // so that the profile's reference is the phase's 3V/S (particle surfaces include their contacts).
    std::vector<double> radius(position.size(), m.particle_radius_m);
    if (const auto table = read_particle_table(results_dir, m.name, axis)) {
      double v_all = 0, s_all = 0;
      for (const auto& p : *table) v_all += p.volume_um3, s_all += p.surface_um2;
      const double half_window = std::max(2 * slice_um, 2 * m.particle_radius_m * 1e6);
      for (std::size_t i = 0; i < position.size(); ++i) {
        double v = 0, s = 0;
        for (const auto& p : *table)
          if (std::fabs(p.position_um - position[i]) <= half_window) v += p.volume_um3, s += p.surface_um2;
        if (s > 0) radius[i] = m.particle_radius_m * (v / s) / (v_all / s_all);
      }
    } else {
      out.notes.push_back(m.name + " particle radius profile: constant (no particles_" + m.name +
                          ".csv; run analyze with [measure] particles including " + m.name + ")");
    }
    columns.push_back(radius);
  }
  for (std::size_t i = 0; i < position.size() && i < porosity.size(); ++i) {
    if (position[i] < start_um || position[i] > end_um) continue;
    std::vector<double> row = {(position[i] - start_um) * 1e-6, porosity[i]};
    for (const auto& c : columns) row.push_back(i < c.size() ? c[i] : std::nan(""));
    out.csv_rows.push_back(std::move(row));
  }
  return out;
}

void validate_bpx(const Json& bpx, const std::string& what) {
  auto fail = [&](const std::string& msg) { throw InputError(what + ": " + msg); };
  if (!bpx.is_object()) fail("not a JSON object");
  if (!bpx.contains("Header") || !bpx["Header"].is_object()) fail("no \"Header\" object");
  const Json& h = bpx["Header"];
  static const std::regex version(R"(^\d+\.\d+(\.\d+)?$)");
  if (!h.contains("BPX") || !(h["BPX"].is_number() || (h["BPX"].is_string() && std::regex_match(h["BPX"].get<std::string>(), version))))
    fail("Header.BPX must be the format version (\"1.0.0\")");
  static const std::set<std::string> models = {"SPM", "SPMe", "DFN", "Partial"};
  if (!h.contains("Model") || !h["Model"].is_string() || !models.count(h["Model"].get<std::string>()))
    fail("Header.Model must be one of SPM, SPMe, DFN, Partial");
  if (!bpx.contains("Parameterisation") || !bpx["Parameterisation"].is_object()) fail("no \"Parameterisation\" object");
  auto check_range = [&](const Json& obj, const std::string& where, const char* key, double lo, double hi, bool lo_open) {
    if (!obj.contains(key) || !obj[key].is_number()) return;
    const double v = obj[key].get<double>();
    if (!(lo_open ? v > lo : v >= lo) || !(v <= hi)) fail(where + "." + key + " = " + Json(v).dump() + " is out of range");
  };
  for (const char* key : {"Positive electrode", "Negative electrode"}) {
    if (!bpx["Parameterisation"].contains(key)) continue;
    const Json& e = bpx["Parameterisation"][key];
    const std::string where = std::string("Parameterisation.") + key;
    if (!e.is_object()) fail(where + " is not an object");
    const bool blended = e.contains("Particle");
    for (const auto& [name, _] : e.items())
      if (!electrode_fields().count(name) && (blended || !particle_fields().count(name)))
        fail(where + " has a field BPX does not define: \"" + name + "\"");
    check_range(e, where, kPorosity, 0, 1, true);
    check_range(e, where, kTransport, 0, 1, true);
    check_range(e, where, kThickness, 0, 1e-2, true);
    check_range(e, where, kRadius, 0, 1e-3, true);
    check_range(e, where, kArea, 0, 1e12, true);
    if (!blended) continue;
    if (!e["Particle"].is_object() || e["Particle"].empty()) fail(where + ".Particle must be an object of materials");
    for (const auto& [material, p] : e["Particle"].items()) {
      const std::string pw = where + ".Particle." + material;
      if (!p.is_object()) fail(pw + " is not an object");
      for (const auto& [name, _] : p.items())
        if (!particle_fields().count(name)) fail(pw + " has a field BPX does not define: \"" + name + "\"");
      check_range(p, pw, kRadius, 0, 1e-3, true);
      check_range(p, pw, kArea, 0, 1e12, true);
    }
  }
}

}  // namespace emorph
