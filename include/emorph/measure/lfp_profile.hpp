#pragma once
// The LFP volume-fraction profile of an XCT electrode from grey levels (Etiemble et al. 2017, section
// 3.3, Figure S5c): in each slice, LFP = (LFP fraction of the matrix, from the matrix's mean grey
// through a linear map) x (the slice's matrix fraction). The map is a calibration on reference samples,
// or a self-calibration: zero at the grey of the non-attenuating phases (pores, air; CB/PVdF
// attenuates alike) and scaled so that the electrode's mean LFP fraction is the known one.
#include <optional>
#include <string>
#include <vector>

#include "emorph/measure/lfp_calibration.hpp"
#include "emorph/measure/matrix_grey.hpp"
#include "emorph/measure/profile_stats.hpp"

namespace emorph {

struct LinearMap {
  double slope = 0, intercept = 0;
  double operator()(double grey) const { return intercept + slope * grey; }
};

// LFP fraction of the matrix = intercept + slope * grey, and the maps its uncertainty allows.
struct LfpGreyMap {
  std::string source;  // "calibration" or "known_mean"
  LinearMap map;
  // One standard error either way: the calibration line shifted by its prediction error at the
  // sample's mean grey and tilted by its slope error about it; the self-calibration with the zero
  // grey moved by its standard error. Empty when the error is unknown (2 samples, a given zero grey).
  std::vector<LinearMap> alternatives;
  std::optional<double> zero_grey;   // known_mean: grey of zero LFP
  std::optional<double> known_mean;  // known_mean: electrode LFP volume fraction
};

// Matrix-weighted mean grey over the slices of `range`: sum(m_i g_i) / sum(m_i), the grey whose
// calibrated value is the LFP fraction of the whole matrix (what `emorph calibrate` is fed with).
double matrix_mean_grey(const MatrixGreyProfile& profile, SliceRange range);

// The calibration as a map; the band from its prediction error at the sample's mean grey.
LfpGreyMap calibration_map(const LfpCalibration& calibration, double sample_matrix_grey);

// Self-calibration on `electrode` slices: mean over them of LFP_i equals known_mean (0..1).
// `zero_grey_stderr` (grey units) enters the band. Throws InputError when the matrix is not brighter
// than the zero grey (then the grey carries no LFP signal).
LfpGreyMap self_calibrated_map(const MatrixGreyProfile& profile, SliceRange electrode, double zero_grey,
                               double zero_grey_stderr, double known_mean);

inline constexpr double kBandStandardErrors = 2.0;  // LfpProfile bands: +-2 standard errors of the fit

struct LfpProfile {
  std::vector<double> position_um;
  std::vector<double> fraction;            // LFP volume fraction of each slice (NaN: no matrix voxel averaged)
  std::vector<double> fraction_of_matrix;  // the calibrated LFP fraction of the slice's matrix
  ProfileStats bulk;                       // over the bulk window
  // Bands over the bulk window: every combination of the map at +-1 standard error and the matrix
  // fraction at the segmentation band's two thresholds (the map's only, without a band), widened by
  // kBandStandardErrors standard errors of the bulk slices' least-squares fit (mean and slope).
  double mean_low = 0, mean_high = 0, slope_low = 0, slope_high = 0;
  double mean_stderr = 0, slope_stderr = 0;  // of the bulk fit: residual sd / sqrt(n), and the slope's
  double electrode_mean = 0;               // mean over the electrode slices
};

// Slices of `bulk` must hold averaged matrix voxels. Throws InputError otherwise.
LfpProfile lfp_profile(const MatrixGreyProfile& profile, const LfpGreyMap& map, SliceRange electrode, SliceRange bulk);

// The same profile reshaped by another estimate of its slices (lfp_forward_model): bulk statistics of
// `fraction`; bands: the envelope of `shipped`'s and the new bulk values, widened by 2 standard errors
// of the new profile's own least-squares fit.
LfpProfile reshaped_lfp_profile(const LfpProfile& shipped, std::vector<double> fraction, std::vector<double> fraction_of_matrix,
                                SliceRange electrode, SliceRange bulk);

}  // namespace emorph
