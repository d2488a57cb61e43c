#pragma once
// Per-particle measurements of a particle label volume (labels 1..count): volume, equivalent sphere
// diameter, surface area (Crofton formula, surface_area.hpp), sphericity (Wadell 1935), centroid,
// bounding box and border contact.
#include <array>
#include <cstdint>
#include <vector>

#include "emorph/measure/components.hpp"
#include "emorph/volume.hpp"

namespace emorph {

struct ParticlesParams {
  // Compute each particle's closed surface area (one pass over its bounding box). false: the area
  // and sphericity columns are NaN.
  bool surface_area = true;
  // Smallest particle volume in um^3 kept in the table; smaller ones (threshold specks, noise) are
  // left out. 0 (default): keep every particle. Must be finite and >= 0.
  double min_volume_um3 = 0;
};

struct ParticleRecord {
  uint32_t label = 0;
  int64_t voxels = 0;
  double volume_um3 = 0;
  double equivalent_diameter_um = 0;  // (6 V / pi)^(1/3)
  // Closed surface (the volume's faces count where the particle is cut by them), Crofton estimate.
  double surface_area_um2 = 0;
  // pi^(1/3) (6 V)^(2/3) / A: 1 for a ball, less for other shapes; the area estimate's few-percent
  // error can put small digital balls slightly above 1.
  double sphericity = 0;
  std::array<double, 3> centroid_um{};  // (z, y, x); voxel (0,0,0) spans [0, d), its centre at d/2
  std::array<int64_t, 6> bbox{};        // z0, z1, y0, y1, x0, x1 in voxels (half-open)
  bool touches_border = false;          // a voxel on a face of the volume
};

// The records of measure_particles without surface areas (NaN), from the labels' statistics.
std::vector<ParticleRecord> particle_records(const ComponentStats& stats, const Spacing& spacing,
                                             const ParticlesParams& params);

// One record per label 1..count that holds at least one voxel and at least params.min_volume_um3, in
// label order. Spacing from the view.
// Parallel over particles; the result does not depend on the thread count.
std::vector<ParticleRecord> measure_particles(VolumeView<const uint32_t> labels, uint32_t count,
                                              const ParticlesParams& params = {});

}  // namespace emorph
