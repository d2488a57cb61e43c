// Default measurement lists and grey classes of analyze fitted to its phase table (CONTRACT: "the
// defaults of analyze follow the phases it is given").
#include "emorph/report/analysis_phases.hpp"

#include <algorithm>

namespace emorph {

namespace {

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

void follow(std::vector<std::string>& list, const std::vector<std::string>& default_list, const std::string& key,
            const PhaseTable& table, const std::vector<std::string>& own_phases, std::vector<PhaseListChange>& changes) {
  if (list != default_list) return;
  std::vector<std::string> kept;
  for (const auto& name : list) {
    if (table.find(name))
      kept.push_back(name);
    else
      changes.push_back({key, name, false});
  }
  for (const auto& name : own_phases)
    if (!contains(kept, name)) {
      kept.push_back(name);
      changes.push_back({key, name, true});
    }
  list = kept;
}

}  // namespace

std::vector<PhaseListChange> follow_phase_table(AnalysisConfig& c, const PhaseTable& table) {
  const AnalysisConfig defaults;
  const PhaseTable known = PhaseTable::default_table();
  std::vector<std::string> own, own_solid;
  for (const auto& p : table.phases())
    if (!known.find(p.name)) {
      own.push_back(p.name);
      if (p.name != "pore") own_solid.push_back(p.name);
    }
  std::vector<PhaseListChange> changes;
  follow(c.granulometry, defaults.granulometry, "[measure] granulometry", table, own, changes);
  follow(c.particles, defaults.particles, "[measure] particles", table, own_solid, changes);
  follow(c.tortuosity, defaults.tortuosity, "[measure] tortuosity", table, own, changes);
  const bool classes_known = std::all_of(c.classes.begin(), c.classes.end(), [&](const std::string& n) { return table.find(n); });
  if (c.classes == defaults.classes && !classes_known) {
    std::vector<Phase> phases = table.phases();
    std::sort(phases.begin(), phases.end(), [](const Phase& a, const Phase& b) { return a.label < b.label; });
    for (const auto& name : c.classes) changes.push_back({"[segment] classes", name, false});
    c.classes.clear();
    for (const auto& p : phases)
      if (p.name != "collector") {
        c.classes.push_back(p.name);
        changes.push_back({"[segment] classes", p.name, true});
      }
  }
  return changes;
}

}  // namespace emorph
