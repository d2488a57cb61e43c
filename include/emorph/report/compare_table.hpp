#pragma once
// The readable side of `emorph compare`: the cross-sample table with grouped headers, units and rounded
// values, one stable colour per sample, and the warnings for failed or partial inputs.
#include <set>
#include <string>
#include <vector>

#include "emorph/report/html_report.hpp"
#include "emorph/result.hpp"

namespace emorph {

// Sample i's colour in every plot of the compare report.
std::string sample_colour(std::size_t index);

// Phases of the electrode (the collector is not): those a table of the electrode lists.
bool is_electrode_phase(const std::string& phase);

// Adds the grouped tables: sample (thickness) and vol% of the electrode per phase; each phase's bulk
// profile (mean, RSD, slope ± SE and band); particle sizes (D10, D50, D90), surfaces (1/um, m2/g), tau.
void readable_compare_table(HtmlReport& report, const std::vector<Json>& results, const std::vector<std::string>& names,
                            const std::set<std::string>& phases);

// Steps that some samples have and others lack ("B: no particles results; its cells are blank").
std::vector<std::string> partial_input_warnings(const std::vector<Json>& results, const std::vector<std::string>& names);

}  // namespace emorph
