#include "emorph/parallel.hpp"

#include <omp.h>

#include <algorithm>
#include <string>

#include "emorph/error.hpp"

namespace emorph {

namespace {
// 4 threads per core, at least 256: oversubscription stays possible.
int max_threads() { return std::max(256, 4 * omp_get_num_procs()); }
}  // namespace

void set_threads(int n) {
  // Tens of thousands of OpenMP threads exhaust the address space (stacks) and crash libgomp.
  if (n > max_threads())
    throw InputError("--threads: " + std::to_string(n) + " is too many (at most " + std::to_string(max_threads()) +
                     " on this machine with " + std::to_string(omp_get_num_procs()) + " cores)");
  omp_set_num_threads(n > 0 ? n : omp_get_num_procs());
}

int thread_count() { return omp_get_max_threads(); }

}  // namespace emorph

namespace emorph {

namespace {
int g_rank = 0, g_ranks = 1;
}  // namespace

void set_world(int rank, int ranks) {
  require(ranks >= 1 && rank >= 0 && rank < ranks, "MPI world: rank " + std::to_string(rank) + " of " + std::to_string(ranks));
  g_rank = rank;
  g_ranks = ranks;
}
int world_rank() { return g_rank; }
int world_ranks() { return g_ranks; }

RankSlab rank_slices(int64_t n, int rank, int ranks) {
  const int64_t base = n / ranks, extra = n % ranks;
  RankSlab r;
  r.begin = rank * base + std::min<int64_t>(rank, extra);
  r.end = r.begin + base + (rank < extra ? 1 : 0);
  return r;
}

}  // namespace emorph
