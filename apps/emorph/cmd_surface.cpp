// emorph surface LABELS: surface area of each phase and of each interface (Crofton estimator, no mesh),
// specific surfaces per volume and per mass; --mesh writes a phase's isosurface as binary PLY/STL.
#include <algorithm>
#include <iostream>
#include <memory>

#include "command.hpp"
#include "common.hpp"
#include "param_options.hpp"
#include "emorph/measure/descriptor_param_tables.hpp"
#include "streaming.hpp"
#include "emorph/io.hpp"
#include "emorph/measure/label_volume.hpp"
#include "emorph/measure/mesh_export.hpp"
#include "emorph/results/measure_results.hpp"
#include "emorph/measure/specific_surface.hpp"
#include "emorph/results/stream_results.hpp"

namespace {

using emorph::Json;

struct SurfaceOptions : emorph::cli::VolumeCommandOptions {
  emorph::SurfaceReportParams report;  // the options of its parameter table, set by the CLI directly
  std::string mesh;
  std::string mesh_phase;
};

void run_surface(const SurfaceOptions& o) {
  const emorph::PhaseTable table = o.phases.table();
  emorph::require(o.mesh.empty() || !o.mesh_phase.empty(), "--mesh needs --phase NAME (the phase to mesh)");
  const emorph::Phase* mesh_phase = o.mesh_phase.empty() ? nullptr : &table.at(o.mesh_phase, "--phase");
  if (!o.mesh.empty()) emorph::check_output_differs(o.in.input, o.mesh);
  emorph::SurfaceReportParams sp = o.report;
  sp.require_densities = !o.phases.density.empty();
  // --mesh and --count-boundary need the whole volume: they stay in core.
  const bool stream = o.mesh.empty() && !sp.count_volume_boundary && emorph::cli::should_stream_labels(o.in);
  emorph::Volume<uint8_t> labels;
  Json results;
  if (stream) {
    emorph::StreamReport report;
    results = emorph::streamed_surface_results(o.in.input, o.in.read_options(), table, sp, emorph::cli::local_stream_params(),
                                               &report);
    emorph::cli::record_streamed_run(report);
  } else {
    // Only --mesh/--count-boundary force the in-core route; otherwise should_stream_labels already found it fits.
    if (!o.mesh.empty() || sp.count_volume_boundary)
      emorph::cli::check_in_core_need("surface (with --mesh or --count-boundary)", o.in.input, 1.0);
    labels = emorph::to_label_volume(emorph::read_volume(o.in.input, o.in.read_options()), o.in.input);
    results = emorph::surface_results(labels.view(), table, sp);
  }

  if (mesh_phase) {
    emorph::require(results["phases"].value(mesh_phase->name, Json::object()).value("voxels", int64_t{0}) > 0,
                    "--phase: phase '" + mesh_phase->name + "' is absent from the volume");
    emorph::MeshExportParams mp;
    mp.label = mesh_phase->label;
    const auto stats = emorph::export_isosurface_mesh(labels.view(), o.mesh, mp);
    results["mesh"] = {{"path", o.mesh}, {"phase", mesh_phase->name}, {"triangles", stats.triangles},
                       {"vertices", stats.vertices}, {"mesh_area_um2", stats.area_um2}};
  }
  if (!o.out.csv.empty()) {
    emorph::check_output_differs(o.in.input, o.out.csv);
    std::vector<std::vector<std::string>> rows;
    const Json& phases = results["phases"];
    const auto names = emorph::phase_order(table, phases);
    for (const auto& name : names) {
      const Json& p = phases[name];
      rows.push_back({"phase", name, p["surface_area_um2"].dump(), p["specific_surface_per_um"].dump(),
                      p["specific_surface_phase_per_um"].dump(),
                      p.contains("specific_surface_m2_per_g") ? p["specific_surface_m2_per_g"].dump() : ""});
    }
    // Interfaces in label order of their two phases, as specific_surfaces lists them.
    auto by_label = names;
    std::stable_sort(by_label.begin(), by_label.end(),
                     [&](const auto& a, const auto& b) { return phases[a]["label"] < phases[b]["label"]; });
    for (std::size_t a = 0; a < by_label.size(); ++a)
      for (std::size_t b = a + 1; b < by_label.size(); ++b)
        if (const auto name = by_label[a] + "|" + by_label[b]; results["interfaces"].contains(name)) {
          const Json& i = results["interfaces"][name];
          rows.push_back({"interface", name, i["area_um2"].dump(), i["specific_surface_per_um"].dump(), "", ""});
        }
    emorph::write_csv(o.out.csv,
                      {"kind", "name", "area_um2", "specific_surface_per_um", "specific_surface_phase_per_um",
                       "specific_surface_m2_per_g"},
                      rows);
  }
  Json params = emorph::params_json(o.report, emorph::surface_param_table());
  params.update({{"voxel", o.in.voxel}, {"phases", o.phases.phases}, {"density", o.phases.density}, {"mesh", o.mesh},
                 {"phase", o.mesh_phase}});
  emorph::cli::emit_results(o.out, "surface", params, o.in, results);
}

void setup_surface(CLI::App& app) {
  auto o = std::make_shared<SurfaceOptions>();
  auto* sub = app.add_subcommand("surface", "Surface areas of phases and interfaces, specific surfaces");
  emorph::cli::add_volume_command_options(sub, *o);
  o->in.needs_voxel_size = true;  // results in um
  emorph::cli::add_param_options(sub, o->report, emorph::surface_param_table());
  emorph::cli::declare_path(sub->add_option("--mesh", o->mesh, "Write the isosurface of --phase as a binary mesh (.ply or .stl)"),
                            emorph::PathKind::output_file, o->mesh);
  sub->add_option("--phase", o->mesh_phase, "Phase to mesh with --mesh");
  emorph::cli::add_csv_option(sub, o->out);
  sub->callback([o] { run_surface(*o); });
}

}  // namespace

EMORPH_COMMAND(setup_surface);
