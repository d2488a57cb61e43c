#pragma once
// analyze's defaults follow the phases it is given: measurement lists and grey classes left at their
// defaults are fitted to the phase table, so `--phases pore=0,fiber=1` measures pore and fiber.
#include <string>
#include <vector>

#include "emorph/phase_table.hpp"
#include "emorph/report/analysis_config.hpp"

namespace emorph {

struct PhaseListChange {
  std::string list;   // "[measure] particles", "[segment] classes", ...
  std::string phase;  // the phase dropped or added
  bool added = false;
};

// For each of granulometry, particles and tortuosity still equal to its default: the default names the
// table lacks are dropped, and the table's phases that the default table does not know (e.g. "fiber")
// are added (particles: every such phase but one named "pore"). Grey classes still at their default
// that the table lacks become the table's phases in label order (collector left out). Lists the user
// set are left as they are (an unknown name is then an error of the step). Returns the changes.
std::vector<PhaseListChange> follow_phase_table(AnalysisConfig& config, const PhaseTable& table);

}  // namespace emorph
