#pragma once
// Surface of a phase thresholded from a blurred grey volume, corrected for what the imaging and the
// threshold lose, by imaging the segmentation again (a parametric-bootstrap bias correction, Efron &
// Tibshirani 1993, "An Introduction to the Bootstrap", ch. 10). The PSF and the noise blur thin gaps
// shut and round the particles, so the Crofton surface of the thresholded labels falls short of the
// true surface (-5 to -25 % on bench_accuracy's blurred, small or dense packings) and no single
// threshold or iso-surface of the grey gets it back (docs/validation.md). Here the segmentation L is
// imaged by the same model (Gaussian PSF fitted to the grey, the estimated noise, the same pre-filter),
// thresholded at L's own fraction, and the loss that second pass shows is the factor the measured
// surface is multiplied by. The second imaging runs with and without noise: the difference is the
// roughness noise adds to a thresholded surface, taken off first (without it the factor would count
// the blur smoothing L's own noise roughness as a loss: +6 % at CNR 3); its noise follows each phase's
// own level (photon counting), and its PSF is the fitted one corrected for the fit's bias. Where the first pass removed
// surface L no longer has (gaps between particles already shut), a second pass loses less than the
// first: the loss is then extrapolated to second order, except where the noise differs between the
// phases (photon counting: a guard kept from when the re-imaging had one noise level). A
// truth-free gate withholds the correction where the Gaussian-PSF model does not explain the grey
// (phase contrast).
#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "emorph/filter/denoise.hpp"
#include "emorph/volume.hpp"

namespace emorph {

struct ReblurSurfaceParams {
  // The factor is measured on the central block of at most this edge (voxels), which bounds the cost
  // of the PSF fit and of the second imaging on large volumes.
  int64_t max_block = 128;
  double min_psf_voxels = 0.2, max_psf_voxels = 4.0;  // search range of the fitted PSF sigma
  int psf_iterations = 14;  // golden-section steps on log(sigma): 0.618^14 x log(20) = 0.4 % of sigma
  // Band: the factor re-measured with the PSF sigma scaled by 1 -+ psf_band (the fit is within 20 %
  // of the simulated PSF on bench_accuracy's cells without phase contrast: psf2.0 -15 %, r2-4 -19 %;
  // docs/validation.md), widened to 1 (no correction) and to factor^2 (the correction applied twice).
  double psf_band = 0.2;
  uint64_t noise_seed = 12345;  // the second imaging's noise (fixed: the result is reproducible)
  int noise_seeds = 3;          // second imagings with noise seeds noise_seed, +1, ...: factor = their mean
  // Gate (truth-free): the correction is withheld when the Gaussian-PSF model cannot be trusted:
  // the fit's rms residual over the input's noise sigma above max_residual_ratio (a grey that a blur of
  // the labels does not explain: phase-contrast fringes, wrong labels), or the fitted sigma within
  // bound_margin (a share of the log search range) of either end of it. Chosen on bench_accuracy's whole matrix
  // and the independent packings (docs/validation.md, "#14 stop 19").
  double max_residual_ratio = 1.5;
  // Second order: the decay q of the loss from one imaging pass to the next is clamped to at least this
  // (q = 0.5: at most the first-order loss squared; measured q 0.62-0.69 on the dense packings).
  double min_decay = 0.5;
  // Second-order guard: the noise level's ratio between the phases (the white noise deep inside the
  // bright phase over the dark's, or its inverse) above this keeps the correction first order. Deep:
  // the fitted model within deep_model of 0 or 1 (beyond ~2.3 PSF sigmas of the interface); each phase
  // needs min_deep_voxels neighbour pairs there, else the ratio is not measured (1). Chosen on bench_accuracy's whole
  // matrix: Gaussian noise 0.98-1.07, photon counting 1.76-1.85 (docs/validation.md, "#14 stop 20").
  double max_noise_level_ratio = 1.35;
  double deep_model = 0.01;
  int64_t min_deep_voxels = 1000;
  double bound_margin = 0.1;
  // The second imaging's noise from each phase's own white-noise level (deep voxels), its variance linear
  // in between (photon counting); false: the input's single estimate (reblur_surface.cpp).
  bool noise_per_phase = true;
  // The fitted PSF sigma corrected for the fit's own bias by one re-imaging (reblur_surface.cpp): the
  // labels' noise roughness draws the least-squares fit to a sharper blur (-15 % at PSF 2, CNR 8).
  bool calibrate_psf = true;
};

struct ReblurSurface {
  double psf_sigma_voxels = 0;  // the PSF the second imaging uses: psf_fit_voxels^2 / psf_refit_voxels (calibrated)
  double psf_fit_voxels = 0;    // Gaussian PSF fitted to the grey: grey ~ dark + contrast * (G * L)
  double psf_refit_voxels = 0;  // fitted the same way on L imaged at psf_fit_voxels (0: not calibrated)
  std::array<double, 2> reimaging_noise_sigma{0, 0};  // the second imaging's noise sd [dark, bright] (grey units)
  double dark_grey = 0, contrast_grey = 0;
  double noise_sigma = 0;            // the noise the second imaging adds (grey units)
  double block_area_um2 = 0;         // Crofton surface of L on the block
  double reimaged_area_um2 = 0;      // of L imaged again without noise and thresholded at L's count
  double noise_roughness_share = 0;  // the area noise adds to a thresholded surface, over block_area
  // First order: (block_area - roughness)^2 / (reimaged_area * block_area); factor: with the second-order
  // extrapolation from the second pass's loss (reblur_surface.cpp).
  double first_order_factor = 1;
  double factor = 1;
  // [low, high]: the envelope of 1 (no correction), factor^2 (applied twice), the PSF scaled by
  // 1 -+ psf_band and each noise seed's factor, times the labels' surface change over the threshold range.
  std::array<double, 2> factor_band{1, 1};
  std::array<double, 2> threshold_area_ratio{1, 1};  // [min, max] surface at the fraction band's ends / at L's
  // Area ratios of successive noise-free passes: labels (noise roughness off) / once re-imaged, and
  // once / twice re-imaged (diagnostics of the first-order residue).
  double first_pass_loss = 1, second_pass_loss = 1;
  double fit_residual_ratio = 0;  // rms(grey - fitted model) / noise_sigma (0 without a noise estimate)
  // The white noise deep inside the bright phase over the dark's (neighbour differences; 1: not measured).
  double noise_level_ratio = 1;
  // Diagnostics: the fit's residual sd deep inside the bright phase over the dark's, and its rms on the
  // interface band over the deep voxels' pooled sd (1 and 0: not measured).
  double deep_residual_ratio = 1, interface_residual_ratio = 0;
  std::string second_order_withheld;  // why the guard kept the correction first order where the second order fires ("": not)
  std::string withheld;           // why the gate withholds the correction ("": applied)
  bool applied() const { return withheld.empty(); }
};

// `labels` segments `grey` (same shape); `bright_label` is the phase measured. `denoise`: the
// pre-filter the segmentation applied (nullopt: none); `noise_sigma`: the input's noise
// (noise_estimate.hpp). `fraction_range`: the phase's fraction band over its measured fraction
// ([low/f, high/f], from the histogram model): the labels are re-thresholded at its ends on the
// pre-filtered grey and the band widened by the surface change (nullopt: not widened). nullopt when
// the block holds no voxel of the phase, or only that phase. All figures are computed also when the
// gate withholds the correction (`withheld` says why).
std::optional<ReblurSurface> reblur_surface_correction(const AnyVolume& grey, VolumeView<const uint8_t> labels,
                                                       uint8_t bright_label, const std::optional<DenoiseSpec>& denoise,
                                                       double noise_sigma, const ReblurSurfaceParams& params = {},
                                                       const std::optional<std::array<double, 2>>& fraction_range = {});

}  // namespace emorph
