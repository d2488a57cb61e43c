#pragma once
// Is the bright class of a two-class grey segmentation a resolved NMC phase, or dense LFP (agglomerates,
// the bright tail of an unresolved LFP texture) in an LFP-only electrode? Beer-Lambert: grey minus the
// grey of zero attenuation (air or empty pores) is proportional to attenuation, so the ratio of the
// bright phase's grey level to the matrix's, both above that zero, is an attenuation ratio that the
// grey scale's gain and offset do not change. NMC over an LFP/CB/PVdF/pore matrix: >= 2.11 measured;
// pure LFP over a porous LFP matrix: ~2 (docs/validation.md "LFP-only grey electrodes").
// Without the zero grey the ratio is unknown: no histogram or component statistic measured on one grey
// volume told the LFP agglomerates of presets J, K from small NMC particles (same docs section).
#include <string>

#include "emorph/segment/pv_mixture.hpp"

namespace emorph {

struct BrightPhaseParams {
  // Below this attenuation ratio the bright class is not NMC. Measured (docs/validation.md, "LFP-only
  // grey electrodes"): presets A-I at 0.32 um over bench_accuracy's imaging conditions >= 2.48 (preset
  // I, NMC over an LFP-rich matrix, PSF 0.48 um, CNR 3); bench_accuracy's packings (NMC 1.0 over a
  // dense 0.3 matrix, true ratio 3.33; blur and noise lower the measured one) >= 2.11 (Poisson CNR 3,
  // PSF 2 voxels); LFP-only J and K 1.84-1.99 (2.76 with a sharp 0.16 um PSF: missed). 2.05 is the
  // middle of the gap, which is thin.
  double min_attenuation_ratio = 2.05;
};

struct BrightPhaseCheck {
  double zero_grey = 0, dark_level = 0, bright_level = 0;
  double attenuation_ratio = 0;  // (bright_level - zero_grey) / (dark_level - zero_grey); inf when dark <= zero
  bool nmc_present = true;
  std::string reason;            // why the bright class is not NMC (empty when it is)
  std::string zero_grey_source;  // the caller's: where the zero grey came from (--pore-grey, air, ...)
};

// `model`: the histogram model of the segmentation (its pure-phase grey levels); `zero_grey`: the grey of
// air / empty pores in the same scan. Throws InputError when zero_grey is not below the bright level
// (it cannot be the grey of zero attenuation).
BrightPhaseCheck check_bright_phase(const PvMixtureModel& model, double zero_grey, const BrightPhaseParams& params = {});

}  // namespace emorph
