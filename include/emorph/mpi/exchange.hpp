#pragma once
// Point-to-point and collective exchanges of the distributed kernels (MPI standard 3.1): the z-slab to
// y-slab transpose of the EDT and the granulometry (MPI_Alltoallv; y slabs gathered on rank 0 with
// MPI_Gatherv), the one-plane halo of the labelling (MPI_Sendrecv), the
// equivalences gathered on rank 0 and their answers scattered back (MPI_Gatherv / MPI_Scatterv), and the
// slabs of an output volume collected on rank 0 in z order (rank 0 alone writes). Counts travel as
// 64-bit integers and messages are split below MPI's int counts. Built without MPI every function is the
// 1-rank identity.
#include <cstdint>
#include <functional>
#include <vector>

namespace emorph {

// The sum of `value` over the ranks below this one (MPI_Exscan; 0 on rank 0).
int64_t world_sum_before(int64_t value);
// In place: element-wise minimum / maximum over ranks (MPI_Allreduce). Sizes must match.
void world_min(std::vector<int64_t>& values);
void world_max(std::vector<int64_t>& values);

// MPI_Alltoallv of rows of `row_bytes` bytes: send_rows[r] rows from row send_at[r] of `send` go to rank
// r; recv_rows[r] rows from rank r land at row recv_at[r] of `recv`. Counts and offsets are in rows (an
// MPI datatype of one row), so that they stay below MPI's int counts for slabs of up to 2^31 rows.
void world_alltoall_rows(const void* send, const std::vector<int64_t>& send_rows, const std::vector<int64_t>& send_at,
                         void* recv, const std::vector<int64_t>& recv_rows, const std::vector<int64_t>& recv_at,
                         int64_t row_bytes);
// MPI_Gatherv of rows onto rank 0: each rank sends its `rows` rows of `send`; rank 0 receives recv_rows[r]
// rows from rank r at row recv_at[r] of `recv` (the arguments of recv are read on rank 0 only).
void world_gather_rows(const void* send, int64_t rows, void* recv, const std::vector<int64_t>& recv_rows,
                       const std::vector<int64_t>& recv_at, int64_t row_bytes);

// Sends `values` to the next rank and returns those the previous rank sent (empty on rank 0).
std::vector<int64_t> world_pass_forward(const std::vector<int64_t>& values);
// Sends `values` to the previous rank and returns those the next rank sent (empty on the last rank).
std::vector<int64_t> world_pass_backward(const std::vector<int64_t>& values);

// Rank 0 returns every rank's `values`, indexed by rank; the other ranks an empty vector.
std::vector<std::vector<int64_t>> world_gather(const std::vector<int64_t>& values);
// Each rank returns per_rank[its rank], as given on rank 0 (ignored elsewhere).
std::vector<int64_t> world_scatter(const std::vector<std::vector<int64_t>>& per_rank);

// Rank 0 calls consume(bytes, size) on every rank's `bytes` in rank order (its own first, whole; the
// others' in parts of whole `unit`s of about 8 MiB); the other ranks send theirs. Rank 0 holds its own
// bytes and one part at a time.
void world_collect_on_root(const void* bytes, uint64_t size, uint64_t unit,
                           const std::function<void(const void*, uint64_t)>& consume);

}  // namespace emorph
