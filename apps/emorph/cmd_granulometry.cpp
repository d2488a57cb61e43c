// emorph granulometry LABELS --phase NAME: volume-weighted size distribution of a phase by openings
// with discrete balls of growing radius (exactly the brute-force openings, see granulometry.hpp).
#include <memory>

#include "command.hpp"
#include "common.hpp"
#include "param_options.hpp"
#include "emorph/io.hpp"
#include "emorph/measure/components.hpp"
#include "emorph/measure/granulometry.hpp"
#include "emorph/results/measure_results.hpp"
#include "emorph/measure/label_volume.hpp"
#include "emorph/measure/phase_selection.hpp"
#include "emorph/measure/report_param_tables.hpp"
#include "emorph/stream/streamed_granulometry.hpp"
#include "streaming.hpp"

namespace {

using emorph::Json;

struct GranulometryOptions : emorph::cli::PhaseInputOptions {
  emorph::GranulometryParams granulometry;  // the options of its parameter table, set by the CLI directly
  std::string local_thickness;
};

void run_granulometry(const GranulometryOptions& o) {
  if (!o.local_thickness.empty()) emorph::check_output_differs(o.in.input, o.local_thickness);
  if (!o.out.csv.empty()) emorph::check_output_differs(o.in.input, o.out.csv);
  emorph::GranulometryParams p = o.granulometry;
  p.local_thickness = !o.local_thickness.empty();
  emorph::GranulometryResult g;
  if (emorph::cli::should_stream(o.in, emorph::cli::in_core_granulometry_bytes_per_voxel)) {
    g = emorph::cli::streamed_granulometry_run(o, p, o.local_thickness).result;  // the map is written
  } else {
    g = emorph::granulometry(o.read_mask().view(), p);
    if (p.local_thickness) emorph::write_volume<float>(o.local_thickness, g.local_thickness_um.view());
  }
  const Json results = emorph::granulometry_results(g, o.phase);
  if (!o.out.csv.empty()) {
    std::vector<std::vector<std::string>> rows;
    for (std::size_t i = 0; i < g.radius_um.size(); ++i)
      rows.push_back({Json(g.radius_um[i]).dump(), Json(2 * g.radius_um[i]).dump(), std::to_string(g.opening_voxels[i]),
                      Json(g.volume_fraction_removed[i]).dump(), Json(g.cumulative_fraction[i]).dump()});
    emorph::write_csv(o.out.csv, {"radius_um", "diameter_um", "opening_voxels", "volume_fraction_removed", "cumulative_fraction"},
                      rows);
  }
  Json params = emorph::params_json(p, emorph::granulometry_param_table());
  params.update(o.params());
  emorph::cli::emit_results(o.out, "granulometry", params, o.in, results);
}

void setup_granulometry(CLI::App& app) {
  auto o = std::make_shared<GranulometryOptions>();
  auto* sub = app.add_subcommand("granulometry", "Size distribution of a phase by openings with growing balls");
  emorph::cli::add_phase_input_options(sub, *o)->required();
  emorph::cli::add_csv_option(sub, o->out);
  emorph::cli::add_param_options(sub, o->granulometry, emorph::granulometry_param_table());
  for (const char* flag : {"--max-radius", "--step"}) sub->get_option(flag)->check(CLI::PositiveNumber);
  emorph::cli::declare_path(sub->add_option("--local-thickness", o->local_thickness,
                  "Also write the local-thickness map (float32 um: 2 r of the largest opening keeping each voxel)"), emorph::PathKind::output_volume, o->local_thickness);
  sub->callback([o] { run_granulometry(*o); });
}

}  // namespace

EMORPH_COMMAND(setup_granulometry);
