#pragma once
// FIB/SEM labels refined along the milling direction by the shine-through model: in a pore, the SEM sees
// the first solid behind the section plane, attenuated with depth (grey = pore + s (solid - pore)
// exp(-d dz / depth), d slices in front of it; the model of src/synth/fibsem.cpp, after Prill et al. 2013).
// Each column along the milling axis is one sequence of phases; its most probable labelling under
// Gaussian noise, with a penalty per change of phase, is found exactly by dynamic programming (Viterbi
// 1967) over the states solid k, pore d slices in front of solid k (d <= 4 depths), and deep pore.
// A pore in front of a bright particle is told from a dark solid by its ramp towards the particle,
// which no single voxel's grey shows.
#include <cstdint>
#include <string>
#include <vector>

#include "emorph/volume.hpp"

namespace emorph {

struct FibsemColumnParams {
  bool enabled = true;            // segment --method fibsem: refine the default solid split (fibsem_phases)
  int milling_axis = 0;           // only 0 (z) is supported; other axes keep the unrefined labels
  int behind = +1;                // +1: the unmilled material (shine-through source) lies at larger indices
  // The shine-through parameters (the simulator's defaults), or the starting point of their fit.
  double shine_depth_um = 0.08;   // attenuation length of the solid seen through a pore, um
  double shine_strength = 0.7;    // share of the solid's contrast seen through a pore at depth 0
  // Estimate depth and strength from the stack (fibsem_shine.hpp). Off by default: on the simulator's
  // 128^3 stacks at 20 nm it follows other shine-through settings, but on 80^3 cubes and at 10 nm with
  // deep shine-through the labelling it starts from is too poor (docs/validation.md, issue 14 point 7).
  bool fit_shine = false;
  double change_penalty = 4.0;    // cost of a change of phase along a column, in units of the
                                  // log-likelihood (residual^2 / 2 sigma^2)
  // The rims: a column sees one pixel, and the probe blur mixes the phases at in-plane edges, so voxels
  // on an edge (in-plane gradient of the smoothed slice above edge_fraction of the grey range) are
  // relabelled by a watershed of that gradient from the others, per slice (as fibsem_phases).
  bool watershed_edges = true;
  double smoothing_sigma = 1.0;
  double edge_fraction = 0.08;
  int connectivity = 6;
};

// Grey level of each phase as a function of the slice (contrast decays along the milling direction):
// a line fitted over the slices to the phase's local grey mode.
struct FibsemColumnLevels {
  std::vector<std::string> names;         // solid phases
  std::vector<uint8_t> labels;            // their labels
  std::vector<std::vector<double>> grey;  // [phase][slice]
  std::vector<double> pore_grey;          // [slice]: deep pores (no solid within 2 depths behind)
  std::vector<bool> from_expected;        // phase level set from its expected contrast, not measured
  double noise_sigma = 0;
};

// Levels from a first labelling (`labels`: pore_label or one of `solid_labels`). A named solid phase
// darker than every measured one and absent from the first labelling (a pore threshold that swallowed
// it) gets the level its expected contrast gives (expected_contrast[i]: BSE contrast above the pores
// relative to the brightest named phase; NaN unknown).
FibsemColumnLevels fibsem_column_levels(VolumeView<const float> grey, VolumeView<const uint8_t> labels, uint8_t pore_label,
                                        const std::vector<std::string>& names, const std::vector<uint8_t>& solid_labels,
                                        const std::vector<double>& expected_contrast, double noise_sigma,
                                        const FibsemColumnParams& params);

// The in-plane edges (1) of the stack: gradient of the slices smoothed by smoothing_sigma above
// edge_fraction of the grey range; the voxels the watershed relabels in fibsem_column_labels.
Volume<uint8_t> fibsem_column_edges(VolumeView<const float> grey, const FibsemColumnParams& params);

// The most probable labels of every column (pore_label for pores).
Volume<uint8_t> fibsem_column_labels(VolumeView<const float> grey, const FibsemColumnLevels& levels, uint8_t pore_label,
                                     const FibsemColumnParams& params);

}  // namespace emorph
