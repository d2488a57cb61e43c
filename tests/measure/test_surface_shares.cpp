// Surface shares (the share of a phase's surface touching each other phase) on a half-coated sphere.
#include <gtest/gtest.h>

#include <cmath>

#include "emorph/measure/specific_surface.hpp"
#include "emorph/results/measure_results.hpp"

using namespace emorph;

namespace {

// An NMC ball (label 1) of radius R voxels whose upper half (z above the centre) is wrapped in a CBD
// shell (label 3) of 3 voxels, in pore (0). The centre sits between voxels so both halves are mirror
// images on the lattice.
Volume<uint8_t> half_coated_sphere(Spacing spacing, double radius) {
  const int n = static_cast<int>(2 * radius + 10);
  const double c = n / 2.0 - 0.5;
  Volume<uint8_t> v = Volume<uint8_t>::filled({n, n, n}, spacing, 0);
  for (int z = 0; z < n; ++z)
    for (int y = 0; y < n; ++y)
      for (int x = 0; x < n; ++x) {
        const double r = std::sqrt((z - c) * (z - c) + (y - c) * (y - c) + (x - c) * (x - c));
        if (r <= radius) v(z, y, x) = 1;
        else if (r <= radius + 3 && z > c) v(z, y, x) = 3;
      }
  return v;
}

const PhaseSurface& phase(const SpecificSurfaceResult& r, const std::string& name) {
  for (const auto& p : r.phases)
    if (p.name == name) return p;
  throw std::runtime_error("no phase " + name);
}

double share(const PhaseSurface& p, const std::string& other) {
  for (const auto& [name, s] : p.surface_shares)
    if (name == other) return s;
  return -1;
}

}  // namespace

TEST(SurfaceShares, HalfCoatedSphereCoverageIsOneHalf) {
  const auto v = half_coated_sphere({0.5, 0.5, 0.5}, 14);
  const auto r = specific_surfaces(surface_areas(v.view()), v.spacing(), PhaseTable::default_table());
  const auto& nmc = phase(r, "NMC");
  // Acceptance (issue 20): coverage 0.50 +- 0.04; the Crofton crossings of the two mirrored halves
  // differ only at the equator, so the measured share is far closer.
  EXPECT_NEAR(share(nmc, "CBD"), 0.5, 0.04);
  EXPECT_NEAR(share(nmc, "pore"), 0.5, 0.04);
  EXPECT_NEAR(share(nmc, "CBD") + share(nmc, "pore"), 1.0, 1e-12);
  // Only phases present are listed: no LFP, no collector.
  EXPECT_EQ(nmc.surface_shares.size(), 2u);
  // CBD touches NMC on its inner face and pore on the rest: the inner face is the smaller one.
  const auto& cbd = phase(r, "CBD");
  EXPECT_GT(share(cbd, "NMC"), 0.2);
  EXPECT_LT(share(cbd, "NMC"), 0.5);
  EXPECT_NEAR(share(cbd, "NMC") + share(cbd, "pore"), 1.0, 1e-12);
}

TEST(SurfaceShares, AnisotropicVoxelsKeepTheCoverage) {
  // The same ball with voxels twice as long along z (the ball becomes an ellipsoid in physical
  // space, whose halves are still mirror images): the share stays one half.
  const auto v = half_coated_sphere({1.0, 0.5, 0.5}, 12);
  const auto r = specific_surfaces(surface_areas(v.view()), v.spacing(), PhaseTable::default_table());
  EXPECT_NEAR(share(phase(r, "NMC"), "CBD"), 0.5, 0.04);
}

TEST(SurfaceShares, PhaseWithoutInterfaceHasNoShares) {
  const auto v = Volume<uint8_t>::filled({4, 4, 4}, {1, 1, 1}, 1);
  const auto r = specific_surfaces(surface_areas(v.view()), v.spacing(), PhaseTable::default_table());
  EXPECT_TRUE(phase(r, "NMC").surface_shares.empty());
  EXPECT_TRUE(surface_shares_json(phase(r, "NMC")).empty());
}
