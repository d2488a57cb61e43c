// JSON of the electrode layers (see electrode_layers_results.hpp); keys are ElectrodeLayers' members.
#include "emorph/results/electrode_layers_results.hpp"

#include "emorph/fields.hpp"

namespace emorph {

namespace {

EMORPH_JSON_FIELDS(layer_greys_json, ElectrodeLayers, lower_mean_grey, upper_mean_grey, pore_grey, electrode_mean_grey,
                   noise_std, electrode_structure_std, lower_structure_std, upper_structure_std)

}  // namespace

Json electrode_layers_json(const ElectrodeLayers& layers) {
  Json j = layer_greys_json(layers);
  j["lower"] = end_layer_name(layers.lower);
  j["upper"] = end_layer_name(layers.upper);
  return j;
}

}  // namespace emorph
