#pragma once
// Contrast normalisation along z of a FIB/SEM stack: per-slice mean and standard deviation matched to
// a target, or per-slice histogram matching to a reference slice.
#include <string>
#include <vector>

#include "emorph/volume.hpp"

namespace emorph {

enum class IntensityMethod { mean_std, histogram };

struct IntensityNormaliseParams {
  IntensityMethod method = IntensityMethod::mean_std;
  // -1: mean_std targets the stack's average slice mean and standard deviation, histogram matches the
  // middle slice; otherwise the slice whose statistics (or histogram) every slice is given.
  int64_t reference_slice = -1;
  int histogram_bins = 4096;  // histogram matching resolution
};

struct IntensityNormaliseResult {
  Volume<float> stack;
  std::vector<double> slice_mean, slice_std;  // before correction
  double target_mean = 0, target_std = 0;
};

IntensityMethod parse_intensity_method(const std::string& name, const std::string& option);

// Throws InputError for an empty or non-finite stack, a constant slice (naming it), a bad reference.
IntensityNormaliseResult normalise_intensity(VolumeView<const float> stack, const IntensityNormaliseParams& params = {});

}  // namespace emorph
