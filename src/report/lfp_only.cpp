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

}  // namespace emorph
