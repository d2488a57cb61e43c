#pragma once
// Phase fraction profiles: the fraction of each label in every slice perpendicular to an axis, at the
// slice centres in um, optionally averaged over a moving window of slices.
#include <cstdint>
#include <vector>

#include "emorph/measure/fractions.hpp"

namespace emorph {

struct ProfileParams {
  int axis = 0;
  int window = 1;  // odd number of slices averaged around each slice (truncated at the ends); 1 = none
};

struct FractionProfile {
  int axis = 0;
  std::vector<double> position_um;           // slice centres, 0 at the first slice's lower face
  std::vector<std::vector<double>> fraction;  // [label][slice], labels 0 .. num_labels-1
};

// From slice counts along params.axis (counts.axis must equal it); slice_um: voxel size along the axis.
FractionProfile fraction_profile(const SliceLabelCounts& counts, double slice_um, const ProfileParams& params = {});

// Convenience: counts the volume along params.axis first (spacing from the view).
FractionProfile fraction_profile(VolumeView<const uint8_t> labels, const ProfileParams& params = {});

// Centred moving average over `window` (odd) samples, truncated at the ends.
std::vector<double> moving_average(const std::vector<double>& values, int window);

}  // namespace emorph
