#pragma once
// The JSON of the layers found beside a grey electrode (analyze's results.sample.layers).
#include "emorph/result.hpp"
#include "emorph/segment/electrode_layers.hpp"

namespace emorph {

// lower, upper (layer names), lower_mean_grey, upper_mean_grey, pore_grey, electrode_mean_grey, noise_std,
// electrode_structure_std, lower_structure_std, upper_structure_std.
Json electrode_layers_json(const ElectrodeLayers& layers);

}  // namespace emorph
