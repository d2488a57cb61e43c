#include "emorph/phase_table.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <sstream>

#include "emorph/error.hpp"
#include "emorph/text.hpp"
#include "emorph/parse.hpp"

namespace emorph {

PhaseTable::PhaseTable(std::vector<Phase> phases) : phases_(std::move(phases)) {
  std::set<std::string> names;
  std::set<int> labels;
  for (const auto& p : phases_) {
    if (p.name.empty()) throw InputError("phase table: empty phase name");
    // '|' joins two names in the interface keys ("NMC|pore"): a name holding it would be ambiguous.
    if (p.name.find('|') != std::string::npos)
      throw InputError("phase table: phase name '" + printable(p.name) + "' contains '|' (reserved for interface keys)");
    if (!names.insert(p.name).second) throw InputError("phase table: phase '" + p.name + "' given twice");
    if (!labels.insert(p.label).second)
      throw InputError("phase table: label " + std::to_string(p.label) + " given to two phases");
  }
}

PhaseTable PhaseTable::default_table() {
  return PhaseTable({{"pore", 0, std::nullopt, "#1f1f3a"},
                     {"NMC", 1, 4.75, "#e4572e"},
                     {"LFP", 2, 3.57, "#17bebb"},
                     {"CBD", 3, 1.8, "#ffc914"},
                     {"collector", 4, 2.70, "#9e9e9e"},
                     {"matrix", 5, std::nullopt, "#3d5a80"}});
}

std::vector<std::pair<std::string, double>> parse_name_values(const std::string& spec, const std::string& option) {
  std::vector<std::pair<std::string, double>> out;
  if (spec.empty()) throw InputError(option + ": empty list (expected NAME=VALUE[,NAME=VALUE...])");
  std::vector<std::string> names;
  for (const std::string& item : split_list(spec, option)) {
    auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == item.size())
      throw InputError(option + ": expected NAME=VALUE[,NAME=VALUE...], got '" + printable(spec) + "'");
    std::string name = item.substr(0, eq), value = item.substr(eq + 1);
    std::size_t used = 0;
    double v = 0;
    try {
      v = std::stod(value, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != value.size() || !std::isfinite(v))
      throw InputError(option + ": '" + printable(value) + "' is not a number (in '" + printable(item) + "')");
    out.emplace_back(name, v);
    names.push_back(name);
  }
  require_unique_names(names, option);
  return out;
}

PhaseTable PhaseTable::parse(const std::string& spec, const std::string& option) {
  const PhaseTable defaults = default_table();
  std::vector<Phase> phases;
  for (const auto& [name, value] : parse_name_values(spec, option)) {
    if (value < 0 || value > 255 || value != std::floor(value))
      throw InputError(option + ": label of '" + name + "' must be an integer in 0..255");
    Phase p{name, static_cast<uint8_t>(value), std::nullopt, ""};
    if (const Phase* d = defaults.find(name)) {
      p.density_g_cm3 = d->density_g_cm3;
      p.colour = d->colour;
    }
    phases.push_back(p);
  }
  static const char* palette[] = {"#4c78a8", "#f58518", "#54a24b", "#b279a2", "#eeca3b", "#9d755d"};
  std::size_t k = 0;
  for (auto& p : phases)
    if (p.colour.empty()) p.colour = palette[k++ % 6];
  try {
    return PhaseTable(std::move(phases));
  } catch (const InputError& e) {
    throw InputError(option + ": " + e.what());
  }
}

void PhaseTable::set_densities(const std::string& spec, const std::string& option) {
  for (const auto& [name, value] : parse_name_values(spec, option)) {
    auto it = std::find_if(phases_.begin(), phases_.end(), [&name = name](const Phase& p) { return p.name == name; });
    if (it == phases_.end()) throw InputError(option + ": unknown phase '" + name + "'");
    if (value <= 0) throw InputError(option + ": density of '" + name + "' must be positive");
    it->density_g_cm3 = value;
  }
}

const Phase* PhaseTable::find(const std::string& name) const {
  for (const auto& p : phases_)
    if (p.name == name) return &p;
  return nullptr;
}

const Phase* PhaseTable::find_label(uint8_t label) const {
  for (const auto& p : phases_)
    if (p.label == label) return &p;
  return nullptr;
}

namespace {

// "label_<n>" with n in 0..255 written without sign or leading zeros, else nullopt.
std::optional<uint8_t> unlisted_label_number(const std::string& name) {
  const std::string prefix = "label_";
  if (name.size() <= prefix.size() || name.size() > prefix.size() + 3 || name.compare(0, prefix.size(), prefix) != 0)
    return std::nullopt;
  const std::string digits = name.substr(prefix.size());
  if (digits.find_first_not_of("0123456789") != std::string::npos || (digits.size() > 1 && digits[0] == '0'))
    return std::nullopt;
  const int n = std::stoi(digits);
  if (n > 255) return std::nullopt;
  return static_cast<uint8_t>(n);
}

// The phases "label_0" .. "label_255" that stand for labels outside a table (CONTRACT: no voxel is
// dropped; such labels are measured under these names). Built once, shared by every table.
const std::array<Phase, 256>& unlisted_phases() {
  static const std::array<Phase, 256> phases = [] {
    static const char* palette[] = {"#8c564b", "#7f7f7f", "#bcbd22", "#17becf", "#aec7e8", "#c49c94"};
    std::array<Phase, 256> a;
    for (int l = 0; l < 256; ++l) a[l] = {"label_" + std::to_string(l), static_cast<uint8_t>(l), std::nullopt, palette[l % 6]};
    return a;
  }();
  return phases;
}

}  // namespace

const Phase& PhaseTable::at(const std::string& name, const std::string& option) const {
  if (const Phase* p = find(name)) return *p;
  if (const auto label = unlisted_label_number(name)) {
    if (const Phase* named = find_label(*label))
      throw InputError(option + ": label " + std::to_string(*label) + " is the phase '" + named->name +
                       "' in the phase table; use that name");
    return unlisted_phases()[*label];
  }
  std::string known;
  for (const auto& p : phases_) known += (known.empty() ? "" : ", ") + p.name;
  throw InputError(option + ": unknown phase '" + name + "' (known: " + known + ")");
}

std::string PhaseTable::name_of(uint8_t label) const {
  if (const Phase* p = find_label(label)) return p->name;
  return "label_" + std::to_string(label);
}

}  // namespace emorph
