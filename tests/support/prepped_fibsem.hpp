#pragma once
// The synth FIB/SEM image of a label volume as `emorph fibsem-prep` would leave it: drift, curtains,
// shading and contrast decay off; shine-through, probe blur and noise as synth::FibsemParams' defaults.
// Shared by the segmentation tests and bench_threshold.
#include "emorph/synth/fibsem.hpp"

namespace emorph::test {

inline synth::FibsemResult simulate_prepped_fibsem(VolumeView<const uint8_t> labels) {
  const synth::FibsemParams prepped{.curtain_amplitude = 0, .drift_step_px = 0, .contrast_decay = 0, .shading = 0};
  return synth::simulate_fibsem(labels, prepped);
}

}  // namespace emorph::test
