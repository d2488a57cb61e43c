// Hybrid triple-line length: the intersection of the smoothed active surface with the moving-least-
// squares conductor|pore plane (Levin 2003) where that fit is valid, i.e. the faces in its window form a
// monotone staircase (a plane), else the Taubin-smoothed polyline's chord length spread over its edges.
#include "emorph/measure/triple_line_hybrid.hpp"

#include <cmath>

#include "emorph/error.hpp"

namespace emorph {

TripleLineHybridLength hybrid_triple_line_length(const std::vector<TripleLinePiece>& polyline,
                                                 const std::vector<TripleLinePiece>& intersection,
                                                 const TripleLineHybridParams& params) {
  require(std::isfinite(params.min_planarity), "triple line: the hybrid's planarity threshold must be finite");
  TripleLineHybridLength out;
  double from_intersection = 0;
  for (const auto& piece : intersection)
    if (piece.planarity >= params.min_planarity) from_intersection += piece.length_um;
  out.length_um = from_intersection;
  for (const auto& piece : polyline)
    if (piece.planarity < params.min_planarity) out.length_um += piece.length_um;
  out.intersection_share = out.length_um > 0 ? from_intersection / out.length_um : 0;
  return out;
}

}  // namespace emorph
