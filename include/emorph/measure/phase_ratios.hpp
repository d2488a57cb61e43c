#pragma once
// Ratios of phase volume fractions (the paper's Table 2: LFP/porosity, LFP/CB+PVdF).
#include <string>
#include <vector>

#include "emorph/measure/fractions.hpp"
#include "emorph/phase_table.hpp"

namespace emorph {

struct PhaseRatio {
  std::string name;  // "<numerator>/<denominator>"
  std::string numerator, denominator;
  double ratio = 0;  // NaN when the denominator phase is absent
};

// spec: "LFP/pore,LFP/CBD" (names from the table; unknown names are an InputError naming `option`).
// Empty spec: every solid phase present over "pore", and over "CBD" for the other solids, when
// those are present ("collector" excluded).
std::vector<PhaseRatio> phase_ratios(const PhaseFractions& fractions, const PhaseTable& table, const std::string& spec,
                                     const std::string& option = "--ratios");

}  // namespace emorph
