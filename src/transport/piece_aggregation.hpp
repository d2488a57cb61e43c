#pragma once
// Aggregation by connected pieces of 2x2x2 blocks (the multigrid's coarsening, tortuosity.cpp): the
// unknowns of a level lie on the cells of a grid; each aggregate is one connected piece (by the level's own
// links) of the unknowns inside one 2x2x2 block of cells, so that two pore pieces which only meet outside the
// block are never forced to one coarse value (plain block agglomeration did this in 25.6 % of F256's
// occupied blocks, docs/benchmarks.md). Coarse operators are Galerkin P^T A P for this piecewise-constant P
// (Braess 1995), stored as compressed rows since a block may now hold several coarse unknowns.
// The level types are templates (the matrix-free finest level and the CSR coarse ones), so this is a header.
#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <numeric>
#include <vector>

#include "emorph/volume.hpp"

namespace emorph::piece_aggregation {

constexpr uint32_t kNoAggregate = std::numeric_limits<uint32_t>::max();

// Unknowns of a level on a grid: unknowns are numbered plane by plane (plane_start[z] is the first unknown
// whose cell lies in plane z), and cell[k] is the raster index of unknown k's cell.
struct GridPlacement {
  Shape shape;
  std::vector<int64_t> plane_start;
  std::vector<uint32_t> cell;
};

// The aggregates: aggregate_of[k] for each fine unknown, and the coarse unknowns placed on the grid of
// blocks (numbered by block in raster order, then by their smallest fine unknown, so that the numbering
// does not depend on the thread count).
struct Aggregation {
  std::vector<uint32_t> aggregate_of;
  GridPlacement coarse;
  int64_t aggregates() const { return coarse.plane_start.empty() ? 0 : coarse.plane_start.back(); }
};

inline Shape block_shape(Shape s) { return {(s.nz + 1) / 2, (s.ny + 1) / 2, (s.nx + 1) / 2}; }

// Fine unknowns whose cells lie in the coarse plane Z: [first, last).
inline std::pair<int64_t, int64_t> fine_range(const GridPlacement& fine, int64_t Z) {
  return {fine.plane_start[static_cast<std::size_t>(2 * Z)],
          fine.plane_start[static_cast<std::size_t>(std::min(fine.shape.nz, 2 * Z + 2))]};
}

// Pieces of at most this many members are merged into a neighbour (merge_small_pieces). Measured on F128
// (docs/benchmarks.md, issue 19 stop 19): 0 keeps 181,756 of 564,016 unknowns on the first coarse level
// and needs 8 levels; 1 keeps 138,265 and 7 levels for one more iteration and 15 % less CPU; 2 and 4 cost
// 2 and 5 more iterations for little further coarsening.
constexpr uint32_t kSmallPieceMax = 1;
struct SmallLink {
  uint32_t from, to;
  double g;
  bool operator<(const SmallLink& o) const { return from != o.from ? from < o.from : to < o.to; }
};

// A piece of at most kSmallPieceMax members (mostly a fragment cut off by the block's faces) joins the
// larger piece, within the same coarse plane, to which it links most strongly: unmerged, such fragments
// survive level after level and the coarsening stalls at a ratio of about 3.
template <class Find, class ForLinks>
void merge_small_pieces(int64_t k0, int64_t k1, std::vector<uint32_t>& root, Find& find, ForLinks& for_links,
                        std::vector<SmallLink>& links) {
  const int64_t n = k1 - k0;
  std::vector<uint32_t> size(static_cast<std::size_t>(n), 0);
  for (int64_t i = 0; i < n; ++i) ++size[find(static_cast<uint32_t>(i))];
  links.clear();
  for (int64_t i = 0; i < n; ++i) {
    const uint32_t r = find(static_cast<uint32_t>(i));
    if (size[r] > kSmallPieceMax) continue;
    for_links(k0 + i, [&](int64_t j, double g) {
      if (j < k0 || j >= k1 || g <= 0) return;
      const uint32_t s = find(static_cast<uint32_t>(j - k0));
      if (s != r && size[s] > kSmallPieceMax) links.push_back({r, s, g});
    });
  }
  std::sort(links.begin(), links.end());
  for (std::size_t e = 0; e < links.size();) {
    const uint32_t from = links[e].from;
    uint32_t best = 0;
    double best_g = -1;
    while (e < links.size() && links[e].from == from) {
      const uint32_t to = links[e].to;
      double g = 0;
      for (; e < links.size() && links[e].from == from && links[e].to == to; ++e) g += links[e].g;
      if (g > best_g) best_g = g, best = to;
    }
    root[from] = best;  // best is a root of a larger piece: no chains
  }
}

// for_links(k, f) calls f(j, g) for each link of unknown k to unknown j with conductance g > 0.
template <class ForLinks>
Aggregation aggregate_block_pieces(const GridPlacement& fine, ForLinks&& for_links) {
  const Shape fs = fine.shape, cs = block_shape(fs);
  const int64_t m = fine.plane_start.back();
  Aggregation a;
  a.aggregate_of.assign(static_cast<std::size_t>(m), kNoAggregate);
  a.coarse.shape = cs;
  std::vector<int64_t> count(static_cast<std::size_t>(cs.nz), 0);
  std::vector<std::vector<uint32_t>> plane_cells(static_cast<std::size_t>(cs.nz));
  auto block_of = [&](uint32_t c) {
    const int64_t x = c % fs.nx, y = (c / fs.nx) % fs.ny, z = c / (fs.nx * fs.ny);
    return static_cast<uint32_t>(((z / 2) * cs.ny + y / 2) * cs.nx + x / 2);
  };
#pragma omp parallel
  {
    std::vector<uint32_t> root, block;
    std::vector<std::pair<uint32_t, uint32_t>> pieces;  // (block, smallest member) per piece
    std::vector<SmallLink> small_links;
#pragma omp for schedule(dynamic, 1)
    for (int64_t Z = 0; Z < cs.nz; ++Z) {
      const auto [k0, k1] = fine_range(fine, Z);
      const int64_t n = k1 - k0;
      root.resize(static_cast<std::size_t>(n));
      block.resize(static_cast<std::size_t>(n));
      for (int64_t i = 0; i < n; ++i) {
        root[i] = static_cast<uint32_t>(i);
        block[i] = block_of(fine.cell[k0 + i]);
      }
      auto find = [&](uint32_t i) {
        while (root[i] != i) i = root[i] = root[root[i]];
        return i;
      };
      // Union-find over the links inside a block; the root is the smallest member.
      for (int64_t i = 0; i < n; ++i)
        for_links(k0 + i, [&](int64_t j, double g) {
          if (j < k0 || j >= k1 || g <= 0 || block[j - k0] != block[i]) return;
          const uint32_t ri = find(static_cast<uint32_t>(i)), rj = find(static_cast<uint32_t>(j - k0));
          if (ri != rj) root[std::max(ri, rj)] = std::min(ri, rj);
        });
      merge_small_pieces(k0, k1, root, find, for_links, small_links);
      pieces.clear();
      for (int64_t i = 0; i < n; ++i)
        if (find(static_cast<uint32_t>(i)) == i) pieces.emplace_back(block[i], static_cast<uint32_t>(i));
      std::sort(pieces.begin(), pieces.end());
      // Local numbers first (offsets follow once every plane is counted); root[] of a root is reused for it.
      auto& cells = plane_cells[Z];
      cells.resize(pieces.size());
      for (std::size_t p = 0; p < pieces.size(); ++p) {
        cells[p] = pieces[p].first;
        a.aggregate_of[k0 + pieces[p].second] = static_cast<uint32_t>(p);
      }
      for (int64_t i = 0; i < n; ++i) a.aggregate_of[k0 + i] = a.aggregate_of[k0 + find(static_cast<uint32_t>(i))];
      count[Z] = static_cast<int64_t>(pieces.size());
    }
  }
  a.coarse.plane_start.assign(static_cast<std::size_t>(cs.nz) + 1, 0);
  for (int64_t Z = 0; Z < cs.nz; ++Z) a.coarse.plane_start[Z + 1] = a.coarse.plane_start[Z] + count[Z];
  a.coarse.cell.resize(static_cast<std::size_t>(a.aggregates()));
#pragma omp parallel for schedule(static)
  for (int64_t Z = 0; Z < cs.nz; ++Z) {
    const auto [k0, k1] = fine_range(fine, Z);
    const uint32_t offset = static_cast<uint32_t>(a.coarse.plane_start[Z]);
    for (int64_t k = k0; k < k1; ++k) a.aggregate_of[k] += offset;
    std::copy(plane_cells[Z].begin(), plane_cells[Z].end(), a.coarse.cell.begin() + a.coarse.plane_start[Z]);
  }
  return a;
}

// A symmetric matrix with zero or negative off-diagonals: the diagonal and, per row, the columns and the
// (positive) conductances g of the off-diagonal entries -g, columns in increasing order.
struct CsrGraph {
  std::vector<int64_t> row_start;  // m + 1
  std::vector<uint32_t> column;
  std::vector<float> g;  // float: the coarse levels only precondition (docs/benchmarks.md)
  std::vector<double> diagonal;
  int64_t m() const { return static_cast<int64_t>(diagonal.size()); }
};

// Galerkin product P^T A P for the piecewise-constant P of the aggregation: a coarse link sums the fine links
// between two aggregates, and the coarse diagonal sums the fine diagonals less both directions of every link
// inside the aggregate. diag_of(k) is the fine diagonal (boundary conductances included).
template <class ForLinks, class DiagOf>
CsrGraph galerkin(const GridPlacement& fine, const Aggregation& a, ForLinks&& for_links, DiagOf&& diag_of) {
  const int64_t mc = a.aggregates(), nzc = a.coarse.shape.nz;
  CsrGraph c;
  c.diagonal.assign(static_cast<std::size_t>(mc), 0.0);
  c.row_start.assign(static_cast<std::size_t>(mc) + 1, 0);
  std::vector<std::vector<uint32_t>> plane_column(static_cast<std::size_t>(nzc));
  std::vector<std::vector<float>> plane_g(static_cast<std::size_t>(nzc));
#pragma omp parallel
  {
    std::vector<uint32_t> where(static_cast<std::size_t>(mc), kNoAggregate);  // position of J in the row being built
    std::vector<std::pair<uint32_t, double>> row;
    std::vector<int64_t> member_start;
    std::vector<uint32_t> member;
#pragma omp for schedule(dynamic, 1)
    for (int64_t Z = 0; Z < nzc; ++Z) {
      const auto [k0, k1] = fine_range(fine, Z);
      const int64_t I0 = a.coarse.plane_start[Z], I1 = a.coarse.plane_start[Z + 1];
      // Members of each aggregate of the plane, in increasing order (counting sort).
      member_start.assign(static_cast<std::size_t>(I1 - I0) + 1, 0);
      for (int64_t k = k0; k < k1; ++k) ++member_start[a.aggregate_of[k] - I0 + 1];
      std::partial_sum(member_start.begin(), member_start.end(), member_start.begin());
      member.resize(static_cast<std::size_t>(k1 - k0));
      {
        std::vector<int64_t> fill(member_start.begin(), member_start.end() - 1);
        for (int64_t k = k0; k < k1; ++k) member[fill[a.aggregate_of[k] - I0]++] = static_cast<uint32_t>(k);
      }
      auto& cols = plane_column[Z];
      auto& gs = plane_g[Z];
      for (int64_t I = I0; I < I1; ++I) {
        double diag = 0;
        row.clear();
        for (int64_t p = member_start[I - I0]; p < member_start[I - I0 + 1]; ++p) {
          const uint32_t k = member[p];
          diag += diag_of(k);
          for_links(k, [&](int64_t j, double g) {
            const uint32_t J = a.aggregate_of[j];
            if (J == I) {
              diag -= g;  // counted once from each end: the link cancels in P^T A P
              return;
            }
            if (where[J] == kNoAggregate) {
              where[J] = static_cast<uint32_t>(row.size());
              row.emplace_back(J, 0.0);
            }
            row[where[J]].second += g;
          });
        }
        for (const auto& e : row) where[e.first] = kNoAggregate;
        std::sort(row.begin(), row.end());
        for (const auto& e : row) {
          cols.push_back(e.first);
          gs.push_back(static_cast<float>(e.second));
        }
        c.diagonal[I] = diag;
        c.row_start[I + 1] = static_cast<int64_t>(row.size());
      }
    }
  }
  std::partial_sum(c.row_start.begin(), c.row_start.end(), c.row_start.begin());
  c.column.resize(static_cast<std::size_t>(c.row_start.back()));
  c.g.resize(c.column.size());
#pragma omp parallel for schedule(static)
  for (int64_t Z = 0; Z < nzc; ++Z) {
    const int64_t at = c.row_start[a.coarse.plane_start[Z]];
    std::copy(plane_column[Z].begin(), plane_column[Z].end(), c.column.begin() + at);
    std::copy(plane_g[Z].begin(), plane_g[Z].end(), c.g.begin() + at);
  }
  return c;
}

}  // namespace emorph::piece_aggregation
