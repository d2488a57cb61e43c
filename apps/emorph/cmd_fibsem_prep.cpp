// emorph fibsem-prep STACK OUT [--destripe] [--flatten] [--align]: FIB/SEM stack preprocessing, in the
// order curtaining removal, shading along y + contrast along z, slice alignment (each step alone or
// together; none named: all three). Writes a float32 stack; measured drift and parameters to JSON.
#include <iostream>
#include <memory>

#include "command.hpp"
#include "common.hpp"
#include "emorph/atomic_file.hpp"
#include "emorph/filter/fibsem_prep.hpp"
#include "emorph/filter/fibsem_prep_options.hpp"
#include "emorph/io.hpp"
#include "emorph/io/png.hpp"
#include "emorph/report/svg_plot.hpp"
#include "emorph/results/filter_results.hpp"
#include "param_options.hpp"

namespace {

using emorph::Json;

struct FibsemOptions {
  emorph::cli::InputOptions in;
  emorph::cli::OutputOptions out;
  std::string output, drift_csv, drift_plot;
  emorph::FibsemPrepOptions prep;  // the options of the parameter tables
};

emorph::Volume<float> to_float(const emorph::AnyVolume& any) {
  return any.visit([](const auto& v) {
    emorph::Volume<float> f(v.shape(), v.spacing(), v.thickness_axis());
    const auto* src = v.data();
    float* dst = f.data();
    const int64_t n = v.size();
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<float>(src[i]);
    return f;
  });
}

void write_drift_plot(const std::string& path, const emorph::DriftTrack& track) {
  const std::string ext = path.size() > 4 ? path.substr(path.size() - 4) : "";
  if (ext == ".png") {
    const int w = 800, h = 400;
    const auto rgb = emorph::drift_track_plot_rgb(track, w, h);
    emorph::write_png(path, rgb.data(), w, h, 3);
  } else if (ext == ".svg") {
    emorph::PlotSpec spec;
    spec.title = "Drift track";
    spec.x_label = "slice";
    spec.y_label = "drift (px)";
    emorph::PlotSeries dy, dx;
    dy.name = "dy";
    dx.name = "dx";
    for (std::size_t z = 0; z < track.drift_px.size(); ++z) {
      dy.x.push_back(double(z));
      dy.y.push_back(track.drift_px[z][0]);
      dx.x.push_back(double(z));
      dx.y.push_back(track.drift_px[z][1]);
    }
    spec.series = {dy, dx};
    emorph::write_text_atomic(path, emorph::render_svg(spec));
  } else {
    throw emorph::InputError("--drift-plot: '" + path + "' must end in .png or .svg");
  }
}

void run_fibsem_prep(FibsemOptions o) {
  o.prep = emorph::with_default_steps(o.prep);
  // Every option is checked before anything is read or written.
  emorph::check_output_differs(o.in.input, o.output);
  const emorph::FibsemPrepParams prep = emorph::fibsem_prep_params(o.prep);
  for (const auto* side : {&o.drift_csv, &o.drift_plot, &o.out.json})
    if (!side->empty()) emorph::check_output_differs(o.in.input, *side);

  const emorph::Volume<float> input = to_float(emorph::read_volume(o.in.input, o.in.read_options()));
  emorph::FibsemPrepResult prepared = emorph::fibsem_prepare(input.view(), prep);
  emorph::Volume<float> stack = std::move(prepared.stack);
  Json results = emorph::fibsem_prep_record_json(prepared);
  results["shape"] = {stack.nz(), stack.ny(), stack.nx()};
  if (prep.destripe) results["destripe"]["method"] = o.prep.destripe_method;
  if (prepared.drift) {
    if (!o.drift_csv.empty())
      emorph::write_csv(o.drift_csv, emorph::drift_track_csv_header(), emorph::drift_track_csv_rows(*prepared.drift));
    if (!o.drift_plot.empty()) write_drift_plot(o.drift_plot, *prepared.drift);
  }
  emorph::write_volume(o.output, stack.view());
  results["output"] = o.output;
  results["output_dtype"] = "f32";
  Json parameters = emorph::fibsem_prep_params_json(o.prep);
  parameters["voxel"] = o.in.voxel;
  emorph::cli::emit_results(o.out, "fibsem-prep", parameters, o.in, results);
}

void setup_fibsem_prep(CLI::App& app) {
  auto o = std::make_shared<FibsemOptions>();
  auto* sub = app.add_subcommand(
      "fibsem-prep", "FIB/SEM stack preprocessing: curtaining removal, shading and contrast, slice alignment");
  emorph::cli::add_input_options(sub, o->in, "FIB/SEM grey stack");
  emorph::cli::declare_path(sub->add_option("output", o->output, "Corrected stack (float32)")->required(),
                            emorph::PathKind::output_volume, o->output);
  emorph::for_each_fibsem_prep_table(
      o->prep, [sub](auto& params, const auto& table) { emorph::cli::add_param_options(sub, params, table); });
  emorph::cli::declare_path(sub->add_option("--drift-csv", o->drift_csv, "Write the drift track as CSV"),
                            emorph::PathKind::output_file, o->drift_csv);
  emorph::cli::declare_path(sub->add_option("--drift-plot", o->drift_plot, "Plot the drift track (.png or .svg)"),
                            emorph::PathKind::output_file, o->drift_plot);
  emorph::cli::add_json_option(sub, o->out);
  sub->callback([o] { run_fibsem_prep(*o); });
}

}  // namespace

EMORPH_COMMAND(setup_fibsem_prep);
