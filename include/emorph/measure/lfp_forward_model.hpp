#pragma once
// Gaussian PSF forward model of the XCT matrix grey beside NMC, with a fringe column for model selection
// (issue 16, stops 17 and 19; the grey route of Etiemble et al. 2017, section 3.3): per slice, the grey is
// fitted as g_NMC G*NMC + g G*matrix + h G*near + e G*edge (+ f lap(G*NMC)); the fringe coefficient f per
// unit contrast over the fitted PSF sigma^2 (X) says whether the Gaussian model explains the image (X
// above -threshold: use the model's profile) or a phase-contrast fringe breaks it (keep the eroded route).
// The reference implementation is scripts/lfp_route_decision.py (with scripts/lfp_forward_model_sweep.py).
#include <cstdint>
#include <string>
#include <vector>

#include "emorph/measure/profile_stats.hpp"
#include "emorph/volume.hpp"

namespace emorph {

struct LfpForwardModelParams {
  int axis = 0;                     // slicing axis of the profile (0 z, 1 y, 2 x)
  double near_um = 1.5;             // the near-NMC shell column: matrix within this distance of NMC
  double fringe_threshold = 0.28;   // X < -fringe_threshold keeps the shipped (eroded) route
  SliceRange bulk;                  // X is the median over these slices
};

struct LfpForwardModel {
  double psf_sigma_voxels = 0;                // edge fit of the mean grey against the signed NMC distance
  std::vector<double> matrix_grey;            // per slice, g + h x near share of the matrix (NaN: no matrix)
  std::vector<double> fringe_per_contrast;    // per slice, f / (g_NMC - g) in voxel^2 (NaN: no matrix)
  std::vector<double> slice_mean_grey;        // per slice, all voxels
  double fringe_over_blur = 0;                // X: median over the bulk of fringe_per_contrast / sigma^2
  bool use_model = false;                     // X >= -fringe_threshold
  std::string reason;                         // why the route was picked, in words
};

// `nmc`: 1 on NMC voxels (the labels), `nmc_grey`: NMC's deep grey. Throws InputError when the volume has
// no NMC or no matrix voxel, or the bulk range lies outside the slices.
LfpForwardModel lfp_forward_model(const AnyVolume& grey, VolumeView<const uint8_t> nmc, double nmc_grey,
                                  const LfpForwardModelParams& params);

// The model's LFP profile: zero_grey is the grey of zero LFP (the map's), the per-slice matrix fraction is
// unmixed from the slice mean grey, clip((g_NMC - mean) / (g_NMC - g), 0, 1); the shape (g - zero) x that
// fraction is scaled so that its mean over `bulk` equals `bulk_mean` (the shipped route's level).
// Slices without matrix: fraction 0, fraction of the matrix NaN.
struct LfpModelProfile {
  std::vector<double> fraction, fraction_of_matrix;
};
LfpModelProfile lfp_forward_model_profile(const LfpForwardModel& model, double nmc_grey, double zero_grey,
                                              SliceRange bulk, double bulk_mean);

}  // namespace emorph
