// The multigrid's coarsening (src/transport/piece_aggregation.hpp): aggregates are the connected pieces of
// the unknowns inside each 2x2x2 block, and the coarse matrix is the Galerkin product P^T A P. Checked on
// hand-made grids against pieces and sums counted by hand.
#include <gtest/gtest.h>

#include <vector>

#include "transport/piece_aggregation.hpp"

using namespace emorph;
namespace pa = emorph::piece_aggregation;

namespace {

// Unknowns at the occupied cells of a grid (raster order), linked to their occupied face neighbours with
// conductance 1, and a diagonal of 6 per unknown (so the Galerkin diagonal is checkable by hand).
struct GridGraph {
  pa::GridPlacement place;
  std::vector<int64_t> unknown_of;  // per cell, -1 where empty
  std::vector<std::vector<int64_t>> links;

  GridGraph(Shape shape, const std::vector<int>& occupied) {
    place.shape = shape;
    unknown_of.assign(static_cast<std::size_t>(shape.voxels()), -1);
    place.plane_start.assign(static_cast<std::size_t>(shape.nz) + 1, 0);
    for (int64_t i = 0; i < shape.voxels(); ++i)
      if (occupied[i]) {
        unknown_of[i] = static_cast<int64_t>(place.cell.size());
        place.cell.push_back(static_cast<uint32_t>(i));
        ++place.plane_start[i / (shape.ny * shape.nx) + 1];
      }
    for (int64_t z = 0; z < shape.nz; ++z) place.plane_start[z + 1] += place.plane_start[z];
    links.resize(place.cell.size());
    for (std::size_t k = 0; k < place.cell.size(); ++k) {
      const int64_t i = place.cell[k], x = i % shape.nx, y = (i / shape.nx) % shape.ny, z = i / (shape.nx * shape.ny);
      const int64_t step[3] = {shape.ny * shape.nx, shape.nx, 1}, pos[3] = {z, y, x}, size[3] = {shape.nz, shape.ny, shape.nx};
      for (int d = 0; d < 3; ++d) {
        if (pos[d] > 0 && unknown_of[i - step[d]] >= 0) links[k].push_back(unknown_of[i - step[d]]);
        if (pos[d] + 1 < size[d] && unknown_of[i + step[d]] >= 0) links[k].push_back(unknown_of[i + step[d]]);
      }
    }
  }
  auto for_links() const {
    return [this](int64_t k, auto&& f) {
      for (const int64_t j : links[k]) f(j, 1.0);
    };
  }
};

}  // namespace

TEST(PieceAggregation, ABlockWithTwoDisconnectedPiecesGivesTwoAggregates) {
  // One 2x2x2 block: a z pair at (y, x) = (0, 0) and another at (1, 1); they share no face.
  std::vector<int> occupied(8, 0);
  for (int z = 0; z < 2; ++z) occupied[z * 4 + 0] = occupied[z * 4 + 3] = 1;
  const GridGraph g({2, 2, 2}, occupied);
  const auto a = pa::aggregate_block_pieces(g.place, g.for_links());
  ASSERT_EQ(a.aggregates(), 2);
  // Numbered by their smallest member: cells 0, 3 (z = 0) come first in raster order.
  EXPECT_EQ(a.aggregate_of, (std::vector<uint32_t>{0, 1, 0, 1}));
  EXPECT_EQ(a.coarse.cell, (std::vector<uint32_t>{0, 0}));  // both in the one block
  // Galerkin: no link between the pieces; each diagonal is 6 + 6 less both directions of the inner link.
  const auto c = pa::galerkin(g.place, a, g.for_links(), [](int64_t) { return 6.0; });
  EXPECT_EQ(c.column.size(), 0u);
  EXPECT_EQ(c.diagonal, (std::vector<double>{10.0, 10.0}));
}

TEST(PieceAggregation, PiecesJoinedOnlyOutsideTheBlockStayApart) {
  // Grid (z, y, x) 2 x 2 x 4, two blocks along x. Block 1 (x 0-1) holds an L, (0,0,0)-(1,0,0)-(1,0,1), and
  // the lone cell (0,1,1), which shares no face with it; both are joined through block 2 (x 2-3), whose
  // six cells (0,0,2..3), (0,1,2..3), (1,0,2..3) are connected.
  std::vector<int> occupied(16, 0);
  auto at = [&](int z, int y, int x) -> int& { return occupied[(z * 2 + y) * 4 + x]; };
  at(0, 0, 0) = at(0, 0, 2) = at(0, 0, 3) = 1;
  at(0, 1, 1) = at(0, 1, 2) = at(0, 1, 3) = 1;
  for (int x = 0; x < 4; ++x) at(1, 0, x) = 1;
  const GridGraph g({2, 2, 4}, occupied);
  const auto a = pa::aggregate_block_pieces(g.place, g.for_links());
  // The L (smallest member: cell 0), the lone cell, then block 2.
  ASSERT_EQ(a.aggregates(), 3);
  EXPECT_EQ(a.coarse.cell, (std::vector<uint32_t>{0, 0, 1}));
  const int64_t lone = g.unknown_of[(0 * 2 + 1) * 4 + 1], corner = g.unknown_of[0];
  EXPECT_NE(a.aggregate_of[lone], a.aggregate_of[corner]);
  // Galerkin links: the lone cell links to (0,1,2) in block 2 (1 link); the L piece links to block 2 by
  // (1,0,1)-(1,0,2) (1 link); block 2's row has both. Symmetric, with increasing columns.
  const auto c = pa::galerkin(g.place, a, g.for_links(), [](int64_t) { return 6.0; });
  ASSERT_EQ(c.m(), 3);
  for (int64_t I = 0; I < 3; ++I)
    for (int64_t e = c.row_start[I]; e < c.row_start[I + 1]; ++e) {
      const uint32_t J = c.column[e];
      bool mirrored = false;
      for (int64_t f = c.row_start[J]; f < c.row_start[J + 1]; ++f) mirrored |= c.column[f] == I && c.g[f] == c.g[e];
      EXPECT_TRUE(mirrored) << I << " -> " << J;
    }
  const uint32_t block2 = 2;
  EXPECT_EQ(c.row_start[block2 + 1] - c.row_start[block2], 2);
  EXPECT_EQ(c.g[c.row_start[block2]], 1.0f);
  EXPECT_EQ(c.g[c.row_start[block2] + 1], 1.0f);
  // The row sums of A (6 per unknown less its links) carry over: sum of P^T A P = sum of A.
  double fine_sum = 0, coarse_sum = 0;
  for (std::size_t k = 0; k < g.links.size(); ++k) fine_sum += 6.0 - double(g.links[k].size());
  for (int64_t I = 0; I < 3; ++I) {
    coarse_sum += c.diagonal[I];
    for (int64_t e = c.row_start[I]; e < c.row_start[I + 1]; ++e) coarse_sum -= c.g[e];
  }
  EXPECT_DOUBLE_EQ(coarse_sum, fine_sum);
}
