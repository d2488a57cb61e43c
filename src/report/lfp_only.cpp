// The zero-attenuation grey of analyze's NMC check on grey inputs (Beer-Lambert; Etiemble et al. 2017,
// section 3.3: the pores' grey is the zero of the LFP map): given, or imaged as air beside the electrode.
#include "emorph/report/lfp_only.hpp"

namespace emorph {

std::optional<double> zero_attenuation_grey(const LfpOptions& lfp, const std::optional<ElectrodeLayers>& layers,
                                            std::string& source) {
  if (lfp.pore_grey) {
    source = lfp.pore_grey_source.empty() ? "--pore-grey" : lfp.pore_grey_source;
    return lfp.pore_grey;
  }
  if (layers && layers->upper == EndLayer::air) {
    source = "air above the electrode";
    return layers->upper_mean_grey;
  }
  if (layers && layers->lower == EndLayer::air) {
    source = "air below the electrode";
    return layers->lower_mean_grey;
  }
  return std::nullopt;
}

Json unchecked_bright_phase() {
  return {{"checked", false},
          {"assumed", "NMC"},
          {"reason", "the bright class is taken as NMC: the grey of zero attenuation (air or empty pores) is unknown "
                     "(no air layer beside the electrode, no --pore-grey), so dense LFP of an LFP-only electrode "
                     "cannot be told from NMC"},
          {"options", {"--pore-grey G (the grey of air / empty pores in this scan): checks the bright class, and an "
                       "LFP-only electrode is then one matrix, its LFP from the grey levels with --lfp-mean F",
                       "--method manual:-1 --classes pore,matrix --lfp-calibration CAL.json (an LFP-only electrode as "
                       "one matrix, its LFP from a calibration on reference samples)"}}};
}

}  // namespace emorph
