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

// An n^3 cube of unit voxels labelled by label_at(z, y, x).
template <class LabelAt>
Volume<uint8_t> labelled_cube(int n, LabelAt label_at) {
  Volume<uint8_t> v = Volume<uint8_t>::filled({n, n, n}, {1, 1, 1}, 0);
  for (int z = 0; z < n; ++z)
    for (int y = 0; y < n; ++y)
      for (int x = 0; x < n; ++x) v(z, y, x) = label_at(z, y, x);
  return v;
}

// Both estimators of `length_um` within `tolerance` (relative) of `expected`.
void expect_length_with_each_estimator(const Volume<uint8_t>& v, double expected, double tolerance) {
  for (auto estimator : {TripleLineParams::Estimator::polyline, TripleLineParams::Estimator::intersection}) {
    TripleLineParams p;
    p.estimator = estimator;
    EXPECT_NEAR(triple_line_length(v.view(), p).length_um, expected, tolerance * expected)
        << (estimator == TripleLineParams::Estimator::polyline ? "polyline" : "intersection");
  }
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
  const double expected = 2 * std::numbers::pi * std::sqrt(R * R - h * h) * 0.5;
  expect_length_with_each_estimator(v, expected, 0.05);
}

TEST(TripleLine, StraightObliqueLine) {
  // Three wedges meeting along the line y = x/2 + 3.3, z free, tilted: the half-spaces
  // A: u < 0, B: u >= 0 and w < 0, C: u >= 0 and w >= 0 meet on u = w = 0, a straight line of
  // direction (1, 1, 1)-ish crossing the whole box.
  const int n = 40;
  const auto v = labelled_cube(n, [](int z, int y, int x) {
    const double u = (x - 20.1) - (y - 20.3);  // normal (0, -1, 1)
    const double w = (z - 20.2) - (y - 20.3);  // normal (1, -1, 0)
    return u < 0 ? 1 : (w < 0 ? 3 : 0);
  });
  // The line u = w = 0 is x = y = z (shifted): it crosses the box's diagonal, n - 1 voxel steps per axis
  // between the first and last voxel centres.
  const double expected = std::sqrt(3.0) * (n - 1);
  expect_length_with_each_estimator(v, expected, 0.05);
}

TEST(TripleLine, ThreadCountDoesNotChangeTheResult) {
  const auto v = cut_ball(12, 3.3, {0.5, 0.5, 0.5});
  const int threads = omp_get_max_threads();
  for (auto estimator : {TripleLineParams::Estimator::polyline, TripleLineParams::Estimator::intersection}) {
    TripleLineParams p;
    p.estimator = estimator;
    omp_set_num_threads(1);
    const auto one = triple_line_length(v.view(), p);
    omp_set_num_threads(std::max(2, threads));
    const auto many = triple_line_length(v.view(), p);
    omp_set_num_threads(threads);
    EXPECT_EQ(one.length_um, many.length_um);
    EXPECT_EQ(one.segments, many.segments);
  }
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
// A ball of radius R voxels (NMC, 1) centred at c, cut by the plane n . (p - c) = h (unit normal n):
// CBD (3) on the positive side outside the ball, pore (0) on the other.
Volume<uint8_t> tilted_cut_ball(double radius, double h, std::array<double, 3> n, std::array<double, 3> c, int size) {
  const double norm = std::sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
  for (auto& e : n) e /= norm;
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

TEST(TripleLine, CutSphereSweepOverRadiusDepthAndOrientation) {
  // Balls of R = 6-24 voxels, centres off the lattice by two different sub-voxel offsets, cut at h/R
  // = 0 to 0.9 by planes normal to z, (0,1,1), (1,1,1) and (0.3,0.5,0.81); truth 2 pi sqrt(R^2 - h^2).
  // A plane normal to a lattice axis is placed half-way between two voxel layers: the labels only
  // locate such a plane to within its layer (every h in the layer gives the same volume, and at
  // h = 0.9 R the true circle's length varies by +-24 % (R 8) to +-10 % (R 24) across it), so no
  // estimator can do better there; tilted planes cross the layers and are located to a fraction of a voxel.
  // Tolerances (issue 20 acceptance, 5 %) where the sphere meets the plane at >= 45 degrees (h <= 0.7 R)
  // and the circle's radius is >= 5 voxels: measured -2.5 to +4.4 % (docs/validation.md, issue 20 tpb branch).
  // Shallower cuts are a documented limit: at h = 0.85-0.9 R (32-26 degrees) a plane located to 0.1
  // voxel near the line moves the circle's radius by 0.1 h / r voxel, and the measured error is -16 to
  // +14 %; they are checked within 18 % per case and 6 % on average, so that a regression still fails
  // (the polyline estimator gave +8 to +37 % there).
  const std::array<std::array<double, 3>, 4> normals = {{{1, 0, 0}, {0, 1, 1}, {1, 1, 1}, {0.3, 0.5, 0.81}}};
  const std::array<std::array<double, 3>, 2> offsets = {{{0.25, 0.35, 0.15}, {0.4, 0.1, 0.45}}};
  double shallow_sum = 0;
  int shallow_cases = 0;
  int index = 0;
  for (double R : {6.0, 8.0, 12.0, 16.0, 24.0})
    for (double f : {0.0, 0.4, 0.7, 0.85, 0.9})
      for (const auto& n : normals) {
        const auto& offset = offsets[static_cast<std::size_t>(index++ % 2)];
        const int size = static_cast<int>(2 * R + 10);
        double h = f * R;
        std::array<double, 3> c = {size / 2.0 + offset[0], size / 2.0 + offset[1], size / 2.0 + offset[2]};
        if (n[1] == 0 && n[2] == 0) c[0] = std::floor(c[0] + h) + 0.5 - h;  // plane half-way between layers
        TripleLineIntersectionParams p;
        const double length = triple_line_intersection_length(tilted_cut_ball(R, h, n, c, size).view(), p);
        const double r = std::sqrt(R * R - h * h), expected = 2 * std::numbers::pi * r;
        const double error = length / expected - 1;
        const auto where = ::testing::Message() << "R " << R << " h/R " << f << " normal " << n[0] << "," << n[1]
                                                << "," << n[2] << ": " << 100 * error << " %";
        if (f <= 0.7 && r >= 5) {
          EXPECT_LT(std::abs(error), 0.05) << where;
        } else if (f <= 0.7) {
          EXPECT_LT(std::abs(error), 0.07) << where;  // R 6 at 0.7 R: circle of radius 4.3 voxels
        } else {
          EXPECT_LT(std::abs(error), 0.18) << where;
          shallow_sum += error;
          ++shallow_cases;
        }
      }
  EXPECT_LT(std::abs(shallow_sum / shallow_cases), 0.06) << "mean error at h = 0.85-0.9 R";
}

TEST(TripleLine, CylinderThroughSlabGivesTwoCircles) {
  // An NMC cylinder of radius 7.3 voxels along z through a CBD slab (pore above and below): two circles
  // where the cylinder crosses the slab's faces (placed half-way between layers, as above). The phases
  // meet at right angles, the easiest case: within 3 %.
  const auto v = labelled_cube(40, [](int z, int y, int x) {
    const double py = y - 20.3, px = x - 19.6;
    return py * py + px * px <= 7.3 * 7.3 ? 1 : (z > 12.5 && z < 27.5 ? 3 : 0);
  });
  const double expected = 2 * 2 * std::numbers::pi * 7.3;
  expect_length_with_each_estimator(v, expected, 0.03);
}

TEST(TripleLine, StraightLineAlongAnAxis) {
  // NMC for x < 20.3, CBD and pore split at y = 20.4 beyond: the line x = 20.3, y = 20.4 along z, n - 1
  // voxel steps between the first and last voxel centres. Within 2 %.
  const int n = 40;
  const auto v = labelled_cube(n, [](int, int y, int x) { return x < 20.3 ? 1 : (y >= 20.4 ? 3 : 0); });
  expect_length_with_each_estimator(v, n - 1.0, 0.02);
}
