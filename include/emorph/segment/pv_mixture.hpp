#pragma once
// Two-phase threshold from a fitted histogram model (Santago & Gage 1993, "Quantification of MR brain
// images by mixture density and partial volume modeling"): two Gaussian pure phases plus a
// partial-volume class (grey uniform between the two phase means, blurred by the noise), fitted by EM
// on the histogram. The threshold is where the posterior of the bright phase (its Gaussian plus the
// bright half of the partial-volume class, i.e. voxels more than half bright, the ISO-50 % surface)
// crosses that of the dark phase. The band is the threshold range where neither phase is more than
// `band_odds` times as probable as the other.
#include <array>
#include <optional>
#include <string>

#include "emorph/segment/histogram.hpp"
#include "emorph/segment/threshold.hpp"

namespace emorph {

struct PvMixtureParams {
  int max_iterations = 500;
  double tolerance = 1e-9;  // change of the mean log-likelihood per voxel that stops EM
  // Classes closer than this contrast-to-noise ratio (phase-mean difference / pooled pure-phase
  // sigma) are refused: measured, see docs/segmentation.md "Default XCT route".
  double min_cnr = 4.0;
  // The same ratio on the input before any pre-filter: phase-mean difference over the noise sigma
  // measured from neighbouring voxels (noise_estimate.hpp). A median turns noise at contrast-to-noise
  // 1.5 into two histogram peaks (filtered model CNR 5.7) whose split lies in the noise (+2.6 to +3.0
  // vol%); measured limit, docs/validation.md "#14 stop 17".
  double min_input_cnr = 1.8;
  double min_class_fraction = 0.005;  // each phase (pure + half partial volume) must hold this share
  double min_pure_fraction = 0.05;    // the pure phases together: else the histogram has no phase peak
  double band_odds = 3.0;             // band: thresholds where P(bright)/P(dark) lies in [1/odds, odds]
  // "fraction": the threshold that segments the partial-volume-aware fraction (mean grey between the
  // pure-phase grey levels); "posterior": the posterior crossing; "otsu": Otsu's split, once the model
  // has found two separable phases; "otsu-volume" (the default route, docs/segmentation.md "Default XCT
  // route"): Otsu's split, never above the posterior crossing; `segment` then restores the volume its
  // pre-filter removed (filter_volume_correction.hpp).
  std::string rule = "fraction";
};

struct PvMixtureModel {
  double mean_dark = 0, sigma_dark = 0, mean_bright = 0, sigma_bright = 0;
  double weight_dark = 0, weight_bright = 0, weight_partial = 0;  // sum to 1
  int iterations = 0;
  double separability = 0;  // Otsu's effectiveness: between-class / total variance of the Otsu split (0..1)
  // Pure-phase grey levels (histogram modes near the fitted means), the mean grey, and the bright
  // phase's partial-volume-aware fraction (mean - level_dark) / (level_bright - level_dark).
  double level_dark = 0, level_bright = 0, mean_grey = 0, fraction_estimate = 0;
  double posterior_crossing = 0;  // set by threshold_pv_mixture: the grey where the phases' posteriors cross
  // Noise sigma of the input from neighbouring voxels and (mean_bright - mean_dark) over it, when given.
  std::optional<double> input_noise_sigma, input_cnr;
  double cnr() const;                 // (mean_bright - mean_dark) / pooled sigma
  double noise_sigma() const;         // pooled pure-phase sigma, grey units
  // Density of the dark (pure + dark half of partial volume) and bright phase at grey v.
  double dark_density(double v) const;
  double bright_density(double v) const;
};

struct PvMixtureResult {
  PvMixtureModel model;
  ThresholdResult threshold;          // method "mixture", one threshold, bands in threshold_band
  std::array<double, 2> threshold_band{0, 0};
};

// Fits the model only; throws InputError when the histogram has fewer than two grey levels.
// `mean_grey`: the mean of the volume before any pre-filter (a median does not preserve the mean at
// curved boundaries; blur, noise and phase-contrast fringes do); default the histogram's mean.
PvMixtureModel fit_pv_mixture(const Histogram& h, const PvMixtureParams& params = {},
                              std::optional<double> mean_grey = std::nullopt);

// Fits and thresholds; throws InputError naming the reason and the options that override it
// (--method otsu | manual:T) when the phases are not separable (contrast-to-noise below min_cnr, one
// phase under min_class_fraction, no posterior crossing between the phase means, or, given the input's
// noise sigma (grey units of `h`), the input's contrast-to-noise below min_input_cnr).
PvMixtureResult threshold_pv_mixture(const Histogram& h, const PvMixtureParams& params = {},
                                     std::optional<double> mean_grey = std::nullopt,
                                     std::optional<double> input_noise_sigma = std::nullopt);

}  // namespace emorph
