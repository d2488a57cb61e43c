#pragma once
// Phase map: thresholds turn a grey volume into an 8-bit label volume whose labels come from the phase
// table (class k, in increasing grey order, gets the label of the k-th name of --classes).
#include <cstdint>
#include <string>
#include <vector>

#include "emorph/phase_table.hpp"
#include "emorph/volume.hpp"

namespace emorph {

struct PhaseMapResult {
  Volume<uint8_t> labels;
  std::vector<int64_t> class_voxels;  // voxels per class (inside the mask)
};

// Voxel v gets class_labels[k] with k = number of thresholds t such that v > t (thresholds strictly
// increasing, class_labels.size() == thresholds.size() + 1). With a mask, voxels where mask == 0 get
// `outside_label` and are not counted.
template <class T>
PhaseMapResult phase_map(VolumeView<const T> grey, const std::vector<double>& thresholds,
                         const std::vector<uint8_t>& class_labels, VolumeView<const uint8_t> mask = {},
                         uint8_t outside_label = 0);

// Labels for "pore,CBD,LFP,NMC" (names of the phase table, darkest class first); an empty spec gives
// labels 0..classes-1. Throws InputError naming `option` for unknown names or a wrong count.
std::vector<uint8_t> class_labels(const std::string& spec, const PhaseTable& table, int classes,
                                  const std::string& option = "--classes");

}  // namespace emorph
