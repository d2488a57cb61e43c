// emorph localthickness LABELS OUT --phase NAME: per voxel of a phase, the thickness 2 r of the
// largest ball opening that keeps it (the granulometry's map), float32 um, 0 outside the phase.
#include <memory>
#include <utility>

#include "command.hpp"
#include "common.hpp"
#include "emorph/io.hpp"
#include "emorph/measure/components.hpp"
#include "emorph/measure/granulometry.hpp"
#include "emorph/measure/label_volume.hpp"
#include "emorph/measure/phase_selection.hpp"
#include "emorph/stream/streamed_granulometry.hpp"
#include "streaming.hpp"

namespace {

using emorph::Json;

struct LocalThicknessOptions : emorph::cli::PhaseInputOptions {
  std::string output;
  double max_radius_um = 0;
};

void run_localthickness(const LocalThicknessOptions& o) {
  emorph::check_output_differs(o.in.input, o.output);
  emorph::GranulometryParams p;
  if (o.max_radius_um != 0) p.max_radius_um = o.max_radius_um;
  p.local_thickness = true;
  emorph::GranulometryResult g;
  double sum = 0, largest = 0;
  if (emorph::cli::should_stream(o.in, emorph::cli::in_core_granulometry_bytes_per_voxel)) {
    emorph::StreamedGranulometry streamed = emorph::cli::streamed_granulometry_run(o, p, o.output);
    g = std::move(streamed.result);
    sum = streamed.thickness_sum_um, largest = streamed.thickness_max_um;
  } else {
    const emorph::Volume<uint8_t> mask = o.read_mask();
    g = emorph::granulometry(mask.view(), p);
    for (int64_t i = 0; i < mask.size(); ++i) {
      if (!mask.data()[i]) continue;
      sum += g.local_thickness_um.data()[i];
      largest = std::max(largest, static_cast<double>(g.local_thickness_um.data()[i]));
    }
    emorph::write_volume<float>(o.output, g.local_thickness_um.view());
  }
  const Json results = {
      {"output", o.output},
      {"phase", o.phase},
      {"phase_voxels", g.phase_voxels},
      {"mean_thickness_um", g.phase_voxels ? Json(sum / static_cast<double>(g.phase_voxels)) : Json(nullptr)},
      {"max_thickness_um", g.phase_voxels ? Json(largest) : Json(nullptr)},
      {"d50_um", g.d50_um ? Json(*g.d50_um) : Json(nullptr)}};
  Json params = o.params();
  params["max_radius_um"] = p.max_radius_um ? Json(*p.max_radius_um) : Json(nullptr);
  emorph::cli::emit_results(o.out, "localthickness", params, o.in, results);
}

void setup_localthickness(CLI::App& app) {
  auto o = std::make_shared<LocalThicknessOptions>();
  auto* sub = app.add_subcommand("localthickness", "Local-thickness map of a phase (float32 um)");
  emorph::cli::add_phase_input_options(sub, *o)->required();
  emorph::cli::declare_path(sub->add_option("output", o->output, "Output float32 volume: local thickness in um, 0 outside the phase")->required(),
                            emorph::PathKind::output_volume, o->output);
  sub->add_option("--max-radius", o->max_radius_um, "Largest ball radius in um (default: until the phase is empty)")
      ->check(CLI::PositiveNumber);
  sub->callback([o] { run_localthickness(*o); });
}

}  // namespace

EMORPH_COMMAND(setup_localthickness);
