// Phase selection for reports: table order, then unnamed labels present; named phases are checked.
#include "emorph/measure/phase_selection.hpp"

#include "emorph/error.hpp"

namespace emorph {

std::string absent_phase_message(const Phase& p, const std::string& option) {
  return option + ": phase '" + p.name + "' (label " + std::to_string(p.label) + ") is absent from the volume";
}

int64_t require_phase_present(VolumeView<const uint8_t> labels, const Phase& phase, const std::string& option) {
  int64_t voxels = 0;
  for (int64_t z = 0; z < labels.nz(); ++z)
    for (int64_t y = 0; y < labels.ny(); ++y) {
      const uint8_t* row = labels.row(z, y);
      for (int64_t x = 0; x < labels.nx(); ++x) voxels += row[x * labels.strides().sx] == phase.label;
    }
  require(voxels > 0, absent_phase_message(phase, option));
  return voxels;
}

std::vector<NamedLabel> select_phases(const PhaseTable& table, const std::vector<int64_t>& voxels,
                                      const std::vector<std::string>& only, const std::string& option) {
  auto count = [&](uint8_t l) { return l < voxels.size() ? voxels[l] : int64_t{0}; };
  std::vector<NamedLabel> out;
  if (!only.empty()) {
    for (const auto& name : only) {
      const Phase& p = table.at(name, option);
      require(count(p.label) > 0, absent_phase_message(p, option));
      out.push_back({p.name, p.label});
    }
    return out;
  }
  for (const auto& p : table.phases()) out.push_back({p.name, p.label});
  for (std::size_t l = 0; l < voxels.size(); ++l)
    if (voxels[l] > 0 && !table.find_label(static_cast<uint8_t>(l)))
      out.push_back({table.name_of(static_cast<uint8_t>(l)), static_cast<uint8_t>(l)});
  return out;
}

std::vector<uint8_t> unlisted_labels(const PhaseTable& table, const std::vector<int64_t>& voxels) {
  std::vector<uint8_t> out;
  for (std::size_t l = 0; l < voxels.size() && l < 256; ++l)
    if (voxels[l] > 0 && !table.find_label(static_cast<uint8_t>(l))) out.push_back(static_cast<uint8_t>(l));
  return out;
}

PhaseTable with_unlisted_labels(const PhaseTable& table, const std::vector<uint8_t>& labels) {
  std::vector<Phase> phases = table.phases();
  for (uint8_t l : labels) phases.push_back(table.at("label_" + std::to_string(l)));
  return PhaseTable(std::move(phases));
}

std::string unlisted_labels_warning(const std::vector<uint8_t>& labels, const std::string& option) {
  if (labels.empty()) return "";
  std::string list, names;
  for (uint8_t l : labels) {
    list += (list.empty() ? "" : ", ") + std::to_string(l);
    names += (names.empty() ? "" : ", ") + std::string("label_") + std::to_string(l);
  }
  return std::string(labels.size() == 1 ? "label " : "labels ") + list + " not in the phase table: measured as " +
         names + " (name them with " + option + ")";
}

}  // namespace emorph
