// Chunked z slab <-> y slab transposes over MPI ranks (MPI_Alltoallv / MPI_Gatherv, MPI 3.1): every
// round moves a few slices of each rank's z slab, as blocks of (slices x the receiver's y rows x nx).
#include "slab_transpose.hpp"

#include <algorithm>
#include <cstring>

#include "emorph/mpi/exchange.hpp"
#include "emorph/parallel.hpp"

namespace emorph {
namespace {

// Bytes of one round's slices: small against a slab, large enough that rounds are few; and at least
// kMinRounds rounds, so that one round is at most a quarter of a slab (small slabs too: the tests' 31^3
// volumes take 3-4 rounds of uneven sizes).
constexpr int64_t kRoundBytes = int64_t(1) << 20;
constexpr int64_t kMinRounds = 4;

struct Rounds {
  int ranks = 1, rank = 0;
  int64_t nx = 0, ny = 0, row_bytes = 0, slices = 1;  // slices per round
  std::vector<RankSlab> zs, ys;                       // every rank's z slices and y rows
  int64_t count = 0;                                  // rounds over the largest z slab
  int64_t own_ny() const { return ys[rank].end - ys[rank].begin; }
  // Slices of rank r's z slab in round c: [c * slices, c * slices + in_round(r, c)) local to its slab.
  int64_t in_round(int r, int64_t c) const {
    return std::clamp<int64_t>(zs[r].end - zs[r].begin - c * slices, 0, slices);
  }
  std::vector<char> buffer() const { return std::vector<char>(static_cast<std::size_t>(slices * ny * row_bytes)); }
};

Rounds plan(const Shape& whole, int64_t element) {
  Rounds p;
  p.ranks = world_ranks(), p.rank = world_rank(), p.nx = whole.nx, p.ny = whole.ny, p.row_bytes = whole.nx * element;
  int64_t largest = 0;
  for (int r = 0; r < p.ranks; ++r) {
    p.zs.push_back(rank_slices(whole.nz, r, p.ranks));
    p.ys.push_back(rank_slices(whole.ny, r, p.ranks));
    largest = std::max(largest, p.zs[r].end - p.zs[r].begin);
  }
  const int64_t by_bytes = kRoundBytes / std::max<int64_t>(1, whole.ny * p.row_bytes);
  p.slices = std::max<int64_t>(1, std::min(by_bytes, (largest + kMinRounds - 1) / kMinRounds));
  p.count = (largest + p.slices - 1) / p.slices;
  return p;
}

// Rows per rank and their offsets in the blocks of `slices` whole planes: each rank's block holds the
// slices x its y rows.
void block_rows(const Rounds& p, int64_t slices, std::vector<int64_t>& rows, std::vector<int64_t>& at) {
  rows.assign(p.ranks, 0), at.assign(p.ranks, 0);
  int64_t row = 0;
  for (int r = 0; r < p.ranks; ++r) at[r] = row, rows[r] = slices * (p.ys[r].end - p.ys[r].begin), row += rows[r];
}

// `slices` whole planes <-> the blocks for ranks 0..N-1.
void move_blocks(const Rounds& p, int64_t slices, char* planes, char* blocks, bool to_blocks) {
  int64_t row = 0;
  for (int r = 0; r < p.ranks; ++r) {
    const int64_t ny_r = p.ys[r].end - p.ys[r].begin;
    const std::size_t bytes = static_cast<std::size_t>(ny_r * p.row_bytes);
    for (int64_t z = 0; z < slices; ++z, row += ny_r) {
      char* in_plane = planes + (z * p.ny + p.ys[r].begin) * p.row_bytes;
      char* in_blocks = blocks + row * p.row_bytes;
      if (to_blocks)
        std::memcpy(in_blocks, in_plane, bytes);
      else
        std::memcpy(in_plane, in_blocks, bytes);
    }
  }
}

// Rows and offsets of round c's slices of every rank inside this rank's y slab.
void y_slab_rows(const Rounds& p, int64_t c, std::vector<int64_t>& rows, std::vector<int64_t>& at) {
  rows.assign(p.ranks, 0), at.assign(p.ranks, 0);
  for (int r = 0; r < p.ranks; ++r) {
    rows[r] = p.in_round(r, c) * p.own_ny();
    at[r] = (p.zs[r].begin + c * p.slices) * p.own_ny();
    if (rows[r] == 0) at[r] = 0;  // keeps offsets of empty blocks in range
  }
}

}  // namespace

int64_t own_y_slab_size(const Shape& whole) {
  const RankSlab y = own_slices(whole.ny);
  return whole.nz * (y.end - y.begin) * whole.nx;
}

void transpose_to_y_slab(const Shape& whole, int64_t element, const FillPlanes& fill, void* y_slab) {
  const Rounds p = plan(whole, element);
  std::vector<char> planes = p.buffer(), blocks = p.buffer();
  std::vector<int64_t> send_rows, send_at, recv_rows, recv_at;
  for (int64_t c = 0; c < p.count; ++c) {
    const int64_t slices = p.in_round(p.rank, c);
    if (slices > 0) fill(c * p.slices, c * p.slices + slices, planes.data());
    move_blocks(p, slices, planes.data(), blocks.data(), true);
    block_rows(p, slices, send_rows, send_at);
    y_slab_rows(p, c, recv_rows, recv_at);
    world_alltoall_rows(blocks.data(), send_rows, send_at, y_slab, recv_rows, recv_at, p.row_bytes);
  }
}

void transform_on_z_slab(const Shape& whole, int64_t element, void* y_slab, const TransformPlanes& transform) {
  const Rounds p = plan(whole, element);
  std::vector<char> in = p.buffer(), out = p.buffer(), blocks = p.buffer();
  std::vector<int64_t> y_rows, y_at, block_rows_, block_at;
  for (int64_t c = 0; c < p.count; ++c) {
    const int64_t slices = p.in_round(p.rank, c);
    y_slab_rows(p, c, y_rows, y_at);
    block_rows(p, slices, block_rows_, block_at);
    world_alltoall_rows(y_slab, y_rows, y_at, blocks.data(), block_rows_, block_at, p.row_bytes);
    move_blocks(p, slices, in.data(), blocks.data(), false);
    if (slices > 0) transform(c * p.slices, c * p.slices + slices, in.data(), out.data());
    move_blocks(p, slices, out.data(), blocks.data(), true);
    world_alltoall_rows(blocks.data(), block_rows_, block_at, y_slab, y_rows, y_at, p.row_bytes);
  }
}

void gather_y_slabs_on_root(const Shape& whole, int64_t element, const void* y_slab, const TakePlanes& take) {
  const Rounds p = plan(whole, element);
  const bool root = is_root_rank();
  std::vector<char> planes, blocks;
  if (root) planes = p.buffer(), blocks = p.buffer();
  std::vector<int64_t> recv_rows, recv_at;
  for (int64_t z0 = 0; z0 < whole.nz; z0 += p.slices) {
    const int64_t slices = std::min(p.slices, whole.nz - z0);
    block_rows(p, slices, recv_rows, recv_at);
    world_gather_rows(static_cast<const char*>(y_slab) + z0 * p.own_ny() * p.row_bytes, slices * p.own_ny(), blocks.data(),
                      recv_rows, recv_at, p.row_bytes);
    if (!root) continue;
    move_blocks(p, slices, planes.data(), blocks.data(), false);
    take(z0, z0 + slices, planes.data());
  }
}

}  // namespace emorph
