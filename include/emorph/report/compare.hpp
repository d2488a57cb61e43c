#pragma once
// `emorph compare`: several analyses side by side, like the paper's Table 1 (thickness, phase
// fractions, bulk mean, RSD and slope of each phase's profile) with overlaid profiles and sizes.
#include <string>
#include <vector>

#include "emorph/result.hpp"

namespace emorph {

struct CompareParams {
  std::vector<std::string> results;  // results folders or results.json files of `emorph analyze`
  std::vector<std::string> names;    // sample names (default: folder names)
  std::string out_dir = "emorph-compare";
};

// Writes out_dir/table.csv, out_dir/compare.json and out_dir/report.html; returns the table as JSON
// (one object per sample). Throws InputError naming a file that is missing or not an analysis, or
// when no sample has any usable figure. A sample whose analysis failed or holds no fractions still
// gets its row (blank cells) and a warning, added to `warnings` and to compare.json "warnings".
Json compare_analyses(const CompareParams& params, std::vector<std::string>* warnings = nullptr);

}  // namespace emorph
