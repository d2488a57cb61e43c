#pragma once
// The analyze step for a raw FIB/SEM stack (`--method fibsem`): the FIB/SEM route (prepare, segment the
// phases present) and the paper's Table 2 (vol% and RSD along the depth axis, LFP ratios).
#include <string>
#include <vector>

#include "emorph/phase_table.hpp"
#include "emorph/result.hpp"
#include "emorph/volume.hpp"

namespace emorph {

struct FibsemAnalysis {
  Json segmentation;  // results.segmentation: segment keys + "preparation"
  Json multiscale;    // results.multiscale: multiscale_table_json of the labels
};

// Replaces `grey` by the prepared (aligned, cropped) stack and fills `labels` with its phase map, so
// every later step measures the same field of view. `classes`: pore first, then the solid phases
// (empty: pore, CBD, LFP, NMC); `axis`: the depth (milling) axis.
FibsemAnalysis analyse_fibsem_stack(AnyVolume& grey, Volume<uint8_t>& labels, const std::vector<std::string>& classes,
                                    int axis, const PhaseTable& table);

}  // namespace emorph
