#pragma once
// Boolean model of spheres (Poisson centres, equal radii; Matheron 1975): the union's covariance is known
// exactly, so the two-point correlation and the REV variance have analytic references.
#include <cmath>
#include <numbers>
#include <random>

#include "emorph/volume.hpp"

namespace emorph::test {

struct BooleanSpheres {
  double radius = 4;    // voxels
  double porosity = 0;  // q: probability that a point lies outside every sphere
  double intensity = 0;  // lambda: centres per voxel^3

  // Sphere volume, and the volume of the intersection of two spheres whose centres are h apart.
  double sphere_volume() const { return 4.0 / 3.0 * std::numbers::pi * radius * radius * radius; }
  double lens_volume(double h) const {
    if (h >= 2 * radius) return 0;
    return std::numbers::pi * (4 * radius + h) * (2 * radius - h) * (2 * radius - h) / 12;
  }
  // P(x and x + h both in the union) = 1 - 2q + q^2 exp(lambda lens(h)).
  double s2(double h) const { return 1 - 2 * porosity + porosity * porosity * std::exp(intensity * lens_volume(h)); }
  // Covariance of the union's indicator: s2(h) - phi^2.
  double covariance(double h) const { return porosity * porosity * (std::exp(intensity * lens_volume(h)) - 1); }
  double volume_fraction() const { return 1 - porosity; }
};

// Spheres of `radius` voxels around Poisson centres in the volume grown by the radius (so no edge
// effect), at an intensity giving union fraction `phi`; voxel centres inside a sphere are set to 1.
inline Volume<uint8_t> boolean_spheres(Shape s, double radius, double phi, uint64_t seed, BooleanSpheres& model) {
  model.radius = radius;
  model.porosity = 1 - phi;
  model.intensity = -std::log(model.porosity) / model.sphere_volume();
  std::mt19937_64 rng(seed);
  const double ez = s.nz + 2 * radius, ey = s.ny + 2 * radius, ex = s.nx + 2 * radius;
  std::poisson_distribution<int64_t> count(model.intensity * ez * ey * ex);
  std::uniform_real_distribution<double> u(0, 1);
  auto m = Volume<uint8_t>::filled(s, {}, 0);
  const int64_t n = count(rng);
  const int64_t R = static_cast<int64_t>(std::ceil(radius));
  for (int64_t i = 0; i < n; ++i) {
    const double cz = u(rng) * ez - radius, cy = u(rng) * ey - radius, cx = u(rng) * ex - radius;
    for (int64_t z = std::max<int64_t>(0, std::llround(cz) - R); z <= std::min<int64_t>(s.nz - 1, std::llround(cz) + R); ++z)
      for (int64_t y = std::max<int64_t>(0, std::llround(cy) - R); y <= std::min<int64_t>(s.ny - 1, std::llround(cy) + R); ++y)
        for (int64_t x = std::max<int64_t>(0, std::llround(cx) - R); x <= std::min<int64_t>(s.nx - 1, std::llround(cx) + R); ++x) {
          const double a = z - cz, b = y - cy, c = x - cx;
          if (a * a + b * b + c * c <= radius * radius) m(z, y, x) = 1;
        }
  }
  return m;
}

}  // namespace emorph::test
