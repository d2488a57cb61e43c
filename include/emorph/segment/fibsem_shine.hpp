#pragma once
// The shine-through parameters of a FIB/SEM stack (depth and strength of the solid seen through a pore,
// fibsem_columns.hpp) estimated from the stack itself: they depend on the beam energy, the detector and
// the pore filling, so no single value holds for every instrument. From a labelling, every flat pore
// voxel d slices in front of solid k gives the ratio r = (grey - pore) / (level_k - pore); the median
// ratio per d is fitted by s exp(-d dz / depth) in least squares (s in closed form, depth on a
// logarithmic grid). Medians, not the columns' likelihood: the most probable sequences with a change
// penalty prefer one long strong ramp to a thin CB+PVdF layer in front of a pore, which drove the
// strength to its bound on stacks without NMC (docs/validation.md, issue 14 point 7).
#include <cstdint>

#include "emorph/segment/fibsem_columns.hpp"
#include "emorph/volume.hpp"

namespace emorph {

struct FibsemShineParams {
  // Search bounds. Depths below a quarter slice leave under 2 % of the contrast one slice in front of a
  // solid (exp(-4)): no ramp to fit, so the lower bound is max(min_depth_um, dz / 4).
  double min_depth_um = 0.005, max_depth_um = 0.4;
  double min_strength = 0.0, max_strength = 0.99;
  // Voxels whose in-plane gradient exceeds this share of the grey range are left out: the probe blur
  // mixes a pore with the solid beside it in its slice, which the ratio does not describe. Half the
  // labelling's edge_fraction (0.08).
  double edge_fraction = 0.04;
  // Only solids at least this many noise standard deviations above the pores give ratios (a weak
  // contrast makes the ratio noise), and only gaps with at least min_voxels ratios enter the fit.
  double min_contrast_sigmas = 8;
  int64_t min_voxels = 50;
  double tail_ratio = 0.1;  // the fit ends at the first distance (>= 3) whose median ratio is below it
};

struct FibsemShineEstimate {
  // false: too few pore voxels in front of a contrasted solid, or median ratios that never decay below
  // tail_ratio (the labelling does not follow the model); the given values are kept
  bool fitted = false;
  double depth_um = 0, strength = 0;
  double residual_rms = 0;  // weighted rms of the median ratios about the fitted curve
  int gaps = 0;             // distances d (slices) with enough ratios
  int64_t voxels = 0;       // ratios used
};

// `labels`: pore_label or one of levels.labels (other labels are ignored as solids with no level). With
// fewer than two distances holding min_voxels ratios, or no distance (>= 3) whose median ratio is below
// tail_ratio, returns columns' depth and strength, not fitted.
// Throws InputError for bad bounds or a label shape other than the grey volume's.
FibsemShineEstimate estimate_fibsem_shine(VolumeView<const float> grey, VolumeView<const uint8_t> labels, uint8_t pore_label,
                                          const FibsemColumnLevels& levels, const FibsemColumnParams& columns,
                                          const FibsemShineParams& params = {});

}  // namespace emorph
