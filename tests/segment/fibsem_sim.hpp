#pragma once
// A small FIB/SEM (BSE) simulator with shine-through for the segmentation tests: random spheres of NMC
// (radius 12-20 voxels), LFP (5-8) and CBD clusters (3-5); a pore voxel shows the first solid behind it along +z, attenuated as exp(-d / depth),
// over a dark background; then an in-plane Gaussian PSF (each slice is a separate 2D SEM image, so
// nothing blurs across slices) and Gaussian noise.
#include <cmath>
#include <random>

#include "emorph/filter/gaussian.hpp"
#include "emorph/volume.hpp"

namespace emorph::test {

struct FibsemSim {
  Volume<uint8_t> labels;  // 0 pore, 1 NMC, 2 LFP, 3 CBD
  Volume<uint8_t> grey;
};

inline FibsemSim simulate_fibsem(Shape s, uint64_t seed, double solid_fraction = 0.55, double depth = 5.0,
                                 double noise = 6.0) {
  const double intensity[4] = {25, 200, 140, 90};  // background, NMC, LFP, CBD
  FibsemSim sim{Volume<uint8_t>::filled(s, {}, 0), Volume<uint8_t>(s)};
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  int64_t solid = 0;
  while (solid < solid_fraction * s.voxels()) {
    const double pick = u(rng);
    const uint8_t phase = pick < 0.05 ? 1 : (pick < 0.5 ? 2 : 3);  // ~55% NMC, 35% LFP, 10% CBD by volume
    const double r = phase == 1 ? 12 + 8 * u(rng) : (phase == 2 ? 5 + 3 * u(rng) : 3 + 2 * u(rng));
    const double cz = u(rng) * s.nz, cy = u(rng) * s.ny, cx = u(rng) * s.nx;
    for (int64_t z = std::max<int64_t>(0, cz - r); z < std::min<int64_t>(s.nz, cz + r + 1); ++z)
      for (int64_t y = std::max<int64_t>(0, cy - r); y < std::min<int64_t>(s.ny, cy + r + 1); ++y)
        for (int64_t x = std::max<int64_t>(0, cx - r); x < std::min<int64_t>(s.nx, cx + r + 1); ++x)
          if ((z + 0.5 - cz) * (z + 0.5 - cz) + (y + 0.5 - cy) * (y + 0.5 - cy) + (x + 0.5 - cx) * (x + 0.5 - cx) <= r * r &&
              sim.labels(z, y, x) == 0) {
            sim.labels(z, y, x) = phase;
            ++solid;
          }
  }
  Volume<float> clean(s);
  for (int64_t y = 0; y < s.ny; ++y)
    for (int64_t x = 0; x < s.nx; ++x)
      for (int64_t z = 0; z < s.nz; ++z) {
        const uint8_t l = sim.labels(z, y, x);
        if (l) {
          clean(z, y, x) = static_cast<float>(intensity[l]);
          continue;
        }
        double v = intensity[0];
        for (int64_t d = 1; z + d < s.nz; ++d)
          if (const uint8_t b = sim.labels(z + d, y, x)) {
            v += (intensity[b] - intensity[0]) * std::exp(-d / depth);
            break;
          }
        clean(z, y, x) = static_cast<float>(v);
      }
  GaussianParams psf;
  psf.sigma_voxels = std::array<double, 3>{0.0, 0.7, 0.7};
  auto blurred = gaussian_filter<float>(clean.view(), psf);
  std::normal_distribution<double> n(0, noise);
  for (int64_t i = 0; i < s.voxels(); ++i)
    sim.grey.data()[i] = static_cast<uint8_t>(std::clamp(std::lround(blurred.data()[i] + n(rng)), 0L, 255L));
  return sim;
}

}  // namespace emorph::test
