#pragma once
// Which phases a measurement reports: the table's phases (present or not) plus labels present in the
// volume but missing from the table ("label_<n>"), or only the phases the user named.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "emorph/phase_table.hpp"
#include "emorph/volume.hpp"

namespace emorph {

struct NamedLabel {
  std::string name;
  uint8_t label = 0;
};

// voxels[l]: voxel count of label l. `only` non-empty: exactly those phases, each of which must be in
// the table and present in the volume (InputError naming `option` otherwise).
std::vector<NamedLabel> select_phases(const PhaseTable& table, const std::vector<int64_t>& voxels,
                                      const std::vector<std::string>& only, const std::string& option = "--phase");

// The voxel count of `phase` in `labels`. A phase a command is asked to analyse must be present: an
// empty one is bad input (InputError naming `option`, the phase and its label; CONTRACT "Phases"),
// never an empty result.
// The error of require_phase_present (streamed runs count the phase slab by slab).
std::string absent_phase_message(const Phase& phase, const std::string& option);
int64_t require_phase_present(VolumeView<const uint8_t> labels, const Phase& phase, const std::string& option);

// Labels present in the volume (voxels[l] > 0) that the table does not name, in increasing order.
std::vector<uint8_t> unlisted_labels(const PhaseTable& table, const std::vector<int64_t>& voxels);

// The table with a phase "label_<n>" added for each of `labels` (CONTRACT: no voxel is dropped silently).
PhaseTable with_unlisted_labels(const PhaseTable& table, const std::vector<uint8_t>& labels);

// The warning every front end prints when unlisted labels are measured; empty when there are none.
std::string unlisted_labels_warning(const std::vector<uint8_t>& labels, const std::string& option = "--phases");

}  // namespace emorph
