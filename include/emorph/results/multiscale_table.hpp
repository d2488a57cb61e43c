#pragma once
// The paper's Table 2 from a FIB/SEM label volume: each phase's volume fraction and its relative
// standard deviation along the depth (milling) axis, and the LFP/porosity and LFP/CB+PVdF ratios that
// `emorph compare` uses to split the XCT matrix.
#include <string>

#include "emorph/phase_table.hpp"
#include "emorph/result.hpp"
#include "emorph/volume.hpp"

namespace emorph {

// {"axis": A, "slices": N, "phases": {name: {"volume_percent", "rsd_percent"}}, "ratios": {"LFP/pore",
// "LFP/CBD", ...}}: phases present in the volume (collector excluded), RSD = 100 * sample standard
// deviation / mean of the per-slice fractions over every slice (null where the mean is 0); ratios from
// phase_ratios(spec) (NaN written as null).
Json multiscale_table_json(VolumeView<const uint8_t> labels, int axis, const PhaseTable& table,
                           const std::string& ratios = "LFP/pore,LFP/CBD");

}  // namespace emorph
