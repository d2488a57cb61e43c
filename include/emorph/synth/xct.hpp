#pragma once
// Synchrotron X-ray CT simulator: label volume -> grey volume with per-phase attenuation, partial
// volume and point spread (Gaussian PSF), optional propagation phase contrast, Gaussian or
// photon-counting noise, slow shading and cupping across the field, 8 or 16 bit.
#include <array>
#include <cstdint>
#include <string>

#include "emorph/result.hpp"
#include "emorph/volume.hpp"

namespace emorph::synth {

struct XctParams {
  // Relative linear attenuation per label (pore, NMC, LFP, CBD, collector): NMC brightest, CBD close to
  // pores; the blurred grey of an LFP/CBD/pore matrix is linear in its LFP content (Beer-Lambert).
  std::array<double, 5> attenuation{0.0, 1.0, 0.55, 0.08, 0.35};
  double psf_sigma_um = 0.4;     // Gaussian point spread (standard deviation); 0 = none
  double phase_contrast = 0.0;   // edge enhancement: grey -= phase_contrast * laplacian (um^2); 0 = none
  // Slow gain across the field, applied to the blurred attenuation: a linear ramp along x from
  // 1 - shading/2 to 1 + shading/2 (flat-field error), times 1 - cupping * (1 - rho^2) with rho the
  // distance from the y-x centre over the half-diagonal (beam hardening darkens the centre).
  double shading = 0.0;
  double cupping = 0.0;
  std::string noise = "gaussian";  // "gaussian", "poisson" (photon counting, variance ~ signal) or "none"
  double noise_sigma = 0.05;     // Gaussian noise, in units of the NMC attenuation
  double photons = 400.0;        // photons per voxel at attenuation 1 ("poisson")
  int bits = 16;                 // 8 or 16
  double window_low = -0.25, window_high = 1.25;  // attenuation mapped to grey 0 and the maximum grey
  uint64_t seed = 1;
};

struct XctResult {
  AnyVolume image;  // uint8 or uint16
  Json truth;       // parameters, grey of each phase before blur and noise, noise level in grey units
};

XctResult simulate_xct(VolumeView<const uint8_t> labels, const XctParams& params);

}  // namespace emorph::synth
