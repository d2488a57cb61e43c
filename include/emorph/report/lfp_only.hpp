#pragma once
// analyze on an LFP-only grey electrode (issue 16 point 4): when the grey of zero attenuation is known,
// the default NMC threshold is kept only where the bright class attenuates like NMC (bright_phase.hpp);
// otherwise the electrode is one matrix, as `analyze --demo --preset J` treats it, and its LFP comes from
// the grey route or is skipped with the option that enables it.
#include <optional>
#include <string>

#include "emorph/report/lfp_options.hpp"
#include "emorph/result.hpp"
#include "emorph/segment/electrode_layers.hpp"

namespace emorph {

// The grey of zero attenuation: --pore-grey ([lfp] pore_grey), else the mean grey of an air layer found
// beside the electrode; nullopt when neither is known. `source` says which.
std::optional<double> zero_attenuation_grey(const LfpOptions& lfp, const std::optional<ElectrodeLayers>& layers,
                                            std::string& source);

// The classes and method that treat the whole electrode as one matrix (no threshold inside it).
inline constexpr const char* kOneMatrixMethod = "manual:-1";

}  // namespace emorph
