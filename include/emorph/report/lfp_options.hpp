#pragma once
// The [lfp] section of `emorph analyze`: how the matrix grey becomes the LFP profile (Etiemble et al.
// 2017, section 3.3). One of calibration, mean or composition turns the step on.
#include <optional>
#include <string>

#include "emorph/result.hpp"

namespace emorph {

struct LfpOptions {
  std::string calibration;                 // --lfp-calibration CAL.json (emorph calibrate --lfp-fraction)
  std::optional<double> mean;              // --lfp-mean F: the electrode's LFP volume fraction (0..1)
  std::optional<double> pore_grey;         // --pore-grey G: grey of zero LFP (pores, air; CB/PVdF alike)
  std::string composition;                 // --composition NMC=44,LFP=44,PVdF=7.5,CB=4.5 (wt%) -> F
  std::optional<double> porosity_percent;  // --porosity, or --loading (mg/cm2) with --thickness (um;
  std::optional<double> loading_mg_per_cm2;  // default: the measured electrode thickness)
  std::optional<double> thickness_um;
  std::string bet;                         // --bet NMC=0.28,LFP=18.3,CB=65: theoretical SSA in the comparison
  std::optional<double> erosion_um;        // matrix kept this far from NMC/collector (default: measured blur width)
  std::string known_mean_source;           // who set `mean` when not the user (the demo says so here)
  std::string pore_grey_source;

  bool active() const { return !calibration.empty() || mean || !composition.empty(); }
};

// Members set in `given` replace those of `into` (command line over config file).
void apply_lfp_overrides(const LfpOptions& given, LfpOptions& into);

// The options as recorded in results.json's parameters (unset members omitted).
Json lfp_options_json(const LfpOptions& options);

}  // namespace emorph
