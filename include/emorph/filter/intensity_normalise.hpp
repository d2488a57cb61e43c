#pragma once
// Contrast normalisation along z of a FIB/SEM stack: the grey levels of the phases tracked slice by slice
// and mapped linearly onto their stack-wide levels (phase_modes, the FIB/SEM route's default); or the
// per-slice mean and standard deviation matched to a target, or per-slice histogram matching to a
// reference slice. The last two assume that every slice holds the same mix of phases: a slice cut
// through a large particle gets its contrast stretched (see docs/fibsem_prep.md).
#include <string>
#include <vector>

#include "emorph/volume.hpp"

namespace emorph {

enum class IntensityMethod { mean_std, histogram, phase_modes };

struct IntensityNormaliseParams {
  IntensityMethod method = IntensityMethod::mean_std;
  // -1: mean_std targets the stack's average slice mean and standard deviation, histogram matches the
  // middle slice; otherwise the slice whose statistics (or histogram) every slice is given.
  int64_t reference_slice = -1;
  int histogram_bins = 4096;  // histogram matching resolution
  // phase_modes: modes of the stack's histogram holding at least this share of its voxels are the
  // reference levels; a slice's own mode counts when it holds at least this share of the slice.
  double min_mode_share = 0.02;
  // phase_modes: the per-slice gain and offset are smoothed along z by a weighted least-squares
  // polynomial of this degree (contrast drifts slowly with the milling; one slice's fit is noisy).
  int z_order = 1;
};

struct IntensityNormaliseResult {
  Volume<float> stack;
  std::vector<double> slice_mean, slice_std;  // before correction
  double target_mean = 0, target_std = 0;
  // phase_modes: the reference levels, and per slice the fitted map in -> gain * in + offset.
  std::vector<double> reference_levels, slice_gain, slice_offset;
};

IntensityMethod parse_intensity_method(const std::string& name, const std::string& option);

// Throws InputError for an empty or non-finite stack, a constant slice (naming it), a bad reference.
IntensityNormaliseResult normalise_intensity(VolumeView<const float> stack, const IntensityNormaliseParams& params = {});

}  // namespace emorph
