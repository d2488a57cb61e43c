#pragma once
// Percolation classes of a phase along an axis: each connected component of the phase (6- or
// 26-connectivity) is percolating (touches both faces normal to the axis), dead-end (touches one face)
// or isolated (touches none).
#include <cstdint>
#include <vector>

#include "emorph/volume.hpp"

namespace emorph {

enum class PercolationClass : uint8_t { none = 0, percolating = 1, dead_end = 2, isolated = 3 };

struct ConnectivityParams {
  int axis = 0;                       // faces are slice 0 and slice n-1 along this axis (0 z, 1 y, 2 x)
  int connectivity = 6;               // 6 (faces) or 26 (faces, edges and corners)
  std::vector<uint8_t> phase_labels;  // labels that form the phase; empty: every nonzero voxel (a mask)
};

struct ConnectivityResult {
  Volume<uint8_t> classes;  // PercolationClass per voxel: 0 not phase, 1 percolating, 2 dead-end, 3 isolated
  int64_t phase_voxels = 0;
  int64_t percolating_voxels = 0;
  int64_t dead_end_voxels = 0;
  int64_t isolated_voxels = 0;
  int64_t components = 0;              // connected components of the phase
  int64_t percolating_components = 0;
  // Fractions of the phase (0 when the phase is empty).
  double percolating_fraction() const;
  double dead_end_fraction() const;
  double isolated_fraction() const;
};

// Union-find over z-slabs in parallel, slab boundaries merged in order; the classes depend only on the
// component partition, so they are identical for any thread count.
ConnectivityResult connectivity(VolumeView<const uint8_t> labels, const ConnectivityParams& params);

}  // namespace emorph
