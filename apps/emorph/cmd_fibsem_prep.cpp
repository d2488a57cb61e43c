// emorph fibsem-prep STACK OUT [--destripe] [--flatten] [--align]: FIB/SEM stack preprocessing, in the
// order curtaining removal, shading along y + contrast along z, slice alignment (each step alone or
// together; none named: all three). Writes a float32 stack; measured drift and parameters to JSON.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <memory>

#include "command.hpp"
#include "common.hpp"
#include "emorph/atomic_file.hpp"
#include "emorph/filter/fibsem_prep.hpp"
#include "emorph/io.hpp"
#include "emorph/io/png.hpp"
#include "emorph/parse.hpp"
#include "emorph/report/svg_plot.hpp"

namespace {

using emorph::Json;

struct FibsemOptions {
  emorph::cli::InputOptions in;
  emorph::cli::OutputOptions out;
  std::string output;
  bool align = false, flatten = false, destripe = false;
  // destripe
  double angle = 90;
  std::string destripe_method = "column-offsets", stripe_lags = "1,2,4,8";
  emorph::DestripeParams destripe_params;
  // flatten
  std::string intensity = "modes", shading_mode = "divide";
  emorph::ShadingParams shading_params;
  int64_t intensity_reference = -1;
  // align
  std::string region, lags = "1,2,4,8", drift_csv, drift_plot;
  int reference = 0;
  bool fill_zero = false;
};

// "y0:y1,x0:x1" in pixels of a slice.
emorph::Box parse_region(const std::string& spec) {
  const auto comma = spec.find(',');
  auto range = [&](const std::string& part, int64_t& a, int64_t& b) {
    const auto colon = part.find(':');
    if (colon == std::string::npos) throw emorph::InputError("--region: expected y0:y1,x0:x1, got '" + spec + "'");
    a = emorph::parse_int(part.substr(0, colon), "--region");
    b = emorph::parse_int(part.substr(colon + 1), "--region");
  };
  if (comma == std::string::npos) throw emorph::InputError("--region: expected y0:y1,x0:x1, got '" + spec + "'");
  emorph::Box box;
  range(spec.substr(0, comma), box.y0, box.y1);
  range(spec.substr(comma + 1), box.x0, box.x1);
  return box;
}

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
  if (!o.align && !o.flatten && !o.destripe) o.align = o.flatten = o.destripe = true;
  // Every option is checked before anything is read or written.
  emorph::check_output_differs(o.in.input, o.output);
  o.destripe_params.method = emorph::parse_destripe_method(o.destripe_method, "--destripe-method");
  o.destripe_params.angle_deg = o.angle;
  o.destripe_params.offset_lags.clear();
  for (double lag : emorph::parse_double_list(o.stripe_lags, "--stripe-lags")) {
    if (lag != std::floor(lag) || lag < 1 || lag > 1e6)
      throw emorph::InputError("--stripe-lags: expected positive integers, got '" + o.stripe_lags + "'");
    o.destripe_params.offset_lags.push_back(static_cast<int>(lag));
  }
  emorph::IntensityNormaliseParams intensity_params;
  const bool normalise_z = o.intensity != "none";
  if (normalise_z) intensity_params.method = emorph::parse_intensity_method(o.intensity, "--intensity");
  intensity_params.reference_slice = o.intensity_reference;
  if (o.shading_mode != "divide" && o.shading_mode != "subtract")
    throw emorph::InputError("--shading-mode: expected divide or subtract, got '" + o.shading_mode + "'");
  o.shading_params.subtract = o.shading_mode == "subtract";
  emorph::DriftTrackParams drift_params;
  drift_params.reference_slice = o.reference;
  drift_params.lags.clear();
  for (double lag : emorph::parse_double_list(o.lags, "--lags")) {
    if (lag != std::floor(lag) || lag < 1) throw emorph::InputError("--lags: expected positive integers, got '" + o.lags + "'");
    drift_params.lags.push_back(static_cast<int>(lag));
  }
  if (!o.region.empty()) drift_params.region = parse_region(o.region);
  for (const auto* side : {&o.drift_csv, &o.drift_plot, &o.out.json})
    if (!side->empty()) emorph::check_output_differs(o.in.input, *side);

  emorph::FibsemPrepParams prep;
  prep.destripe = o.destripe;
  prep.flatten = o.flatten;
  prep.align = o.align;
  prep.destripe_params = o.destripe_params;
  prep.shading = o.shading_params;
  prep.intensity = normalise_z ? std::optional(intensity_params) : std::nullopt;
  prep.drift = drift_params;
  prep.shift.constant_fill = o.fill_zero;
  const emorph::Volume<float> input = to_float(emorph::read_volume(o.in.input, o.in.read_options()));
  emorph::FibsemPrepResult prepared = emorph::fibsem_prepare(input.view(), prep);
  emorph::Volume<float> stack = std::move(prepared.stack);
  Json results = prepared.record;
  results["shape"] = {stack.nz(), stack.ny(), stack.nx()};
  if (o.destripe) results["destripe"]["method"] = o.destripe_method;
  if (prepared.drift) {
    if (!o.drift_csv.empty())
      emorph::write_csv(o.drift_csv, emorph::drift_track_csv_header(), emorph::drift_track_csv_rows(*prepared.drift));
    if (!o.drift_plot.empty()) write_drift_plot(o.drift_plot, *prepared.drift);
  }
  emorph::write_volume(o.output, stack.view());
  results["output"] = o.output;
  results["output_dtype"] = "f32";
  const Json parameters = {
      {"voxel", o.in.voxel}, {"align", o.align}, {"flatten", o.flatten}, {"destripe", o.destripe},
      {"angle", o.angle}, {"destripe_method", o.destripe_method}, {"stripe_lags", o.stripe_lags},
      {"mode_window", o.destripe_params.mode_window}, {"alpha", o.destripe_params.alpha},
      {"stripe_length_px", o.destripe_params.stripe_length_px}, {"stripe_width_px", o.destripe_params.stripe_width_px},
      {"iterations", o.destripe_params.iterations}, {"levels", o.destripe_params.levels},
      {"sigma", o.destripe_params.sigma}, {"wavelet", o.destripe_params.wavelet_order},
      {"intensity", o.intensity}, {"intensity_reference", o.intensity_reference},
      {"shading_order", o.shading_params.order}, {"shading_mode", o.shading_mode},
      {"shading_quantile", o.shading_params.row_quantile}, {"shading_per_slice", o.shading_params.per_slice},
      {"region", o.region}, {"lags", o.lags}, {"reference", o.reference}, {"fill_zero", o.fill_zero}};
  emorph::cli::emit_results(o.out, "fibsem-prep", parameters, o.in, results);
}

void setup_fibsem_prep(CLI::App& app) {
  auto o = std::make_shared<FibsemOptions>();
  auto* sub = app.add_subcommand(
      "fibsem-prep", "FIB/SEM stack preprocessing: curtaining removal, shading and contrast, slice alignment");
  emorph::cli::add_input_options(sub, o->in, "FIB/SEM grey stack");
  emorph::cli::declare_path(sub->add_option("output", o->output, "Corrected stack (float32)")->required(),
                            emorph::PathKind::output_volume, o->output);
  sub->add_flag("--destripe", o->destripe, "Remove curtaining stripes");
  sub->add_flag("--flatten", o->flatten, "Correct shading along y and contrast along z");
  sub->add_flag("--align", o->align, "Register slices and remove the drift (no step named: all three)");
  sub->add_option("--angle", o->angle, "Stripe direction in degrees from the x axis (90: vertical)")->capture_default_str();
  sub->add_option("--destripe-method", o->destripe_method,
                  "column-offsets (robust offset per column), variational (VSNR-like) or wavelet-fft (Muench 2009)")
      ->capture_default_str();
  sub->add_option("--stripe-lags", o->stripe_lags, "Column offsets: column distances compared (must include 1)")
      ->capture_default_str();
  sub->add_option("--mode-window", o->destripe_params.mode_window,
                  "Column offsets: mode window half-width, in noise standard deviations of a pixel difference")
      ->capture_default_str();
  sub->add_option("--alpha", o->destripe_params.alpha, "Variational: regularisation weight (larger removes less)")
      ->capture_default_str();
  sub->add_option("--stripe-length", o->destripe_params.stripe_length_px, "Variational: stripe kernel sigma along, px")
      ->capture_default_str();
  sub->add_option("--stripe-width", o->destripe_params.stripe_width_px, "Variational: stripe kernel sigma across, px")
      ->capture_default_str();
  sub->add_option("--iterations", o->destripe_params.iterations, "Variational: primal-dual iterations")->capture_default_str();
  sub->add_option("--levels", o->destripe_params.levels, "Wavelet-FFT: decomposition levels")->capture_default_str();
  sub->add_option("--sigma", o->destripe_params.sigma, "Wavelet-FFT: Gaussian damping width (frequency samples)")
      ->capture_default_str();
  sub->add_option("--wavelet", o->destripe_params.wavelet_order, "Wavelet-FFT: Daubechies order 1,2,4,6,8,10")
      ->capture_default_str();
  sub->add_option("--intensity", o->intensity, "Contrast along z: modes (the phases' grey levels), meanstd, histogram or none")->capture_default_str();
  sub->add_option("--intensity-reference", o->intensity_reference, "Reference slice (-1: stack average / middle)")
      ->capture_default_str();
  sub->add_option("--shading-order", o->shading_params.order, "Polynomial degree of the y shading (0..6)")
      ->capture_default_str();
  sub->add_option("--shading-mode", o->shading_mode, "divide or subtract")->capture_default_str();
  sub->add_option("--shading-quantile", o->shading_params.row_quantile, "Row statistic fitted: quantile, 0 = mean")
      ->capture_default_str();
  sub->add_flag("--shading-per-slice", o->shading_params.per_slice, "Fit the shading of each slice separately");
  sub->add_option("--region", o->region, "Register only y0:y1,x0:x1 (pixels): fiducials, protective layer");
  sub->add_option("--lags", o->lags, "Register each slice to these earlier ones")->capture_default_str();
  sub->add_option("--reference", o->reference, "Slice whose drift is [0, 0]")->capture_default_str();
  sub->add_flag("--fill-zero", o->fill_zero, "Fill pixels shifted in from outside with 0 (default: nearest edge)");
  emorph::cli::declare_path(sub->add_option("--drift-csv", o->drift_csv, "Write the drift track as CSV"),
                            emorph::PathKind::output_file, o->drift_csv);
  emorph::cli::declare_path(sub->add_option("--drift-plot", o->drift_plot, "Plot the drift track (.png or .svg)"),
                            emorph::PathKind::output_file, o->drift_plot);
  emorph::cli::add_json_option(sub, o->out);
  sub->callback([o] { run_fibsem_prep(*o); });
}

}  // namespace

EMORPH_COMMAND(setup_fibsem_prep);
