#pragma once
// Point-to-point and collective exchanges of the distributed kernels (MPI standard 3.1): the z-slab to
// y-slab transpose of the EDT (MPI_Alltoallv), the one-plane halo of the labelling (MPI_Sendrecv), the
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

// MPI_Alltoallv of floats: send holds the blocks for ranks 0..N-1 one after the other (send_counts[r]
// floats for rank r); recv receives the blocks from ranks 0..N-1 in rank order (recv_counts[r] each).
void world_alltoall(const float* send, const std::vector<int64_t>& send_counts, float* recv,
                    const std::vector<int64_t>& recv_counts);

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
