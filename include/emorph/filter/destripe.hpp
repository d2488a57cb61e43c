#pragma once
// Curtaining removal: stripes of one orientation, by robust column offsets (default: each column's
// offset along the stripes from the modes of column differences at several lags, least squares), by a
// variational stationary-noise model after Fehrenbach et al. 2012 ("VSNR"), or by the wavelet-Fourier
// filter of Muench et al. 2009. The default follows measurements on synthetic stacks
// (docs/benchmarks.md, FIB/SEM): on 512^2 slices with curtains, column offsets remove 96% of the stripe
// energy, the variational model 79%, wavelet-FFT 5%; per slice, column offsets take 1.4x the
// wavelet-FFT filter's time and an eighth of the variational model's.
#include <string>
#include <vector>

#include "emorph/volume.hpp"

namespace emorph {

enum class DestripeMethod { wavelet_fft, variational, column_offsets };

struct DestripeParams {
  DestripeMethod method = DestripeMethod::column_offsets;
  // Direction the stripes run in, degrees from the x axis towards y: 90 vertical (FIB curtains,
  // constant along y), 0 horizontal. Other angles rotate the stripe estimate (bicubic).
  double angle_deg = 90;

  // Column offsets: the stripe field is an offset per column (constant along the stripes). The offset
  // difference of columns x and x + k is the mode of their pixel differences (pixels of one phase on
  // both sides differ by the offsets plus noise; edges and phase changes are outliers), found by a
  // mean shift of half-width `mode_window` noise standard deviations of a difference, started at the
  // median; the offsets are the weighted least-squares fit to all lags in `offset_lags`. Lags 1..8 tie
  // neighbours tightly while the longer ones stop errors from adding up along x like a random walk.
  std::vector<int> offset_lags = {1, 2, 4, 8};
  double mode_window = 3.0;

  // Wavelet-FFT: Daubechies wavelet of this many vanishing moments (1, 2, 4, 6, 8, 10), decomposed
  // over `levels`; in each level's band across the stripes, Fourier coefficients along the stripes
  // are damped by 1 - exp(-k^2 / (2 sigma^2)) (k the frequency index): sigma sets how much of the low
  // frequencies along the stripe, i.e. how short a stripe, is removed.
  int wavelet_order = 4;
  int levels = 4;
  double sigma = 2.0;

  // Variational: minimise ||grad(u0 - psi * lambda)||_1 + alpha / 2 ||lambda||^2 over the stripe
  // "source" lambda, psi an anisotropic Gaussian of unit energy, sigma `stripe_length_px` along the
  // stripes and `stripe_width_px` across, on the image scaled to unit standard deviation. alpha is the
  // regularisation weight: larger alpha keeps lambda, hence the removed stripes, smaller (10 and 30
  // within 3% of each other on synthetic stacks). Accelerated Chambolle-Pock iterations: 25 reach
  // the quality of 60.
  double alpha = 10.0;
  double stripe_length_px = 200;
  double short_stripe_length_px = 0;  // > 0: a second kernel for stripes that start partway down
  double stripe_width_px = 2.0;
  int iterations = 25;
};

DestripeMethod parse_destripe_method(const std::string& name, const std::string& option);

// Throws InputError for an empty or non-finite stack, parameters out of range, or slices too small for
// the decomposition.
Volume<float> destripe(VolumeView<const float> stack, const DestripeParams& params = {});

// Power of each slice's spectrum in the stripes' band (frequency along the stripes within one sample
// of 0, across them not 0), summed over the slices: the energy of stationary stripes at that angle.
double stripe_band_power(VolumeView<const float> stack, double angle_deg);

}  // namespace emorph
