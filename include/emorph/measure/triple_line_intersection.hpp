#pragma once
// Triple-line length as the intersection of two sub-voxel surfaces (docs/methods/surfaces.md,
// "Triple-phase boundary"): the active material's surface, the 0.5 level of its Gaussian-smoothed
// indicator with the smoothing's curvature shift taken back, and the conductor|pore interface, a local
// plane fitted to the conductor|pore voxel faces around each point. The line is where both fields
// vanish, traced by marching the Freudenthal tetrahedra of the voxel centres.
#include <array>
#include <cstdint>
#include <vector>

#include "emorph/volume.hpp"

namespace emorph {

struct TripleLineIntersectionParams {
  std::array<uint8_t, 3> phases{1, 3, 0};  // active material (the smooth surface), conductor, pore
  // Gaussian sigma of the active material's indicator, in voxels of the smallest size: removes the
  // lattice steps of its surface; the curvature shift (sigma^2 H) is taken back by one backward heat
  // step. 0.8 leaves steps (+10 % on shallow cuts), 1.5 over-corrects (-5 %).
  double surface_sigma_voxels = 1.0;
  // Gaussian windows of the conductor|pore plane fit: sigma of the faces' weighted centroid (small, so
  // that the plane stays local) and of their vector area (the normal; wider, as its error is multiplied
  // by the distance from the centroid to the line, where the faces end).
  double plane_sigma_voxels = 1.0;
  double normal_sigma_voxels = 2.5;
};

// A piece of a triple line: a segment of the traced intersection (inside one Freudenthal tetrahedron)
// or an edge of the polyline.
struct TripleLinePiece {
  std::array<double, 3> point_um{};  // its midpoint: z, y, x from the first voxel's centre
  double length_um = 0;
  // Planarity of the conductor|pore faces around it (the lowest over the corners of its voxel cell):
  // sum_a |N_a| / sum_a A_a of the faces' vector area N and area A in the normal's window; 1 on a plane
  // of any orientation (a monotone staircase), about 0.5 on a hemispherical cap, 0 with no face near.
  double planarity = 0;
};

// The line's segments, in slice order; `probes` (the polyline's pieces), when given, get their
// planarity. OpenMP; the result does not depend on the thread count. Memory: about 13 float volumes of
// the labels' shape.
std::vector<TripleLinePiece> triple_line_intersection_segments(VolumeView<const uint8_t> labels,
                                                              const TripleLineIntersectionParams& params = {},
                                                              std::vector<TripleLinePiece>* probes = nullptr);

// Length in um of the lines where the three phases meet: the segments' sum.
double triple_line_intersection_length(VolumeView<const uint8_t> labels, const TripleLineIntersectionParams& params = {});

}  // namespace emorph
