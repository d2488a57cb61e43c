#pragma once
// Named phases of a label volume (CONTRACT.md): default 0 pore, 1 NMC, 2 LFP, 3 CBD, 4 collector, 5 matrix.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace emorph {

struct Phase {
  std::string name;
  uint8_t label = 0;
  std::optional<double> density_g_cm3;  // for mass-based figures (specific surface in m2/g)
  std::string colour;                    // "#rrggbb" used in overlays and plots
};

class PhaseTable {
 public:
  PhaseTable() = default;
  explicit PhaseTable(std::vector<Phase> phases);  // throws InputError on duplicate names or labels

  // pore=0, NMC=1 (4.75 g/cm3), LFP=2 (3.57), CBD=3 (1.8), collector=4 (2.70), and matrix=5: the
  // LFP + CBD + pore mixture that XCT at ~0.3 um cannot resolve (the paper's "matrix" around NMC).
  static PhaseTable default_table();
  // Parses "pore=0,NMC=1,..." (the --phases option); densities and colours from the default table by name.
  static PhaseTable parse(const std::string& spec, const std::string& option = "--phases");
  // Applies "NMC=4.75,LFP=3.57" (the --density option); unknown names are an error.
  void set_densities(const std::string& spec, const std::string& option = "--density");

  const std::vector<Phase>& phases() const { return phases_; }
  const Phase* find(const std::string& name) const;
  const Phase* find_label(uint8_t label) const;
  // Throws InputError naming the option when the phase is unknown. "label_<n>" names label n when the
  // table has no phase with that label (the CONTRACT's name for labels outside the table).
  const Phase& at(const std::string& name, const std::string& option = "--phase") const;
  // Name of a label, or "label_<n>" for labels not in the table.
  std::string name_of(uint8_t label) const;

 private:
  std::vector<Phase> phases_;
};

// Parses "a=1.5,b=2" into (name, value) pairs; throws InputError naming `option` on bad syntax.
std::vector<std::pair<std::string, double>> parse_name_values(const std::string& spec, const std::string& option);

}  // namespace emorph
