#pragma once
// Triple-phase boundary (TPB): length of the lines where three phases meet (active material / CBD /
// pore), from a label volume. Three estimators of `length_um`: the smoothed lattice polyline below, the
// intersection of two sub-voxel surfaces (measure/triple_line_intersection.hpp; accurate on smooth
// interfaces at shallow angles, unstable on conductor features of a few voxels), and the default
// hybrid of the two chosen per chain of the line (measure/triple_line_hybrid.hpp).
// The voxel centres are split into Freudenthal (Kuhn) tetrahedra; with
// labels constant on the vertices, the triple line crosses each triangle whose three vertices carry
// the three phases once, and runs through each tetrahedron holding two such triangles. That polyline
// is a 1-manifold by construction; its lattice zigzag is removed by Taubin smoothing and its length is
// summed over chords of a few voxels (docs/surface_area.md, "Triple-phase boundary").
#include <array>
#include <cstdint>
#include <string>

#include "emorph/measure/triple_line_hybrid.hpp"
#include "emorph/measure/triple_line_intersection.hpp"
#include "emorph/volume.hpp"

namespace emorph {

struct TripleLineParams {
  std::array<uint8_t, 3> phases{1, 3, 0};  // labels of the three phases (default table: NMC, CBD, pore)
  // Taubin lambda|mu smoothing steps (pairs) of the polyline: removes the zigzag of the lattice, whose
  // wavelength is a few voxels, and leaves curves of larger radius unshrunk. 0: raw polyline length.
  int smoothing_steps = 30;
  // The smoothed line's length is summed over chords spanning this much polyline (in voxels of the
  // smallest size): the wiggle left after smoothing (the line hopping between the digital boundaries of
  // neighbouring slices, over a few voxels where the phases meet at shallow angles) adds no length, while
  // a chord of 6 voxels on a curve of radius rho voxels loses 36 / (24 rho^2) (1.0 % at rho = 12, 4 % at
  // rho = 6). 3 voxels left +5 to +19 % on tilted cuts (docs/surface_area.md). 0: the polyline itself.
  double chord_voxels = 6;
  // The estimator of `length_um`: the smoothed polyline, the surfaces' intersection (whose `phases`
  // are replaced by the ones above), or per chain of the polyline the intersection where it is reliable
  // and the polyline elsewhere (measure/triple_line_hybrid.hpp). The polyline is always traced (for
  // `raw_length_um`, segments, ends).
  enum class Estimator { polyline, intersection, hybrid } estimator = Estimator::hybrid;
  TripleLineIntersectionParams intersection;
  TripleLineHybridParams hybrid;
};

struct TripleLineResult {
  double length_um = 0;          // the chosen estimator's length
  std::string method;            // that estimator, in words (results JSON `method`)
  double raw_length_um = 0;      // before smoothing (overestimates by the lattice zigzag)
  double total_volume_um3 = 0;   // the whole label volume
  double length_per_um2 = 0;     // length_um / total_volume_um3 (um per um^3)
  int64_t segments = 0;          // tetrahedra the line crosses
  int64_t ends = 0;              // line ends: a fourth phase or the volume's faces
  double intersection_share = 0; // share of length_um measured by the intersection (hybrid; 1 or 0 otherwise)
};

// Spacing from the view. OpenMP over slices; the result does not depend on the thread count.
TripleLineResult triple_line_length(VolumeView<const uint8_t> labels, const TripleLineParams& params = {});

}  // namespace emorph
