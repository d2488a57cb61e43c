// Particle contacts: two overlapping balls (analytic contact disk), a brute-force twin of the crossing
// count, and thread-count independence.
#include <gtest/gtest.h>
#include <omp.h>

#include <array>
#include <cmath>
#include <map>
#include <numbers>
#include <random>

#include "emorph/measure/surface_area.hpp"
#include "emorph/results/segment_results.hpp"
#include "emorph/segment/contact_analysis.hpp"

using namespace emorph;

namespace {

// Two NMC balls (label 1) of radius R voxels whose centres are d voxels apart along x, in pore (0).
Volume<uint8_t> two_balls(double radius, double distance, Spacing spacing) {
  const int n = static_cast<int>(2 * radius + 8), nx = static_cast<int>(2 * radius + distance + 8);
  const double cz = n / 2.0, cy = n / 2.0, cx1 = nx / 2.0 - distance / 2, cx2 = nx / 2.0 + distance / 2;
  Volume<uint8_t> v = Volume<uint8_t>::filled({n, n, nx}, spacing, 0);
  for (int z = 0; z < n; ++z)
    for (int y = 0; y < n; ++y)
      for (int x = 0; x < nx; ++x) {
        const double r2 = (z - cz) * (z - cz) + (y - cy) * (y - cy);
        if (r2 + (x - cx1) * (x - cx1) <= radius * radius || r2 + (x - cx2) * (x - cx2) <= radius * radius)
          v(z, y, x) = 1;
      }
  return v;
}

// The obvious count: pairs = any two different nonzero labels adjacent along one of the 13 directions;
// area = norm of the vector area of the faces between them (+1 face along +axis from the smaller label
// to the larger, -1 back), each face weighted by the share of its 8 edge neighbours inside a or b.
std::map<std::pair<uint32_t, uint32_t>, double> brute_force_pairs(const Volume<uint32_t>& p) {
  const auto& dirs = crofton_directions();
  const Spacing s = p.spacing();
  const std::array<double, 3> face{s.dy * s.dx, s.dz * s.dx, s.dz * s.dy};
  std::map<std::pair<uint32_t, uint32_t>, std::array<double, 3>> vector_area;
  for (int64_t z = 0; z < p.shape().nz; ++z)
    for (int64_t y = 0; y < p.shape().ny; ++y)
      for (int64_t x = 0; x < p.shape().nx; ++x)
        for (int d = 0; d < 13; ++d) {
          const int64_t tz = z + dirs[d][0], ty = y + dirs[d][1], tx = x + dirs[d][2];
          if (tz < 0 || ty < 0 || tx < 0 || tz >= p.shape().nz || ty >= p.shape().ny || tx >= p.shape().nx) continue;
          const uint32_t a = p(z, y, x), b = p(tz, ty, tx);
          if (a == 0 || b == 0 || a == b) continue;
          auto& v = vector_area[{std::min(a, b), std::max(a, b)}];
          for (int axis = 0; axis < 3; ++axis)
            if (std::abs(dirs[d][0]) + std::abs(dirs[d][1]) + std::abs(dirs[d][2]) == 1 && dirs[d][axis] != 0) {
              // Weight: the share of the 8 voxels across the face's edges (next to p or to the face's
              // other voxel) that are a or b.
              int outside = 0;
              for (int i = 0; i < 3; ++i)
                for (int step : {-1, 1})
                  for (int side = 0; side < 2; ++side) {
                    std::array<int64_t, 3> n{z, y, x};
                    n[axis] += side * dirs[d][axis];
                    n[i] += step;
                    if (i == axis || n[i] < 0 || n[i] >= p.shape()[i]) continue;
                    if (p(n[0], n[1], n[2]) != a && p(n[0], n[1], n[2]) != b) ++outside;
                  }
              v[axis] += (a < b ? 1.0 : -1.0) * dirs[d][axis] * face[axis] * (8 - outside) / 8.0;
            }
        }
  std::map<std::pair<uint32_t, uint32_t>, double> out;
  for (const auto& [key, v] : vector_area) out[key] = std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
  return out;
}

// Two NMC balls of radius R voxels whose centres are d voxels apart along the unit direction u.
Volume<uint8_t> two_balls_along(double radius, double distance, std::array<double, 3> u) {
  const double norm = std::sqrt(u[0] * u[0] + u[1] * u[1] + u[2] * u[2]);
  const int n = static_cast<int>(2 * radius + distance + 8);
  Volume<uint8_t> v = Volume<uint8_t>::filled({n, n, n}, {0.5, 0.5, 0.5}, 0);
  const double c[3] = {n / 2.0 + 0.1, n / 2.0 + 0.2, n / 2.0 + 0.3};
  for (int z = 0; z < n; ++z)
    for (int y = 0; y < n; ++y)
      for (int x = 0; x < n; ++x)
        for (int s : {-1, 1}) {
          const double dz = z - c[0] - s * u[0] / norm * distance / 2, dy = y - c[1] - s * u[1] / norm * distance / 2,
                       dx = x - c[2] - s * u[2] / norm * distance / 2;
          if (dz * dz + dy * dy + dx * dx <= radius * radius) v(z, y, x) = 1;
        }
  return v;
}

}  // namespace

TEST(ContactAnalysis, TwoOverlappingBallsTouchOnTheirNeckDisk) {
  const double R = 14, d = 18, voxel = 0.5;
  const auto v = two_balls(R, d, {voxel, voxel, voxel});
  const auto a = analyse_contacts(v.view(), PhaseTable::default_table().at("NMC", "test"));
  ASSERT_EQ(a.contacts.count, 2u);
  ASSERT_EQ(a.contacts.pairs.size(), 1u);
  const double expected = std::numbers::pi * (R * R - d * d / 4) * voxel * voxel;
  // Acceptance (issue 20): within 10% (docs/surface_area.md).
  EXPECT_NEAR(a.contacts.contact_area_um2_total, expected, 0.10 * expected);
  EXPECT_DOUBLE_EQ(a.contacts.mean_coordination_number, 1.0);
  EXPECT_EQ(a.contacts.coordination_number, (std::vector<int>{1, 1}));
  // The rest of the two balls faces the pore: two spheres minus their caps beyond the neck.
  const double cap = 2 * std::numbers::pi * R * (R - d / 2);
  const double free_surface = 2 * (4 * std::numbers::pi * R * R - cap) * voxel * voxel;
  EXPECT_NEAR(a.contacts.phase_contact_area_um2[0], free_surface, 0.05 * free_surface);

  const Json j = contact_results(a, PhaseTable::default_table(), "NMC");
  EXPECT_EQ(j["count"], 2);
  EXPECT_DOUBLE_EQ(j["contact_area_um2_total"].get<double>(), a.contacts.contact_area_um2_total);
  EXPECT_TRUE(j["contact_with"].contains("pore"));
  EXPECT_FALSE(j["contact_with"].contains("CBD"));
  EXPECT_EQ(contact_csv_rows(a).size(), 1u);
}

TEST(ContactAnalysis, NeckDiskWithinTenPercentAtEveryOrientation) {
  // Acceptance (issue 20): the contact of two overlapping balls within 10 % of pi (R^2 - d^2/4), for
  // necks along the lattice axes, face and cube diagonals and generic directions, and for small and
  // large overlaps (disk radius 6.6 to 10.7 voxels). Measured -2.7 % to +7.9 % (docs/surface_area.md):
  // the rim faces' weights estimate their coverage only on average over the rim's lattice positions,
  // and the disk's digitisation leaves +-0.5 voxel on its radius, i.e. up to ~+-9 % at r = 10 voxels.
  for (const auto& [R, d] : {std::pair{12.0, 16.0}, {14.0, 18.0}, {10.0, 14.0}, {12.0, 20.0}})
    for (const auto& u : {std::array<double, 3>{1, 0, 0}, {0, 1, 1}, {1, 1, 1}, {0.3, 0.5, 0.81}, {0.2, 0.9, 0.4},
                          {0.7, 0.1, 0.35}}) {
      const auto v = two_balls_along(R, d, u);
      const auto a = analyse_contacts(v.view(), PhaseTable::default_table().at("NMC", "test"));
      ASSERT_EQ(a.contacts.pairs.size(), 1u);
      const double expected = std::numbers::pi * (R * R - d * d / 4) * 0.25;
      EXPECT_NEAR(a.contacts.contact_area_um2_total, expected, 0.10 * expected)
          << "R " << R << " d " << d << " along " << u[0] << "," << u[1] << "," << u[2];
    }
}

TEST(ContactAnalysis, CrossingsMatchBruteForceAndThreadCount) {
  // Random particle labels (including 0) on an anisotropic grid; phase labels 0..3 at random.
  std::mt19937 rng(5);
  const Shape shape{9, 11, 13};
  const Spacing spacing{0.7, 0.5, 0.4};
  Volume<uint32_t> particles(shape, spacing);
  Volume<uint8_t> labels(shape, spacing);
  for (int64_t i = 0; i < particles.size(); ++i) {
    particles.data()[i] = rng() % 6;
    labels.data()[i] = particles.data()[i] ? 1 : static_cast<uint8_t>(rng() % 4);
  }
  const auto reference = brute_force_pairs(particles);
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  const auto one = particle_contacts(labels.view(), particles.view(), 5);
  omp_set_num_threads(std::max(2, threads));
  const auto many = particle_contacts(labels.view(), particles.view(), 5);
  omp_set_num_threads(threads);
  ASSERT_EQ(one.pairs.size(), reference.size());
  std::size_t k = 0;
  for (const auto& [key, area] : reference) {
    EXPECT_EQ(one.pairs[k].a, key.first);
    EXPECT_EQ(one.pairs[k].b, key.second);
    EXPECT_NEAR(one.pairs[k].area_um2, area, 1e-9 * area);
    EXPECT_EQ(many.pairs[k].area_um2, one.pairs[k].area_um2);
    ++k;
  }
  EXPECT_EQ(many.phase_contact_area_um2, one.phase_contact_area_um2);
  EXPECT_EQ(many.coordination_number, one.coordination_number);
}

TEST(ContactAnalysis, ShapeMismatchIsAnInputError) {
  const auto labels = Volume<uint8_t>::filled({4, 4, 4}, {1, 1, 1}, 1);
  const auto particles = Volume<uint32_t>::filled({4, 4, 5}, {1, 1, 1}, 1);
  EXPECT_THROW(particle_contacts(labels.view(), particles.view(), 1), InputError);
}
