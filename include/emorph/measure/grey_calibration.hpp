#pragma once
// Grey-level density profiles: the mean grey value of a masked set of phases in every slice, and a
// linear grey -> density calibration fitted on (mean grey, known density) pairs of several samples
// (Beer-Lambert: attenuation is linear in density at fixed composition; the paper's Figure S5).
#include <cstdint>
#include <optional>
#include <vector>

#include "emorph/volume.hpp"

namespace emorph {

struct GreyProfileParams {
  int axis = 0;
  std::vector<uint8_t> mask_labels;  // the phases averaged (e.g. pore, LFP, CBD: the matrix around NMC)
};

struct GreyProfile {
  std::vector<double> position_um;  // slice centres along the axis (spacing of the label volume)
  std::vector<double> mean_grey;    // NaN where a slice has no masked voxel
  std::vector<int64_t> voxels;      // masked voxels per slice
};

// grey and labels must have the same shape; any grey dtype of AnyVolume.
GreyProfile grey_profile(const AnyVolume& grey, VolumeView<const uint8_t> labels, const GreyProfileParams& params);
// The same on a view (no copy), for T in uint8, int8, uint16, int16, uint32, int32, float.
template <class T>
GreyProfile grey_profile(VolumeView<const T> grey, VolumeView<const uint8_t> labels, const GreyProfileParams& params);

// The streamed route: per-slice grey sums and voxel counts of the masked phases, added slab by slab
// (slab = slices z0 .. of a volume of shape whole_shape). For integer grey volumes the sums are exact
// integers, so grey_profile(sums) equals grey_profile of the whole volume.
struct GreyProfileSums {
  int axis = 0;
  std::vector<double> sums;
  std::vector<int64_t> voxels;
};
template <class T>
void accumulate_grey_profile(GreyProfileSums& whole, VolumeView<const T> grey, VolumeView<const uint8_t> labels,
                             int64_t z0, const Shape& whole_shape, const GreyProfileParams& params);
GreyProfile grey_profile(const GreyProfileSums& sums, double slice_um);

struct GreyCalibration {
  int64_t samples = 0;
  double slope = 0;       // density per grey unit
  double intercept = 0;   // density at grey 0
  double r_squared = 0;
  double density(double grey) const { return intercept + slope * grey; }
};

// Least squares density = intercept + slope * grey over >= 2 pairs with distinct grey values.
GreyCalibration fit_grey_calibration(const std::vector<double>& mean_grey, const std::vector<double>& density_g_cm3);

}  // namespace emorph
