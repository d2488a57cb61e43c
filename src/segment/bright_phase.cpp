// Bright class = NMC or dense LFP, by the Beer-Lambert attenuation ratio of the two pure-phase grey
// levels above the grey of zero attenuation (Etiemble et al. 2017, section 3.3: the matrix grey is
// proportional to its LFP content, zero at the pores' grey).
#include "emorph/segment/bright_phase.hpp"

#include <cmath>
#include <limits>
#include <sstream>

#include "emorph/error.hpp"

namespace emorph {

BrightPhaseCheck check_bright_phase(const PvMixtureModel& m, double zero_grey, const BrightPhaseParams& p) {
  require(std::isfinite(zero_grey), "--pore-grey: the grey of zero attenuation must be finite");
  require(p.min_attenuation_ratio > 1, "bright phase: min_attenuation_ratio must exceed 1");
  BrightPhaseCheck c;
  c.zero_grey = zero_grey;
  c.dark_level = m.level_dark;
  c.bright_level = m.level_bright;
  require(zero_grey < c.bright_level, "--pore-grey " + std::to_string(zero_grey) +
                                          " is not below the bright phase's grey level " + std::to_string(c.bright_level) +
                                          ": it cannot be the grey of air or empty pores");
  // A matrix as dark as air (NMC in pores and carbon only) makes the ratio unbounded: NMC.
  c.attenuation_ratio = c.dark_level > zero_grey ? (c.bright_level - zero_grey) / (c.dark_level - zero_grey)
                                                 : std::numeric_limits<double>::infinity();
  c.nmc_present = c.attenuation_ratio >= p.min_attenuation_ratio;
  if (!c.nmc_present) {
    std::ostringstream s;
    s.precision(3);
    s << "no resolved NMC: the bright class attenuates only " << c.attenuation_ratio << " times as much as the matrix";
    s.precision(6);
    s << " above the zero grey " << zero_grey << " (limit "
      << p.min_attenuation_ratio << "; NMC over an electrode matrix: >= 2.11 measured, dense LFP over a porous LFP matrix: ~2), so it is LFP of an LFP-only electrode, "
      << "not a phase to threshold";
    c.reason = s.str();
  }
  return c;
}

}  // namespace emorph
