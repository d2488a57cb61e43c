// Value noise (Perlin 1985, lattice variant) with per-voxel hash noise below two voxels per cell.
#include "noise_field.hpp"

#include <cmath>

#include "random.hpp"

namespace emorph::synth {

ValueNoise::ValueNoise(Shape shape, double cell_voxels, uint64_t seed)
    : shape_(shape), cell_(cell_voxels), seed_(seed), white_(cell_voxels < 2.0) {
  if (white_) return;
  lz_ = static_cast<int64_t>(std::floor(shape.nz / cell_)) + 2;
  ly_ = static_cast<int64_t>(std::floor(shape.ny / cell_)) + 2;
  lx_ = static_cast<int64_t>(std::floor(shape.nx / cell_)) + 2;
  lattice_.resize(static_cast<std::size_t>(lz_ * ly_ * lx_));
  const int64_t n = static_cast<int64_t>(lattice_.size());
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < n; ++i) lattice_[i] = static_cast<float>(hash_uniform(seed_, static_cast<uint64_t>(i)));
}

static inline double smooth(double t) { return t * t * (3.0 - 2.0 * t); }

void ValueNoise::row(int64_t z, int64_t y, float* out) const {
  const int64_t nx = shape_.nx;
  if (white_) {
    const uint64_t base = static_cast<uint64_t>((z * shape_.ny + y) * nx);
    for (int64_t x = 0; x < nx; ++x) out[x] = static_cast<float>(hash_uniform(seed_, base + x));
    return;
  }
  const double fz = (z + 0.5) / cell_, fy = (y + 0.5) / cell_;
  const int64_t iz = static_cast<int64_t>(fz), iy = static_cast<int64_t>(fy);
  const double wz = smooth(fz - iz), wy = smooth(fy - iy);
  const float* p00 = &lattice_[(iz * ly_ + iy) * lx_];
  const float* p01 = &lattice_[(iz * ly_ + iy + 1) * lx_];
  const float* p10 = &lattice_[((iz + 1) * ly_ + iy) * lx_];
  const float* p11 = &lattice_[((iz + 1) * ly_ + iy + 1) * lx_];
  for (int64_t x = 0; x < nx; ++x) {
    const double fx = (x + 0.5) / cell_;
    const int64_t ix = static_cast<int64_t>(fx);
    const double wx = smooth(fx - ix);
    auto lerp = [](double a, double b, double t) { return a + (b - a) * t; };
    const double c00 = lerp(p00[ix], p00[ix + 1], wx), c01 = lerp(p01[ix], p01[ix + 1], wx);
    const double c10 = lerp(p10[ix], p10[ix + 1], wx), c11 = lerp(p11[ix], p11[ix + 1], wx);
    out[x] = static_cast<float>(lerp(lerp(c00, c01, wy), lerp(c10, c11, wy), wz));
  }
}

}  // namespace emorph::synth
