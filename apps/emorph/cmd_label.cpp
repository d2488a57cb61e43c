// emorph label MASK OUT: connected components (6/18/26) of a mask or of one phase, written as uint32
// labels numbered in raster order, with a per-component table (--csv).
#include <memory>

#include "command.hpp"
#include "common.hpp"
#include "emorph/io.hpp"
#include "emorph/measure/components.hpp"
#include "emorph/measure/label_volume.hpp"
#include "emorph/measure/particles.hpp"
#include "emorph/measure/phase_selection.hpp"
#include "emorph/mpi/distributed_components.hpp"
#include "emorph/parallel.hpp"
#include "emorph/stream/streamed_components.hpp"
#include "streaming.hpp"

namespace {

using emorph::Json;

struct LabelOptions : emorph::cli::PhaseInputOptions {
  std::string output;
  int connectivity = 26;
};

void emit_label(const LabelOptions& o, uint32_t count, const std::vector<emorph::ParticleRecord>& records);

void run_label(const LabelOptions& o) {
  emorph::check_output_differs(o.in.input, o.output);
  if (!o.out.csv.empty()) emorph::check_output_differs(o.in.input, o.out.csv);
  const emorph::PhaseTable table = o.phases.table();
  emorph::ParticlesParams pp;
  pp.surface_area = false;
  // In core: the volume, its uint8 copy with --phase, the mask and the uint32 labels.
  if (emorph::cli::should_stream(o.in, (o.phase.empty() ? 0.0 : 1.0) + 1.0 + 4.0)) {
    emorph::StreamedLabelParams sp;
    if (!o.phase.empty()) sp.phase = table.at(o.phase, "--phase");
    sp.connectivity = o.connectivity;
    emorph::StreamReport report;
    const auto r = emorph::world_ranks() > 1
                       ? emorph::distributed_label_components(o.in.input, o.output, sp, o.in.read_options(), &report)
                       : emorph::streamed_label_components(o.in.input, o.output, sp, o.in.read_options(),
                                                           emorph::cli::stream_params(), &report);
    emorph::cli::record_streamed_run(report);
    const emorph::VolumeInfo info = emorph::read_info(o.in.input);
    return emit_label(o, r.count, emorph::particle_records(r.stats, o.in.read_options().voxel.value_or(info.spacing), pp));
  }
  emorph::Volume<uint8_t> mask = o.read_mask();
  const auto c = emorph::label_components(mask.view(), {o.connectivity});
  mask = emorph::Volume<uint8_t>();
  const auto records = emorph::measure_particles(c.labels.view(), c.count, pp);
  emorph::write_volume<uint32_t>(o.output, c.labels.view());
  emit_label(o, c.count, records);
}

// The CSV table and the JSON results, in core or streamed.
void emit_label(const LabelOptions& o, uint32_t count, const std::vector<emorph::ParticleRecord>& records) {
  int64_t largest = 0, border = 0;
  for (const auto& r : records) largest = std::max(largest, r.voxels), border += r.touches_border;
  if (!o.out.csv.empty()) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& r : records)
      rows.push_back({std::to_string(r.label), std::to_string(r.voxels), Json(r.volume_um3).dump(),
                      Json(r.centroid_um[0]).dump(), Json(r.centroid_um[1]).dump(), Json(r.centroid_um[2]).dump(),
                      std::to_string(r.bbox[0]), std::to_string(r.bbox[1]), std::to_string(r.bbox[2]),
                      std::to_string(r.bbox[3]), std::to_string(r.bbox[4]), std::to_string(r.bbox[5]),
                      r.touches_border ? "1" : "0"});
    emorph::write_csv(o.out.csv,
                      {"label", "voxels", "volume_um3", "centroid_z_um", "centroid_y_um", "centroid_x_um", "bbox_z0",
                       "bbox_z1", "bbox_y0", "bbox_y1", "bbox_x0", "bbox_x1", "touches_border"},
                      rows);
  }
  const Json results = {{"output", o.output},
                        {"count", count},
                        {"connectivity", o.connectivity},
                        {"largest_voxels", largest},
                        {"touching_border", border}};
  Json params = o.params();
  params["connectivity"] = o.connectivity;
  emorph::cli::emit_results(o.out, "label", params, o.in, results);
}

void setup_label(CLI::App& app) {
  auto o = std::make_shared<LabelOptions>();
  auto* sub = app.add_subcommand("label", "Connected components of a mask or of one phase (uint32 labels)");
  auto* phase = emorph::cli::add_phase_input_options(sub, *o, "Mask (non-zero = foreground) or label volume with --phase");
  emorph::cli::declare_path(sub->add_option("output", o->output, "Output uint32 label volume (0 = background)")->required(),
                            emorph::PathKind::output_volume, o->output);
  phase->description("Label this phase of a label volume (default: every non-zero voxel)");
  sub->add_option("--connectivity", o->connectivity, "6, 18 or 26 neighbours")->capture_default_str();
  emorph::cli::add_csv_option(sub, o->out);
  sub->callback([o] { run_label(*o); });
}

}  // namespace

EMORPH_COMMAND(setup_label);
