// Parameter tables of the XCT and FIB/SEM simulators (see imaging_params.hpp). The seed is set by
// `emorph synth --seed` for the whole sample, so it is a Python keyword only; the FIB/SEM frame effects
// that share a name with an XCT option are Python keywords only too. The FIB/SEM truth echoes its table.
#include "emorph/synth/imaging_params.hpp"

namespace emorph::synth {

const ParamTable<XctParams>& xct_param_table() {
  using P = XctParams;
  static const ParamTable<P> table = {
      {"psf_sigma_um", &P::psf_sigma_um, "um", "Gaussian point spread, standard deviation (0: none)", "--psf"},
      {"phase_contrast", &P::phase_contrast, "um^2", "Edge enhancement: grey -= phase_contrast x laplacian (0: none)"},
      {"noise", &P::noise, "", "gaussian, poisson (photon counting) or none"},
      {"noise_sigma", &P::noise_sigma, "", "Gaussian noise in units of the NMC attenuation"},
      {"photons", &P::photons, "", "Photons per voxel at attenuation 1 (poisson noise)"},
      {"bits", &P::bits, "", "8 or 16: the dtype of the image"},
      {"seed", &P::seed, "", "Random seed of the noise", "none"},
      {"shading", &P::shading, "", "Linear gain ramp across x (0.1 = +-5 %)"},
      {"cupping", &P::cupping, "", "Centre darkened by this share (beam hardening)"},
  };
  return table;
}

const ParamTable<FibsemParams>& fibsem_param_table() {
  using P = FibsemParams;
  static const ParamTable<P> table = {
      {"curtain_amplitude", &P::curtain_amplitude, "grey", "Curtaining stripe amplitude (0: none)", "--curtains"},
      {"drift_step_px", &P::drift_step_px, "px", "Drift step per slice, standard deviation (0: none)", "--drift"},
      {"contrast_decay", &P::contrast_decay, "", "Relative contrast lost from the first to the last slice", "none"},
      {"shading", &P::shading, "", "Relative brightness change from top to bottom of the image", "none"},
      {"blur_px", &P::blur_px, "px", "Probe blur, Gaussian sigma", "none"},
      {"noise_sigma", &P::noise_sigma, "grey", "Gaussian noise", "none"},
      {"shine_depth_um", &P::shine_depth_um, "um", "Shine-through depth in pores (0: none)", "--shine-depth"},
      {"seed", &P::seed, "", "Random seed", "none"},
      {"shine_strength", &P::shine_strength, "", "Share of the solid's contrast seen through a pore (0..1)"},
      {"curtain_width_px", &P::curtain_width_px, "px", "Correlation length of the stripes across x", "none"},
  };
  return table;
}

}  // namespace emorph::synth
