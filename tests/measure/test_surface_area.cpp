// Tests of the Crofton surface area estimator: exact weights, analytic shapes, a brute-force twin,
// thread invariance, anisotropic voxels, interfaces.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "emorph/measure/surface_area.hpp"
#include "emorph/parallel.hpp"
#include "support/threads.hpp"

using namespace emorph;

namespace {

// Digitised ball: voxel centres within r of the centre (offset by a fraction to avoid symmetric ties).
Volume<uint8_t> ball(double r, Spacing s = {}, double offset = 0.37) {
  const int64_t nz = static_cast<int64_t>(std::ceil(2 * r / s.dz)) + 6, ny = static_cast<int64_t>(std::ceil(2 * r / s.dy)) + 6,
                nx = static_cast<int64_t>(std::ceil(2 * r / s.dx)) + 6;
  Volume<uint8_t> v(Shape{nz, ny, nx}, s);
  const double cz = nz * s.dz / 2 + offset * s.dz, cy = ny * s.dy / 2 + 0.21 * s.dy, cx = nx * s.dx / 2 + 0.13 * s.dx;
  for (int64_t z = 0; z < nz; ++z)
    for (int64_t y = 0; y < ny; ++y)
      for (int64_t x = 0; x < nx; ++x) {
        const double dz = (z + 0.5) * s.dz - cz, dy = (y + 0.5) * s.dy - cy, dx = (x + 0.5) * s.dx - cx;
        v(z, y, x) = dz * dz + dy * dy + dx * dx <= r * r ? 1 : 0;
      }
  return v;
}

double ball_area_um2(double r, Spacing s = {}) {
  auto v = ball(r, s);
  return surface_areas(v.view()).phase_area_um2.at(1);
}

// Slow obvious twin: every voxel, every one of the 26 neighbours, weights from crofton_weights; each
// crossing is seen from both sides, hence the factor 1/2 on the doubled count.
std::vector<double> brute_force_interfaces(const Volume<uint8_t>& v, int L) {
  const auto& dirs = crofton_directions();
  const auto w = crofton_weights(v.spacing());
  const Spacing s = v.spacing();
  std::vector<double> area(static_cast<std::size_t>(L * L), 0.0);
  for (int64_t z = 0; z < v.nz(); ++z)
    for (int64_t y = 0; y < v.ny(); ++y)
      for (int64_t x = 0; x < v.nx(); ++x)
        for (int d = 0; d < 13; ++d)
          for (int sign : {1, -1}) {
            const int64_t tz = z + sign * dirs[d][0], ty = y + sign * dirs[d][1], tx = x + sign * dirs[d][2];
            if (tz < 0 || ty < 0 || tx < 0 || tz >= v.nz() || ty >= v.ny() || tx >= v.nx()) continue;
            const int a = v(z, y, x), b = v(tz, ty, tx);
            if (a == b) continue;
            const double len = std::sqrt(std::pow(dirs[d][0] * s.dz, 2) + std::pow(dirs[d][1] * s.dy, 2) +
                                         std::pow(dirs[d][2] * s.dx, 2));
            area[static_cast<std::size_t>(a * L + b)] += 0.5 * 2.0 * w[d] * s.voxel_volume_um3() / len;
          }
  for (int a = 0; a < L; ++a)
    for (int b = a + 1; b < L; ++b) {
      const double sum = area[a * L + b] + area[b * L + a];
      area[a * L + b] = area[b * L + a] = sum;
    }
  return area;
}

}  // namespace

TEST(SurfaceArea, IsotropicWeightsMatchPublishedVoronoiValues) {
  // Legland et al. 2007 (Image Anal. Stereol. 26:83) give half-sphere weights 0.04577789 (axes),
  // 0.03698063 (face diagonals), 0.03519564 (body diagonals); ours cover +-v, hence twice those.
  const auto w = crofton_weights(Spacing{});
  const auto& dirs = crofton_directions();
  double sum = 0;
  for (int d = 0; d < 13; ++d) {
    const int nonzero = (dirs[d][0] != 0) + (dirs[d][1] != 0) + (dirs[d][2] != 0);
    const double expected = nonzero == 1 ? 2 * 0.04577789120476 : nonzero == 2 ? 2 * 0.03698062787608 : 2 * 0.03519563978232;
    EXPECT_NEAR(w[d], expected, 2e-5) << "direction " << d;  // Fibonacci quadrature, ~1e-5
    sum += w[d];
  }
  EXPECT_NEAR(sum, 1.0, 1e-12);
}

TEST(SurfaceArea, SpheresWithinThreePercentFromRadiusEight) {
  for (double r : {8.0, 12.0, 20.0, 31.5}) {
    const double exact = 4 * M_PI * r * r;
    const double area = ball_area_um2(r);
    EXPECT_NEAR(area / exact, 1.0, 0.03) << "radius " << r;
  }
}

// The estimator's factor for a large plane with unit normal n: 2 * sum_d w_d |n . u_d| (Crofton sum).
double plane_factor(const std::array<double, 3>& n) {
  const auto& dirs = crofton_directions();
  const auto w = crofton_weights(Spacing{});
  double f = 0;
  for (int d = 0; d < 13; ++d) {
    const double len = std::sqrt(double(dirs[d][0] * dirs[d][0] + dirs[d][1] * dirs[d][1] + dirs[d][2] * dirs[d][2]));
    f += 2 * w[d] * std::fabs(n[0] * dirs[d][0] + n[1] * dirs[d][1] + n[2] * dirs[d][2]) / len;
  }
  return f;
}

TEST(SurfaceArea, CubeFollowsThePlaneFactorOfAxisNormals) {
  // Faces normal to an axis are the estimator's worst case: factor 0.9266 (-7.3%); the 12 edges add
  // a further O(1/n) deficit, 1.4% at n = 40, hence the 2% tolerance around the plane factor.
  Volume<uint8_t> v = Volume<uint8_t>::filled({50, 50, 50}, {}, 0);
  for (int z = 5; z < 45; ++z)
    for (int y = 5; y < 45; ++y)
      for (int x = 5; x < 45; ++x) v(z, y, x) = 1;
  const double area = surface_areas(v.view()).phase_area_um2.at(1);
  const double exact = 6.0 * 40 * 40;
  EXPECT_NEAR(plane_factor({1, 0, 0}), 0.9266, 5e-4);
  EXPECT_NEAR(area / exact, plane_factor({1, 0, 0}), 0.02);
}

TEST(SurfaceArea, TiltedPlanesFollowThePlaneFactor) {
  // A half-space z' = n.(p - c) <= 0 through a 64^3 box, random normals: the area inside the box is
  // the interface 0|1 and its estimate must match plane_factor(n) * exact area of the plane section.
  std::mt19937_64 rng(5);
  std::normal_distribution<double> g;
  for (int trial = 0; trial < 4; ++trial) {
    std::array<double, 3> n{};
    do {
      n = {g(rng), g(rng), g(rng)};
      const double len = std::sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
      for (double& c : n) c /= len;
    } while (std::fabs(n[1]) + std::fabs(n[2]) > 0.9 * std::fabs(n[0]));  // crosses every (y, x) column
    const int N = 64;
    Volume<uint8_t> v({N, N, N});
    for (int z = 0; z < N; ++z)
      for (int y = 0; y < N; ++y)
        for (int x = 0; x < N; ++x)
          v(z, y, x) = n[0] * (z + 0.5 - N / 2.0) + n[1] * (y + 0.5 - N / 2.0) + n[2] * (x + 0.5 - N / 2.0) <= 0 ? 1 : 0;
    // Every (y, x) column crosses the plane inside the box (the plane is within 0.45 N of the centre
    // in z over the box), so the section's area is N^2 / |n_z|.
    const double exact = double(N) * N / std::fabs(n[0]);
    const double area = surface_areas(v.view()).interface(0, 1);
    // Lines of direction d cut near the box's side faces are lost or gained: O(1/N) = 3% edge effect.
    EXPECT_NEAR(area / exact, plane_factor(n), 0.03) << "normal " << n[0] << "," << n[1] << "," << n[2];
  }
}

TEST(SurfaceArea, BruteForceTwinOnRandomLabels) {
  std::mt19937_64 rng(7);
  Volume<uint8_t> v({9, 11, 13}, {0.5, 0.7, 1.1});
  for (auto& x : v) x = static_cast<uint8_t>(rng() % 4);
  const auto r = surface_areas(v.view());
  const auto ref = brute_force_interfaces(v, 4);
  ASSERT_EQ(r.num_labels, 4);
  for (int a = 0; a < 4; ++a)
    for (int b = 0; b < 4; ++b) EXPECT_NEAR(r.interface(a, b), ref[a * 4 + b], 1e-9 * (1 + ref[a * 4 + b]));
  // A phase's area is the sum of its interfaces (no volume boundary counted by default).
  for (int a = 0; a < 4; ++a) {
    double sum = 0;
    for (int b = 0; b < 4; ++b) sum += r.interface(a, b);
    EXPECT_NEAR(r.phase_area_um2[a], sum, 1e-9 * sum);
  }
}

TEST(SurfaceArea, ThreadCountDoesNotChangeTheResult) {
  std::mt19937_64 rng(11);
  Volume<uint8_t> v({40, 33, 57}, {1, 1, 1});
  for (auto& x : v) x = static_cast<uint8_t>((rng() % 7) < 5 ? 0 : rng() % 3);
  const int before = thread_count();
  const auto one = test::on_threads(1, [&] { return surface_areas(v.view()); });
  const auto many = test::on_threads(4, [&] { return surface_areas(v.view()); });
  set_threads(before);
  EXPECT_EQ(one.interface_area_um2, many.interface_area_um2);
  EXPECT_EQ(one.phase_area_um2, many.phase_area_um2);
  EXPECT_EQ(one.voxels, many.voxels);
}

TEST(SurfaceArea, AnisotropicSpacingSphere) {
  // The same physical ball on 1 x 1.5 x 0.75 um voxels: weights recomputed for the stretched lattice.
  const Spacing s{1.0, 1.5, 0.75};
  const double r = 20.0;
  const double area = ball_area_um2(r, s);
  EXPECT_NEAR(area / (4 * M_PI * r * r), 1.0, 0.03);
}

TEST(SurfaceArea, VolumeBoundaryFlagClosesTheSet) {
  // A full block: no inner surface; with the boundary counted it is a closed box.
  Volume<uint8_t> v = Volume<uint8_t>::filled({10, 10, 10}, {}, 1);
  EXPECT_EQ(phase_surface_area_um2(v.view(), 1, Spacing{}, false), 0.0);
  const double closed = phase_surface_area_um2(v.view(), 1, Spacing{}, true);
  // Same as the block padded with background explicitly.
  Volume<uint8_t> padded = Volume<uint8_t>::filled({12, 12, 12}, {}, 0);
  for (int z = 1; z < 11; ++z)
    for (int y = 1; y < 11; ++y)
      for (int x = 1; x < 11; ++x) padded(z, y, x) = 1;
  EXPECT_NEAR(closed, phase_surface_area_um2(padded.view(), 1, Spacing{}, false), 1e-9);
  SurfaceAreaParams p;
  p.count_volume_boundary = true;
  const auto r = surface_areas(v.view(), p);
  EXPECT_NEAR(r.phase_area_um2[1], closed, 1e-9);
  EXPECT_NEAR(r.volume_boundary_area_um2[1], closed, 1e-9);
}

TEST(SurfaceArea, StridedViewEqualsCopy) {
  std::mt19937_64 rng(3);
  Volume<uint8_t> v({12, 14, 16});
  for (auto& x : v) x = static_cast<uint8_t>(rng() % 3);
  // A view with x stride 2 (every other column) versus the same voxels copied.
  VolumeView<const uint8_t> strided(v.data(), Shape{12, 14, 8}, Strides{14 * 16, 16, 2}, Spacing{}, 0);
  const auto copy = to_volume(strided);
  EXPECT_EQ(surface_areas(strided).interface_area_um2, surface_areas(copy.view()).interface_area_um2);
}

TEST(SurfaceArea, RejectsBadSpacing) {
  Volume<uint8_t> v = Volume<uint8_t>::filled({2, 2, 2}, {}, 0);
  EXPECT_THROW(phase_surface_area_um2(v.view(), 1, Spacing{0, 1, 1}), InputError);
}

TEST(SurfaceArea, SeparatedSpheresTotalWithinThreePercent) {
  // Eight balls, radii 8..15 voxels, well apart in a 100^3 volume, two phases: the total area of each
  // phase is within 3% of the analytic sum (acceptance of issue 4), and so is the pore surface.
  Volume<uint8_t> v = Volume<uint8_t>::filled({100, 100, 100}, {0.5, 0.5, 0.5}, 0);
  double exact[3] = {0, 0, 0};
  int i = 0;
  for (int cz : {25, 75})
    for (int cy : {25, 75})
      for (int cx : {25, 75}) {
        const double r = 8 + i;  // voxels
        const uint8_t label = static_cast<uint8_t>(1 + i % 2);
        for (int z = 0; z < 100; ++z)
          for (int y = 0; y < 100; ++y)
            for (int x = 0; x < 100; ++x)
              if ((z - cz + 0.3) * (z - cz + 0.3) + (y - cy + 0.2) * (y - cy + 0.2) + (x - cx + 0.1) * (x - cx + 0.1) <= r * r)
                v(z, y, x) = label;
        exact[label] += 4 * M_PI * (r * 0.5) * (r * 0.5);
        exact[0] += 4 * M_PI * (r * 0.5) * (r * 0.5);
        ++i;
      }
  const auto r = surface_areas(v.view());
  for (int l = 0; l < 3; ++l) EXPECT_NEAR(r.phase_area_um2[l] / exact[l], 1.0, 0.03) << "label " << l;
  EXPECT_EQ(r.interface(1, 2), 0.0);
}
