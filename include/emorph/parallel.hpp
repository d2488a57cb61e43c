#pragma once
// Thread count control shared by the CLI (--threads) and Python (threads=), and the MPI world this
// process belongs to (set by the CLI under mpirun/srun, emorph/mpi/world.hpp; 1 rank otherwise).
#include <cstdint>

namespace emorph {

void set_threads(int n);  // n <= 0: all cores
int thread_count();

// The MPI world as the rest of the library sees it: plain numbers, no MPI needed to read them.
void set_world(int rank, int ranks);
int world_rank();   // 0 .. world_ranks() - 1
int world_ranks();  // 1 without MPI
inline bool is_root_rank() { return world_rank() == 0; }

// The z slices [begin, end) that `rank` of `ranks` owns when n slices are split in contiguous slabs:
// sizes differ by at most one, the larger ones first (n = 10, ranks = 4: 3, 3, 2, 2).
struct RankSlab {
  int64_t begin = 0, end = 0;
};
RankSlab rank_slices(int64_t n, int rank, int ranks);
inline RankSlab own_slices(int64_t n) { return rank_slices(n, world_rank(), world_ranks()); }

}  // namespace emorph
