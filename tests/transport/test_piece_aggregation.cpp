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
  // Grid (z, y, x) 4 x 2 x 6: blocks 0, 1, 2 along x in the coarse plane z 0-1, and above them (z 2-3) a
  // row at z = 2, y = 0 joining block 0 to block 2. Block 1 holds the z pairs A at (y0, x2) and B at
  // (y1, x3), diagonal to each other: A links to block 0 only, B to block 2 only.
  std::vector<int> occupied(48, 0);
  auto at = [&](int z, int y, int x) -> int& { return occupied[(z * 2 + y) * 6 + x]; };
  for (int z = 0; z < 2; ++z) {
    at(z, 0, 0) = at(z, 0, 1) = 1;  // block 0
    at(z, 0, 2) = 1;                // A
    at(z, 1, 3) = 1;                // B
    at(z, 1, 4) = 1;                // block 2 ...
  }
  at(1, 1, 5) = at(1, 0, 5) = 1;              // ... up to x = 5 at z = 1
  for (int x = 0; x < 6; ++x) at(2, 0, x) = 1;  // the joining row
  const GridGraph g({4, 2, 6}, occupied);
  const auto a = pa::aggregate_block_pieces(g.place, g.for_links());
  // Plane 0: block 0, A (smallest member (0,0,2) before B's (0,1,3)), B, block 2; plane 1: the row's three
  // two-cell pieces, one per block.
  ASSERT_EQ(a.aggregates(), 7);
  EXPECT_EQ(a.coarse.plane_start, (std::vector<int64_t>{0, 4, 7}));
  EXPECT_EQ(a.coarse.cell, (std::vector<uint32_t>{0, 1, 1, 2, 3, 4, 5}));
  auto aggregate_at = [&](int z, int y, int x) { return a.aggregate_of[g.unknown_of[(z * 2 + y) * 6 + x]]; };
  EXPECT_EQ(aggregate_at(0, 0, 2), 1u);
  EXPECT_EQ(aggregate_at(1, 0, 2), 1u);
  EXPECT_EQ(aggregate_at(0, 1, 3), 2u);
  EXPECT_EQ(aggregate_at(1, 1, 3), 2u);
  // Galerkin: symmetric; no A-B entry; A's row holds block 0 by two links (z = 0 and 1) and the row
  // piece above it by one; the sum of all entries of P^T A P is that of A (6 per unknown less its links).
  const auto c = pa::galerkin(g.place, a, g.for_links(), [](int64_t) { return 6.0; });
  ASSERT_EQ(c.m(), 7);
  auto entry = [&](uint32_t I, uint32_t J) {
    for (int64_t e = c.row_start[I]; e < c.row_start[I + 1]; ++e)
      if (c.column[e] == J) return double(c.g[e]);
    return 0.0;
  };
  for (uint32_t I = 0; I < 7; ++I)
    for (uint32_t J = 0; J < 7; ++J) EXPECT_EQ(entry(I, J), entry(J, I)) << I << ", " << J;
  EXPECT_EQ(entry(1, 2), 0.0);
  EXPECT_EQ(entry(1, 0), 2.0);
  EXPECT_EQ(entry(1, 5), 1.0);
  EXPECT_EQ(entry(2, 3), 2.0);
  double fine_sum = 0, coarse_sum = 0;
  for (const auto& l : g.links) fine_sum += 6.0 - double(l.size());
  for (int64_t I = 0; I < 7; ++I) {
    coarse_sum += c.diagonal[I];
    for (int64_t e = c.row_start[I]; e < c.row_start[I + 1]; ++e) coarse_sum -= c.g[e];
  }
  EXPECT_DOUBLE_EQ(coarse_sum, fine_sum);
}

TEST(PieceAggregation, AOneCellFragmentJoinsTheNeighbourItLinksToMost) {
  // Grid 2 x 2 x 4: block 0 holds a three-cell L and, diagonal to it, the lone cell (0,1,1); block 1 is
  // full. The lone cell links only to block 1 ((0,1,2)): a fragment of one cell is not kept as an aggregate
  // of its own (kSmallPieceMax) but joins that piece; the L stays apart from it.
  std::vector<int> occupied(16, 0);
  auto at = [&](int z, int y, int x) -> int& { return occupied[(z * 2 + y) * 4 + x]; };
  at(0, 0, 0) = at(1, 0, 0) = at(1, 0, 1) = 1;
  at(0, 1, 1) = 1;
  for (int z = 0; z < 2; ++z)
    for (int y = 0; y < 2; ++y) at(z, y, 2) = at(z, y, 3) = 1;
  const GridGraph g({2, 2, 4}, occupied);
  const auto a = pa::aggregate_block_pieces(g.place, g.for_links());
  ASSERT_EQ(a.aggregates(), 2);
  EXPECT_EQ(a.coarse.cell, (std::vector<uint32_t>{0, 1}));
  auto aggregate_at = [&](int z, int y, int x) { return a.aggregate_of[g.unknown_of[(z * 2 + y) * 4 + x]]; };
  EXPECT_EQ(aggregate_at(0, 1, 1), aggregate_at(0, 1, 2));
  EXPECT_NE(aggregate_at(0, 1, 1), aggregate_at(0, 0, 0));
}
