#pragma once
// Denoising pre-filters chosen by name, as written on the command line:
//   median:R (R = 1 or 2, same dtype out) | gaussian:SIGMA (voxels) | gaussian:SIGMAum (micrometres) |
//   bilateral:SIGMA_SPATIAL,SIGMA_RANGE (voxels, grey units)   (gaussian and bilateral give float32)
#include <string>

#include "emorph/filter/bilateral.hpp"
#include "emorph/filter/gaussian.hpp"
#include "emorph/filter/median.hpp"
#include "emorph/volume.hpp"

namespace emorph {

struct DenoiseSpec {
  std::string filter;  // "median", "gaussian", "bilateral"
  MedianParams median;
  GaussianParams gaussian;
  BilateralParams bilateral;
};

DenoiseSpec parse_denoise_spec(const std::string& spec, const std::string& option = "--filter");
AnyVolume denoise(const AnyVolume& in, const DenoiseSpec& spec);

}  // namespace emorph
