// emorph surface LABELS: surface area of each phase and of each interface (Crofton estimator, no mesh),
// specific surfaces per volume and per mass; --mesh writes a phase's isosurface as binary PLY/STL.
#include <iostream>
#include <memory>

#include "command.hpp"
#include "common.hpp"
#include "emorph/io.hpp"
#include "emorph/measure/label_volume.hpp"
#include "emorph/measure/mesh_export.hpp"
#include "emorph/measure/specific_surface.hpp"
#include "emorph/measure/surface_area.hpp"

namespace {

using emorph::Json;

struct SurfaceOptions {
  emorph::cli::InputOptions in;
  emorph::cli::PhaseOptions phases;
  emorph::cli::OutputOptions out;
  bool count_boundary = false;
  std::string mesh;
  std::string mesh_phase;
};

Json optional_json(const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); }

void run_surface(const SurfaceOptions& o) {
  const emorph::PhaseTable table = o.phases.table();
  emorph::require(o.mesh.empty() || !o.mesh_phase.empty(), "--mesh needs --phase NAME (the phase to mesh)");
  const emorph::Phase* mesh_phase = o.mesh_phase.empty() ? nullptr : &table.at(o.mesh_phase, "--phase");
  if (!o.mesh.empty()) emorph::check_output_differs(o.in.input, o.mesh);
  const auto labels = emorph::to_label_volume(emorph::read_volume(o.in.input, o.in.read_options()), o.in.input);

  emorph::SurfaceAreaParams sp;
  sp.count_volume_boundary = o.count_boundary;
  const auto areas = emorph::surface_areas(labels.view(), sp);
  emorph::SpecificSurfaceParams ssp;
  ssp.require_densities = !o.phases.density.empty();
  const auto spec = emorph::specific_surfaces(areas, labels.spacing(), table, ssp);

  Json phases = Json::object(), interfaces = Json::object();
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : spec.phases) {
    phases[p.name] = {{"label", p.label},
                      {"voxels", p.voxels},
                      {"volume_um3", p.volume_um3},
                      {"surface_area_um2", p.surface_area_um2},
                      {"specific_surface_per_um", p.specific_surface_per_um},
                      {"specific_surface_phase_per_um", optional_json(p.specific_surface_phase_per_um)}};
    if (p.specific_surface_m2_per_g) phases[p.name]["specific_surface_m2_per_g"] = *p.specific_surface_m2_per_g;
    rows.push_back({"phase", p.name, Json(p.surface_area_um2).dump(), Json(p.specific_surface_per_um).dump(),
                    optional_json(p.specific_surface_phase_per_um).dump(),
                    p.specific_surface_m2_per_g ? Json(*p.specific_surface_m2_per_g).dump() : ""});
  }
  for (const auto& i : spec.interfaces) {
    interfaces[i.name] = {{"area_um2", i.area_um2}, {"specific_surface_per_um", i.specific_surface_per_um}};
    rows.push_back({"interface", i.name, Json(i.area_um2).dump(), Json(i.specific_surface_per_um).dump(), "", ""});
  }
  Json results = {{"method", "crofton-13 (Lehmann & Legland 2012)"},
                  {"count_volume_boundary", o.count_boundary},
                  {"total_volume_um3", spec.total_volume_um3},
                  {"phases", phases},
                  {"interfaces", interfaces}};
  if (spec.solid_density_g_cm3) results["solid_density_g_cm3"] = *spec.solid_density_g_cm3;
  if (spec.electrode_specific_surface_m2_per_g)
    results["electrode_specific_surface_m2_per_g"] = *spec.electrode_specific_surface_m2_per_g;

  if (mesh_phase) {
    emorph::require(mesh_phase->label < areas.num_labels && areas.voxels[mesh_phase->label] > 0,
                    "--phase: phase '" + mesh_phase->name + "' is absent from the volume");
    emorph::MeshExportParams mp;
    mp.label = mesh_phase->label;
    const auto stats = emorph::export_isosurface_mesh(labels.view(), o.mesh, mp);
    results["mesh"] = {{"path", o.mesh}, {"phase", mesh_phase->name}, {"triangles", stats.triangles},
                       {"vertices", stats.vertices}, {"mesh_area_um2", stats.area_um2}};
  }
  if (!o.out.csv.empty()) {
    emorph::check_output_differs(o.in.input, o.out.csv);
    emorph::write_csv(o.out.csv,
                      {"kind", "name", "area_um2", "specific_surface_per_um", "specific_surface_phase_per_um",
                       "specific_surface_m2_per_g"},
                      rows);
  }
  const Json params = {{"voxel", o.in.voxel}, {"phases", o.phases.phases}, {"density", o.phases.density},
                       {"count_boundary", o.count_boundary}, {"mesh", o.mesh}, {"phase", o.mesh_phase}};
  emorph::cli::emit_results(o.out, "surface", params, o.in.input, results);
}

void setup_surface(CLI::App& app) {
  auto o = std::make_shared<SurfaceOptions>();
  auto* sub = app.add_subcommand("surface", "Surface areas of phases and interfaces, specific surfaces");
  emorph::cli::add_input_options(sub, o->in, "Label volume (uint8)");
  emorph::cli::add_phase_options(sub, o->phases);
  sub->add_flag("--count-boundary", o->count_boundary,
                "Count the volume's outer faces as surface (default: only surfaces inside the volume)");
  sub->add_option("--mesh", o->mesh, "Write the isosurface of --phase as a binary mesh (.ply or .stl)");
  sub->add_option("--phase", o->mesh_phase, "Phase to mesh with --mesh");
  emorph::cli::add_json_option(sub, o->out);
  emorph::cli::add_csv_option(sub, o->out);
  sub->callback([o] { run_surface(*o); });
}

}  // namespace

EMORPH_COMMAND(setup_surface);
