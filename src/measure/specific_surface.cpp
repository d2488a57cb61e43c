// Specific surface areas (Etiemble et al. 2017, section 3.2: surface per volume divided by the
// material density; electrode value from the pore surface and the volume-weighted mean solid density).
#include "emorph/measure/specific_surface.hpp"


namespace emorph {

SpecificSurfaceResult specific_surfaces(const SurfaceAreaResult& areas, const Spacing& spacing, const PhaseTable& table,
                                        const SpecificSurfaceParams& params) {
  SpecificSurfaceResult r;
  const double voxel_um3 = spacing.voxel_volume_um3();
  int64_t total_voxels = 0;
  for (int64_t v : areas.voxels) total_voxels += v;
  r.total_volume_um3 = static_cast<double>(total_voxels) * voxel_um3;
  require(r.total_volume_um3 > 0, "specific surface: the volume is empty");
  auto voxels_of = [&](int label) { return label < areas.num_labels ? areas.voxels[static_cast<std::size_t>(label)] : int64_t{0}; };

  std::vector<std::pair<std::string, uint8_t>> names;
  for (const auto& p : table.phases()) names.emplace_back(p.name, p.label);
  for (int l = 0; l < areas.num_labels; ++l)
    if (areas.voxels[static_cast<std::size_t>(l)] > 0 && !table.find_label(static_cast<uint8_t>(l)))
      names.emplace_back(table.name_of(static_cast<uint8_t>(l)), static_cast<uint8_t>(l));

  double solid_mass = 0, solid_volume = 0;  // g/cm3 * um3 and um3
  bool solid_mass_known = true;
  double pore_area = 0;
  bool pore_present = false;
  for (const auto& [name, label] : names) {
    PhaseSurface s;
    s.name = name;
    s.label = label;
    s.voxels = voxels_of(label);
    s.volume_um3 = static_cast<double>(s.voxels) * voxel_um3;
    s.surface_area_um2 = label < areas.num_labels ? areas.phase_area_um2[label] : 0.0;
    s.specific_surface_per_um = s.surface_area_um2 / r.total_volume_um3;
    const Phase* phase = table.find_label(label);
    const bool has_density = phase && phase->density_g_cm3.has_value();
    const double density = has_density ? *phase->density_g_cm3 : 0.0;
    if (s.voxels > 0) {
      s.specific_surface_phase_per_um = s.surface_area_um2 / s.volume_um3;
      if (has_density) s.specific_surface_m2_per_g = *s.specific_surface_phase_per_um / density;
    }
    if (name == params.pore_phase) {
      pore_area = s.surface_area_um2;
      pore_present = s.voxels > 0;
    } else if (name != params.collector_phase && s.voxels > 0) {
      if (has_density) {
        solid_mass += s.volume_um3 * density;
        solid_volume += s.volume_um3;
      } else {
        require(!params.require_densities, "--density: no density for phase '" + name + "' (needed for m2/g)");
        solid_mass_known = false;
      }
    }
    r.phases.push_back(std::move(s));
  }

  for (auto& s : r.phases) {
    const int a = s.label;
    if (a >= areas.num_labels || s.voxels == 0) continue;
    double touching = 0;
    for (int b = 0; b < areas.num_labels; ++b)
      if (b != a) touching += areas.interface(a, b);
    if (touching <= 0) continue;
    for (const auto& [name, label] : names)
      if (label != a && label < areas.num_labels && voxels_of(label) > 0)
        s.surface_shares.emplace_back(name, areas.interface(a, label) / touching);
  }
  if (solid_mass_known && solid_volume > 0) {
    r.solid_density_g_cm3 = solid_mass / solid_volume;
    if (pore_present) r.electrode_specific_surface_m2_per_g = pore_area / solid_mass;
  }

  for (int a = 0; a < areas.num_labels; ++a)
    for (int b = a + 1; b < areas.num_labels; ++b) {
      if (voxels_of(a) == 0 || voxels_of(b) == 0) continue;
      InterfaceSurface i;
      i.label_a = static_cast<uint8_t>(a);
      i.label_b = static_cast<uint8_t>(b);
      i.name = table.name_of(i.label_a) + "|" + table.name_of(i.label_b);
      i.area_um2 = areas.interface(a, b);
      i.specific_surface_per_um = i.area_um2 / r.total_volume_um3;
      r.interfaces.push_back(std::move(i));
    }
  return r;
}

}  // namespace emorph
