#pragma once
// The paper's multiscale composition (Etiemble et al. 2017, Table 2 and section 3.3.3): XCT resolves
// NMC against an LFP + CB/PVdF + pore matrix, FIB/SEM resolves that matrix; the FIB/SEM matrix shares
// split the XCT matrix into LFP, CBD and pores, giving electrode-level vol% of all four phases.
#include <optional>
#include <string>

#include "emorph/result.hpp"

namespace emorph {

// Which scale an analyze result is: "xct" (an unresolved matrix phase, or NMC alone), "fibsem" (LFP,
// CBD and pore resolved), or "" (neither).
std::string result_scale(const Json& results);

// From the results objects of an XCT and a FIB/SEM analysis of the same electrode: fibsem_ratios
// (LFP/pore, LFP/CBD, shares of the matrix), phases.<name>.vol_percent (electrode level, the four
// phases), and where the XCT result has the grey-calibrated LFP: lfp_xct_grey_vol_percent and
// phases_with_xct_lfp (LFP from XCT grey, the rest of the matrix split by FIB/SEM's CBD/pore ratio).
// InputError naming the result when a needed fraction is missing.
Json multiscale_decomposition(const Json& xct, const Json& fibsem);

}  // namespace emorph
