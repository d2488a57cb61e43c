#pragma once
// The calibration figure (the paper's Figure S5b): reference samples' matrix grey against their LFP
// fraction of the matrix, with the fitted line.
#include <string>

#include "emorph/measure/lfp_calibration.hpp"

namespace emorph {

// A standalone SVG document.
std::string lfp_calibration_svg(const LfpCalibration& calibration);

}  // namespace emorph
