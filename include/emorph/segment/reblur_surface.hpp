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
// the blur smoothing L's own noise roughness as a loss: +6 % at CNR 3). First-order: it under-corrects
// where the first pass removed surface L no longer has (gaps between particles already shut).
#include <array>
#include <cstdint>
#include <optional>

#include "emorph/filter/denoise.hpp"
#include "emorph/result.hpp"
#include "emorph/volume.hpp"

namespace emorph {

struct ReblurSurfaceParams {
  // The factor is measured on the central block of at most this edge (voxels), which bounds the cost
  // of the PSF fit and of the second imaging on large volumes.
  int64_t max_block = 128;
  double min_psf_voxels = 0.2, max_psf_voxels = 4.0;  // search range of the fitted PSF sigma
  int psf_iterations = 24;                            // golden-section steps on log(sigma)
  // Band: the factor re-measured with the PSF sigma scaled by 1 -+ psf_band (the fit is within 20 %
  // of the simulated PSF on bench_accuracy's cells without phase contrast: psf2.0 -15 %, r2-4 -19 %;
  // docs/validation.md), widened to 1 (no correction) and to factor^2 (the correction applied twice).
  double psf_band = 0.2;
  uint64_t noise_seed = 12345;  // the second imaging's noise (fixed: the result is reproducible)
};

struct ReblurSurface {
  double psf_sigma_voxels = 0;       // Gaussian PSF fitted to the grey: grey ~ dark + contrast * (G * L)
  double dark_grey = 0, contrast_grey = 0;
  double noise_sigma = 0;            // the noise the second imaging adds (grey units)
  double block_area_um2 = 0;         // Crofton surface of L on the block
  double reimaged_area_um2 = 0;      // of L imaged again without noise and thresholded at L's count
  double noise_roughness_share = 0;  // the area noise adds to a thresholded surface, over block_area
  double factor = 1;                 // (block_area - roughness)^2 / (reimaged_area * block_area)
  std::array<double, 2> factor_band{1, 1};  // [low, high]: 1, factor^2 and the PSF scaled by 1 -+ psf_band
  Json to_json() const;
};

// `labels` segments `grey` (same shape); `bright_label` is the phase measured. `denoise`: the
// pre-filter the segmentation applied (nullopt: none); `noise_sigma`: the input's noise
// (noise_estimate.hpp). nullopt when the block holds no voxel of the phase, or only that phase.
std::optional<ReblurSurface> reblur_surface_correction(const AnyVolume& grey, VolumeView<const uint8_t> labels,
                                                       uint8_t bright_label, const std::optional<DenoiseSpec>& denoise,
                                                       double noise_sigma, const ReblurSurfaceParams& params = {});

}  // namespace emorph
