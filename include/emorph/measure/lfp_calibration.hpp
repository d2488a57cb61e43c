#pragma once
// The paper's LFP density calibration (Etiemble et al. 2017, section 3.3 and Figure S5): the mean grey
// of the LFP + CB/PVdF + pore matrix is linear in its LFP volume fraction (Beer-Lambert, CB/PVdF
// attenuating like the pores), fitted on reference samples of known composition.
#include <cstdint>
#include <string>
#include <vector>


namespace emorph {

// The "kind" of a saved LFP calibration (CAL.json).
inline constexpr const char* kLfpCalibrationKind = "lfp_fraction_of_matrix";

// LFP volume fraction of the matrix = intercept + slope * mean grey of the matrix.
struct LfpCalibration {
  int64_t samples = 0;
  double slope = 0, intercept = 0;  // fraction per grey unit, fraction at grey 0
  double r_squared = 0;             // NaN when the fractions are all equal
  // Standard errors of the fit (NaN with 2 samples): the calibration's share of the LFP bands.
  double slope_stderr = 0, intercept_stderr = 0;
  double grey_mean = 0, grey_sxx = 0, residual_std = 0;  // for the prediction error at any grey
  std::vector<double> grey, lfp_fraction, residuals;     // the samples and fraction - fit per sample
  std::string source;                                     // file it was read from ("" when fitted here)

  double fraction(double matrix_grey) const { return intercept + slope * matrix_grey; }
  // Standard error of the fitted line at `matrix_grey` (NaN with 2 samples).
  double fraction_stderr(double matrix_grey) const;
};

// Least squares over >= 2 (grey, fraction) pairs with distinct grey values, fractions in [0, 1].
// Throws InputError naming --grey / --lfp-fraction.
LfpCalibration fit_lfp_calibration(const std::vector<double>& matrix_grey, const std::vector<double>& lfp_fraction);

}  // namespace emorph
