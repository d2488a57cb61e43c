// Triple-phase boundary length on shapes with known triple lines.
#include <gtest/gtest.h>
#include <omp.h>

#include <array>
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

constexpr std::array<TripleLineParams::Estimator, 3> kEstimators = {
    TripleLineParams::Estimator::hybrid, TripleLineParams::Estimator::polyline, TripleLineParams::Estimator::intersection};
const char* name(TripleLineParams::Estimator e) {
  return e == TripleLineParams::Estimator::hybrid ? "hybrid" : e == TripleLineParams::Estimator::polyline ? "polyline" : "intersection";
}

TripleLineResult measure(const Volume<uint8_t>& v, TripleLineParams::Estimator estimator) {
  TripleLineParams p;
  p.estimator = estimator;
  return triple_line_length(v.view(), p);
}

// Every estimator of `length_um` within `tolerance` (relative) of `expected`.
void expect_length_with_each_estimator(const Volume<uint8_t>& v, double expected, double tolerance) {
  for (auto estimator : kEstimators)
    EXPECT_NEAR(measure(v, estimator).length_um, expected, tolerance * expected) << name(estimator);
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
  for (auto estimator : kEstimators) {
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
  // The default (hybrid) estimator: the CBD|pore interface is a plane, so every piece of the line is
  // measured by the surfaces' intersection (intersection_share 1).
  // Tolerances (issue 20 acceptance, 5 %) where the sphere meets the plane at >= 45 degrees (h <= 0.7 R)
  // and the circle's radius is >= 5 voxels: measured -2.5 to +4.4 % (docs/validation.md, "#20 stop 17").
  // A smaller circle is not resolved: the active surface is smoothed over sigma 1 voxel and the plane's
  // normal over 2.5 voxels, so a circle of radius 4 spans under two normal windows (R 6 at 0.7 R, r 4.3:
  // -6.0 %). Shallower cuts are a documented limit: at h = 0.85-0.9 R (32-26 degrees) a plane located
  // to 0.1 voxel near the line moves the circle's radius by 0.1 h / r voxel, and the measured error is
  // -16 to +14 %; they are checked within 18 % per case and 6 % on average, so that a regression still
  // fails (the polyline estimator gives +8 to +40 % there).
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
        const auto result = triple_line_length(tilted_cut_ball(R, h, n, c, size).view());
        const double length = result.length_um;
        const double r = std::sqrt(R * R - h * h), expected = 2 * std::numbers::pi * r;
        const double error = length / expected - 1;
        const auto where = ::testing::Message() << "R " << R << " h/R " << f << " normal " << n[0] << "," << n[1]
                                                << "," << n[2] << ": " << 100 * error << " %";
        EXPECT_EQ(result.intersection_share, 1.0) << where;
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

TEST(TripleLine, TorusCutAcrossItsTubeGivesTwoCirclesOfKnownTotal) {
  // An NMC torus (major radius R0 = 12, tube radius a = 6 voxels, axis u) cut by the plane u . (p - c) =
  // h: CBD beyond it, pore before it. The plane crosses the tube in two circles of radii R0 -+
  // sqrt(a^2 - h^2) (6.4 and 17.6 voxels at h = 2.3) on the inner (saddle) and outer sides; their total
  // 4 pi R0 does not depend on h, so the labels' layer quantisation of an axis-normal plane cancels.
  // Contact at acos(h / a) = 67 degrees: the 5 % acceptance domain of the cut sphere.
  const double R0 = 12, a = 6, h = 2.3;
  const std::array<std::array<double, 3>, 3> axes = {{{1, 0, 0}, {1, 1, 1}, {0.3, 0.5, 0.81}}};
  for (auto u : axes) {
    const double norm = std::sqrt(u[0] * u[0] + u[1] * u[1] + u[2] * u[2]);
    for (auto& e : u) e /= norm;
    const auto v = labelled_cube(46, [&](int z, int y, int x) {
      const double w[3] = {z - 23.15, y - 22.7, x - 23.35};
      const double along = u[0] * w[0] + u[1] * w[1] + u[2] * w[2];
      const double radial = std::sqrt(std::max(0.0, w[0] * w[0] + w[1] * w[1] + w[2] * w[2] - along * along));
      if ((radial - R0) * (radial - R0) + along * along <= a * a) return 1;
      return along > h ? 3 : 0;
    });
    SCOPED_TRACE(::testing::Message() << "axis " << u[0] << "," << u[1] << "," << u[2]);
    expect_length_with_each_estimator(v, 4 * std::numbers::pi * R0, 0.05);
  }
}

TEST(TripleLine, SmallConductorCapsFallBackToThePolyline) {
  // CBD balls of radius rho on an NMC ball (R 16): each meets it in a circle of radius
  // sqrt(R^2 - x^2), x = (d^2 + R^2 - rho^2) / (2 d), d = R + rho / 2 (2.1, 2.9 and 5.7 voxels here).
  // Caps of a few voxels are what real CBD is made of: the plane fitted to a cap runs parallel to the
  // particle (intersection +31 % / +12 % at rho 2.5 / 3.5), the cap's faces are not a plane
  // (planarity < 0.9), so the default takes the polyline there (-11 % / -5 %: circles of 2-3 voxels are
  // below what either line resolves, so only the fallback is asserted). At rho 7 the intersection is
  // kept on the cap's flatter part and the total is within 5 %.
  const std::array<std::array<double, 3>, 9> directions = {
      {{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}, {1, 1, 1}, {-1, -1, 1}, {0.3, -0.8, -0.5}}};
  const double R = 16;
  for (double rho : {2.5, 3.5, 7.0}) {
    const std::size_t caps = rho < 5 ? 9 : 6;  // larger caps on the axes only, so they do not overlap
    const double d = R + rho / 2, x = (d * d + R * R - rho * rho) / (2 * d);
    const auto v = labelled_cube(56, [&](int z, int y, int xx) {
      const double p[3] = {z - 28.23, y - 28.31, xx - 28.17};
      if (p[0] * p[0] + p[1] * p[1] + p[2] * p[2] <= R * R) return 1;
      for (std::size_t k = 0; k < caps; ++k) {
        const auto& u = directions[k];
        const double norm = std::sqrt(u[0] * u[0] + u[1] * u[1] + u[2] * u[2]);
        double q = 0;
        for (int a = 0; a < 3; ++a) q += (p[a] - d * u[a] / norm) * (p[a] - d * u[a] / norm);
        if (q <= rho * rho) return 3;
      }
      return 0;
    });
    const auto hybrid = measure(v, TripleLineParams::Estimator::hybrid);
    const auto polyline = measure(v, TripleLineParams::Estimator::polyline);
    const double expected = static_cast<double>(caps) * 2 * std::numbers::pi * std::sqrt(R * R - x * x);
    if (rho < 5) {
      EXPECT_EQ(hybrid.intersection_share, 0.0) << "rho " << rho;
      EXPECT_NEAR(hybrid.length_um, polyline.length_um, 1e-9 * polyline.length_um) << "rho " << rho;
    } else {
      EXPECT_GT(hybrid.intersection_share, 0.0);
      EXPECT_NEAR(hybrid.length_um, expected, 0.05 * expected);
    }
  }
}
