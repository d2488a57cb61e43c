#pragma once
// Electrode region of a grey volume along the thickness axis: where the electrode starts (current
// collector side, index 0 by convention) and where its top surface is, and the measured thickness.
#include <cstdint>
#include <vector>

#include "emorph/volume.hpp"

namespace emorph {

struct GreyRegionParams {
  int axis = 0;          // thickness axis (0 z, 1 y, 2 x)
  double level = 0.5;    // boundary where the heterogeneity crosses this share of the way from the
                         // baseline (least heterogeneous slice) to the bulk plateau
  double min_contrast = 0.3;   // plateau - baseline below this share of the plateau: no boundary found
                               // (slice-to-slice scatter of a uniform electrode stays well below it)
};

struct GreyRegion {
  int axis = 0;
  std::vector<double> slice_mean, slice_std;  // grey mean and standard deviation of each slice
  double baseline_std = 0, plateau_std = 0;   // least heterogeneous slice, bulk (median of the slices above the level)
  bool lower_found = false, upper_found = false;  // a boundary inside the volume on that side
  double start_um = 0, end_um = 0;            // sub-voxel boundary positions (0 at the first slice's lower face)
  int64_t first_slice = 0, last_slice = 0;    // inclusive: slices whose centre lies in [start, end]
  double thickness_um = 0;
};

// A slice inside the electrode mixes phases, so its grey values spread widely; the collector (one dense
// material) and the space above the surface (epoxy, void) are nearly uniform. The electrode is the run
// of slices around the most heterogeneous one whose standard deviation stays above the half-way level
// between baseline and plateau; boundaries are interpolated linearly between slice centres.
template <class T>
GreyRegion grey_electrode_region(VolumeView<const T> grey, const GreyRegionParams& params = {});

}  // namespace emorph
