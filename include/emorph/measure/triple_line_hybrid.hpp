#pragma once
// Hybrid triple-line length (docs/methods/surfaces.md, "Triple-phase boundary"): the sub-voxel
// surfaces' intersection (measure/triple_line_intersection.hpp) where the conductor|pore interface is a
// plane over the fit's window, the Freudenthal polyline (measure/triple_line.hpp) elsewhere. The
// intersection is within a few % on such interfaces, including the shallow contacts where the polyline
// wanders (+5 to +37 %); on conductor features a few voxels across its fitted plane runs parallel to the
// particle and misses the line, while the polyline is robust there.
#include <vector>

#include "emorph/measure/triple_line_intersection.hpp"

namespace emorph {

struct TripleLineHybridParams {
  // A piece of either line is in the planar part where its planarity (TripleLinePiece) is at least
  // this: 1 on planes, about 0.5 on caps; the cut-sphere sweep's pieces are all >= 0.98, nmc-polaron's
  // real CBD pieces mostly below 0.7 (docs/validation.md, "#20 stop 17").
  double min_planarity = 0.9;
};

struct TripleLineHybridLength {
  double length_um = 0;
  double intersection_share = 0;  // of length_um, from the intersection's planar pieces
};

// Intersection pieces in the planar part plus polyline pieces outside it. The planarity field is
// smooth (Gaussian windows), so both lines leave the planar part at nearly the same place.
TripleLineHybridLength hybrid_triple_line_length(const std::vector<TripleLinePiece>& polyline,
                                                 const std::vector<TripleLinePiece>& intersection,
                                                 const TripleLineHybridParams& params = {});

}  // namespace emorph
