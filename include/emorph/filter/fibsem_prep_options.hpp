#pragma once
// The options of `emorph fibsem-prep` declared once (param_table.hpp): one table per params struct of
// the chain (the steps' switches and the spellings the user types, destriping, shading, contrast along
// z, alignment) drives the CLI options, the keywords and docstrings of the Python step functions
// (destripe, correct_shading, normalise_intensity, align_slices), the JSON echo of `parameters` and
// docs/parameters.md.
#include <string>

#include "emorph/filter/fibsem_prep.hpp"
#include "emorph/param_table.hpp"
#include "emorph/result.hpp"

namespace emorph {

// fibsem-prep's options as the user spells them: the step switches (none set: all three), the methods
// by name and the lists and region as typed (echoed as typed); the steps' numeric parameters in their
// library structs.
struct FibsemPrepOptions {
  bool destripe = false, flatten = false, align = false;
  std::string destripe_method = "column-offsets", stripe_lags = "1,2,4,8";
  std::string intensity = "modes", shading_mode = "divide";
  std::string region, lags = "1,2,4,8";
  bool fill_zero = false;
  DestripeParams destripe_params;
  ShadingParams shading;
  IntensityNormaliseParams intensity_params;
  DriftTrackParams drift;
};

// One table per struct of the chain.
struct FibsemPrepTables {
  // destripe, flatten, align, destripe_method, stripe_lags, intensity, shading_mode, region, lags, fill_zero.
  ParamTable<FibsemPrepOptions> options;
  // angle, mode_window, alpha, stripe_length_px, stripe_width_px, iterations, levels, sigma, wavelet.
  ParamTable<DestripeParams> destripe;
  ParamTable<ShadingParams> shading;                 // shading_order, shading_quantile, shading_per_slice
  ParamTable<IntensityNormaliseParams> intensity;    // intensity_reference
  ParamTable<DriftTrackParams> drift;                // reference
};
const FibsemPrepTables& fibsem_prep_tables();

// Calls f(params, table) for the options' own table, then each step struct with its table (the order of
// the CLI's --help and of docs/parameters.md).
template <class Options, class F>
void for_each_fibsem_prep_table(Options& o, F&& f) {
  const FibsemPrepTables& t = fibsem_prep_tables();
  f(o, t.options);
  f(o.destripe_params, t.destripe);
  f(o.shading, t.shading);
  f(o.intensity_params, t.intensity);
  f(o.drift, t.drift);
}

// The options with none of the three steps set turned into all three set (what runs and is echoed).
FibsemPrepOptions with_default_steps(FibsemPrepOptions options);

// The chain's parameters (steps as with_default_steps), the names, lists and region parsed. Throws
// InputError naming the option (--destripe-method, --stripe-lags, --intensity, --shading-mode, --lags,
// --region).
FibsemPrepParams fibsem_prep_params(const FibsemPrepOptions& options);

// `parameters` of fibsem-prep's JSON: every table's echo.
Json fibsem_prep_params_json(const FibsemPrepOptions& options);

}  // namespace emorph
