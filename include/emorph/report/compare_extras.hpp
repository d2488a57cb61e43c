#pragma once
// Sections of `emorph compare` for composition and scales: measured against composition vol% and SSA
// (the paper's Tables 1 and 4) per sample, and the XCT + FIB/SEM decomposition of one electrode
// (Table 2) when the results are one XCT and one FIB/SEM analysis.
#include <string>
#include <vector>

#include "emorph/report/html_report.hpp"
#include "emorph/result.hpp"

namespace emorph {

// Adds the report tables and writes out_dir/composition.csv and, for an XCT + FIB/SEM pair,
// out_dir/multiscale.json and out_dir/multiscale.csv.
void compare_composition_and_scales(HtmlReport& report, const std::vector<Json>& results,
                                    const std::vector<std::string>& names, const std::string& out_dir);

}  // namespace emorph
