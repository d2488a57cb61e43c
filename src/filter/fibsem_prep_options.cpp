// Parameter tables of `emorph fibsem-prep` (see fibsem_prep_options.hpp). Contract names: the destriping
// kernel's sigmas are --stripe-length / --stripe-width and echo stripe_length_px / stripe_width_px; the
// Python step functions name their parameters without the step (order, row_quantile, per_slice,
// reference, stripe_length, stripe_width).
#include "emorph/filter/fibsem_prep_options.hpp"

#include <cmath>

#include "emorph/error.hpp"
#include "emorph/parse.hpp"

namespace emorph {

const FibsemPrepTables& fibsem_prep_tables() {
  using O = FibsemPrepOptions;
  using D = DestripeParams;
  using S = ShadingParams;
  static const FibsemPrepTables tables = {
      .options =
          {
              {"destripe", &O::destripe, "", "Remove curtaining stripes", "", "none"},
              {"flatten", &O::flatten, "", "Correct shading along y and contrast along z", "", "none"},
              {"align", &O::align, "", "Register slices and remove the drift (no step named: all three)", "", "none"},
              {"destripe_method", &O::destripe_method, "",
               "column-offsets (robust offset per column), variational (VSNR-like) or wavelet-fft (Muench 2009)", "",
               "none"},
              {"stripe_lags", &O::stripe_lags, "", "Column offsets: column distances compared (must include 1)", "",
               "none"},
              {"intensity", &O::intensity, "",
               "Contrast along z: modes (the phases' grey levels), meanstd, histogram or none", "", "none"},
              {"shading_mode", &O::shading_mode, "", "divide or subtract", "", "none"},
              {"region", &O::region, "", "Register only y0:y1,x0:x1 (pixels): fiducials, protective layer", "",
               "none"},
              {"lags", &O::lags, "", "Register each slice to these earlier ones", "", "none"},
              {"fill_zero", &O::fill_zero, "", "Fill pixels shifted in from outside with 0 (default: nearest edge)",
               "", "none"},
          },
      .destripe =
          {
              {"angle", &D::angle_deg, "degrees", "Stripe direction from the x axis (90: vertical)"},
              {"mode_window", &D::mode_window, "",
               "Column offsets: mode window half-width, in noise standard deviations of a pixel difference"},
              {"alpha", &D::alpha, "", "Variational: regularisation weight (larger removes less)"},
              {"stripe_length_px", &D::stripe_length_px, "px", "Variational: stripe kernel sigma along",
               "--stripe-length", "stripe_length"},
              {"stripe_width_px", &D::stripe_width_px, "px", "Variational: stripe kernel sigma across",
               "--stripe-width", "stripe_width"},
              {"iterations", &D::iterations, "", "Variational: primal-dual iterations"},
              {"levels", &D::levels, "", "Wavelet-FFT: decomposition levels"},
              {"sigma", &D::sigma, "frequency samples", "Wavelet-FFT: Gaussian damping width"},
              {"wavelet", &D::wavelet_order, "", "Wavelet-FFT: Daubechies order 1,2,4,6,8,10"},
          },
      .shading =
          {
              {"shading_order", &S::order, "", "Polynomial degree of the y shading (0..6)", "", "order"},
              {"shading_quantile", &S::row_quantile, "", "Row statistic fitted: quantile, 0 = mean", "",
               "row_quantile"},
              {"shading_per_slice", &S::per_slice, "", "Fit the shading of each slice separately", "", "per_slice"},
          },
      .intensity = {{"intensity_reference", &IntensityNormaliseParams::reference_slice, "",
                     "Reference slice (-1: stack average / middle)", "", "reference"}},
      .drift = {{"reference", &DriftTrackParams::reference_slice, "", "Slice whose drift is [0, 0]"}},
  };
  return tables;
}

namespace {

// "y0:y1,x0:x1" in pixels of a slice.
Box parse_region(const std::string& spec) {
  const auto comma = spec.find(',');
  auto range = [&](const std::string& part, int64_t& a, int64_t& b) {
    const auto colon = part.find(':');
    if (colon == std::string::npos) throw InputError("--region: expected y0:y1,x0:x1, got '" + spec + "'");
    a = parse_int(part.substr(0, colon), "--region");
    b = parse_int(part.substr(colon + 1), "--region");
  };
  if (comma == std::string::npos) throw InputError("--region: expected y0:y1,x0:x1, got '" + spec + "'");
  Box box;
  range(spec.substr(0, comma), box.y0, box.y1);
  range(spec.substr(comma + 1), box.x0, box.x1);
  return box;
}

// Positive whole numbers of a comma-separated list; `most` bounds them.
std::vector<int> parse_lags(const std::string& text, const std::string& option, double most) {
  std::vector<int> lags;
  for (double lag : parse_double_list(text, option)) {
    if (lag != std::floor(lag) || lag < 1 || lag > most)
      throw InputError(option + ": expected positive integers, got '" + text + "'");
    lags.push_back(static_cast<int>(lag));
  }
  return lags;
}

}  // namespace

FibsemPrepOptions with_default_steps(FibsemPrepOptions o) {
  if (!o.align && !o.flatten && !o.destripe) o.align = o.flatten = o.destripe = true;
  return o;
}

FibsemPrepParams fibsem_prep_params(const FibsemPrepOptions& options) {
  const FibsemPrepOptions o = with_default_steps(options);
  FibsemPrepParams prep;
  prep.destripe = o.destripe;
  prep.flatten = o.flatten;
  prep.align = o.align;
  prep.destripe_params = o.destripe_params;
  prep.destripe_params.method = parse_destripe_method(o.destripe_method, "--destripe-method");
  prep.destripe_params.offset_lags = parse_lags(o.stripe_lags, "--stripe-lags", 1e6);
  IntensityNormaliseParams intensity = o.intensity_params;
  const bool normalise_z = o.intensity != "none";
  if (normalise_z) intensity.method = parse_intensity_method(o.intensity, "--intensity");
  if (o.shading_mode != "divide" && o.shading_mode != "subtract")
    throw InputError("--shading-mode: expected divide or subtract, got '" + o.shading_mode + "'");
  prep.shading = o.shading;
  prep.shading.subtract = o.shading_mode == "subtract";
  prep.drift = o.drift;
  // Lags are bounded by the stack's slices (estimate_drift), not here.
  prep.drift.lags = parse_lags(o.lags, "--lags", HUGE_VAL);
  if (!o.region.empty()) prep.drift.region = parse_region(o.region);
  prep.intensity = normalise_z ? std::optional(intensity) : std::nullopt;
  prep.shift.constant_fill = o.fill_zero;
  return prep;
}

Json fibsem_prep_params_json(const FibsemPrepOptions& options) {
  Json j = Json::object();
  for_each_fibsem_prep_table(options,
                             [&](const auto& params, const auto& table) { j.update(params_json(params, table)); });
  return j;
}

}  // namespace emorph
