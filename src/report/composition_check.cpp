// Measured vs composition-derived vol% per phase and measured vs theoretical specific surface (the
// paper's Tables 1 and 4): CB and PVdF form the CBD phase, the porosity the pore phase.
#include "emorph/report/composition_check.hpp"

#include "emorph/measure/composition.hpp"
#include "emorph/results/measure_results.hpp"

namespace emorph {
namespace {

// The phase a composition component belongs to.
std::string phase_of(const std::string& component) {
  if (component == "CB" || component == "PVdF" || component == "CBD") return "CBD";
  return component;
}

const Json* find(const Json& j, std::initializer_list<const char*> keys) {
  const Json* cur = &j;
  for (const char* k : keys) {
    if (!cur->is_object() || !cur->contains(k)) return nullptr;
    cur = &(*cur)[k];
  }
  return cur;
}

}  // namespace

Json composition_check(const LfpOptions& o, const PhaseTable& table, const Json& results) {
  if (o.composition.empty()) return Json::object();
  CompositionParams p;
  p.wt_percent = parse_name_values(o.composition, "--composition");
  p.density_g_cm3 = component_densities(p.wt_percent, {}, table);
  if (!o.bet.empty()) p.bet_m2_per_g = parse_name_values(o.bet, "--bet");
  p.porosity_percent = o.porosity_percent;
  p.loading_mg_per_cm2 = o.loading_mg_per_cm2;
  if (o.loading_mg_per_cm2) {
    const Json* t = find(results, {"sample", "thickness_um"});
    p.thickness_um = o.thickness_um ? *o.thickness_um : (t && t->is_number() ? t->get<double>() : 0.0);
  }
  const CompositionResult comp = composition(p);
  Json out = {{"composition", composition_results(p)}};

  Json phases = Json::object();
  if (comp.porosity_percent) {
    for (const auto& [name, v] : comp.vol_percent) {
      Json& e = phases[phase_of(name)];
      const double before = e.is_object() && e.contains("composition_vol_percent") ? e["composition_vol_percent"].get<double>() : 0.0;
      e["composition_vol_percent"] = before + v;
    }
    phases["pore"]["composition_vol_percent"] = *comp.porosity_percent;
    double matrix = *comp.porosity_percent;
    for (const auto& [name, v] : comp.vol_percent)
      if (phase_of(name) != "NMC") matrix += v;
    phases["matrix"]["composition_vol_percent"] = matrix;
  }
  // Measured: the grey-calibrated LFP where there is one, else resolved phases of the segmentation.
  for (auto& [name, e] : phases.items()) {
    const Json* lfp = find(results, {"lfp", "electrode_mean_fraction"});
    const Json* f = find(results, {"fractions", "phases", name.c_str()});
    if (name == "LFP" && lfp) {
      e["measured_vol_percent"] = 100 * lfp->get<double>();
      e["measured_source"] = "grey calibration (" + results["lfp"].value("route", std::string()) + ")";
    } else if (f && f->value("resolved", true) && f->contains("electrode_volume_fraction")) {
      e["measured_vol_percent"] = 100 * (*f)["electrode_volume_fraction"].get<double>();
      e["measured_source"] = "segmentation";
    } else {
      e["measured_vol_percent"] = nullptr;
      e["measured_source"] = "not resolved in this image";
    }
  }
  out["phases"] = phases;

  // Electrode specific surface: pore surface per solid mass, where the pores are resolved.
  Json ssa = {{"theoretical_m2_per_g", optional_json(comp.theoretical_ssa_m2_per_g)}, {"measured_m2_per_g", nullptr}};
  const Json* pore_area = find(results, {"surface", "phases", "pore", "surface_area_um2"});
  const Json* fr = find(results, {"fractions", "phases"});
  const Json* voxel = find(results, {"sample", "voxel_um"});
  if (pore_area && fr && voxel && !fr->contains("matrix")) {
    const double voxel_um3 = (*voxel)[0].get<double>() * (*voxel)[1].get<double>() * (*voxel)[2].get<double>();
    double mass = 0;  // um3 * g/cm3
    bool known = true;
    for (const auto& [name, f] : fr->items()) {
      if (name == "pore" || name == "collector") continue;
      const Phase* ph = table.find(name);
      if (!ph || !ph->density_g_cm3) known = false;
      else mass += f["voxels"].get<double>() * voxel_um3 * *ph->density_g_cm3;
    }
    // um2 / (um3 g/cm3) = 1e-12 m2 / (1e-12 g) = m2/g.
    if (known && mass > 0) ssa["measured_m2_per_g"] = pore_area->get<double>() / mass;
    else ssa["measured_note"] = "a solid phase has no density (--density)";
  } else {
    ssa["measured_note"] = "pores not resolved in this image (XCT matrix): measure the surface on FIB/SEM";
  }
  out["ssa"] = ssa;
  return out;
}

}  // namespace emorph
