#pragma once
// What lies beside the electrode along the thickness axis of a grey volume: a current collector (a
// uniform metal foil, brighter than the pores) or air / mounting medium (uniform, as dark as the pores),
// at either end, whole or cut by the volume.
#include <cstdint>

#include "emorph/segment/grey_region.hpp"
#include "emorph/volume.hpp"

namespace emorph {

enum class EndLayer { none, collector, air };
const char* end_layer_name(EndLayer layer);

struct ElectrodeLayersParams {
  int axis = 0;  // thickness axis
  // A uniform end layer is the collector when its mean grey lies above this share of the way from the
  // electrode's pore grey to the electrode's mean grey; below, it is air or mounting medium. Pores and
  // air are both empty (share ~0); a metal foil is at least as dense as the electrode's solids on
  // average (aluminium under NMC + LFP: ~0.8 on the simulator; copper under graphite: > 1).
  double collector_share = 0.5;
  // An end layer is uniform (collector or air) when its grey spread beyond the noise is at most this
  // share of the electrode bulk's. A foil or air gives ~0 (only noise); the NMC-poor first slices of an
  // electrode above a flat wall give 0.45 to 0.65 on presets F and H (docs/validation.md, issue #14).
  double max_layer_structure = 0.25;
  double pore_percentile = 0.01;  // of the electrode's voxels: its pore grey (robust to a few outliers)
  // Boundary detection (its axis is set from `axis`). A quarter of the way from the uniform layer's
  // heterogeneity to the electrode's rather than half: particles cannot cross a flat wall, so the first
  // particle radius of the electrode holds less active material and is less heterogeneous; the half
  // level put the boundary 0.7 um inside preset F's electrode on both sides (0.5 um voxels).
  GreyRegionParams region{0, 0.25};
};

struct ElectrodeLayers {
  GreyRegion region;  // the electrode: start_um, end_um, first_slice, last_slice (sub-voxel boundaries)
  EndLayer lower = EndLayer::none, upper = EndLayer::none;  // below start_um / above end_um
  double lower_mean_grey = 0, upper_mean_grey = 0;           // of the layers (slices clear of the boundary)
  double pore_grey = 0, electrode_mean_grey = 0;             // the references of the classification
  double collector_um = 0;  // collector thickness inside the volume (0: none)
  double noise_std = 0;                 // image noise sigma (in-slice neighbour differences)
  double electrode_structure_std = 0;   // bulk slice grey spread beyond the noise
  double lower_structure_std = 0, upper_structure_std = 0;  // of the end layers' slices (0: no layer)
};

// Boundaries from grey_electrode_region (per-slice heterogeneity); an end layer is kept only when uniform
// (spread within the noise), then classified by its mean grey. Without a uniform layer on a side, the
// region runs to the volume's face there. Throws InputError for a bad axis or an empty volume.
template <class T>
ElectrodeLayers electrode_layers(VolumeView<const T> grey, const ElectrodeLayersParams& params = {});

}  // namespace emorph
