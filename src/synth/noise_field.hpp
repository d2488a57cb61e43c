#pragma once
// Value noise (Perlin 1985, lattice variant): uniform random values on a lattice of `cell` voxels,
// trilinearly interpolated with a smoothstep; below 2 voxels per cell, plain per-voxel hash noise.
// Values depend only on (seed, position): identical whatever the thread that evaluates them.
#include <cstdint>
#include <vector>

#include "emorph/volume.hpp"

namespace emorph::synth {

class ValueNoise {
 public:
  ValueNoise(Shape shape, double cell_voxels, uint64_t seed);
  // Fills out[0..nx) with the field on row (z, y), values in [0, 1).
  void row(int64_t z, int64_t y, float* out) const;

 private:
  Shape shape_;
  double cell_;
  uint64_t seed_;
  bool white_;
  int64_t lz_ = 0, ly_ = 0, lx_ = 0;
  std::vector<float> lattice_;
};

}  // namespace emorph::synth
