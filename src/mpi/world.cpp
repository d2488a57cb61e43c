// The MPI world of a run (MPI 3.1): start under a launcher, Allreduce of tallies, finalize.
#include "emorph/mpi/world.hpp"

#include <algorithm>
#include <cstdlib>
#include <string>

#include "emorph/error.hpp"
#include "emorph/parallel.hpp"

#ifdef EMORPH_WITH_MPI
#include <mpi.h>
#endif
#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace emorph {

namespace {
bool g_started = false;
}  // namespace

int launcher_world_size() {
  // OpenMPI's mpirun, MPICH/Intel's PMI, PMIx (srun --mpi=pmix); SLURM_NTASKS alone is not a launch
  // (sbatch sets it for the batch shell too), so it is not read.
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"})
    if (const char* v = std::getenv(name); v && *v) return std::max(1, std::atoi(v));
  return 1;
}

#ifdef EMORPH_WITH_MPI

bool mpi_built() { return true; }

void start_world(int* argc, char*** argv) {
  if (launcher_world_size() <= 1) return;  // a 1-rank launch runs as without mpirun
  int initialised = 0;
  MPI_Initialized(&initialised);
  if (!initialised) {
    int provided = 0;
    MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);  // OpenMP threads never call MPI
    g_started = true;
  }
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  set_world(rank, size);
#ifdef __GLIBC__
  // The distributed kernels allocate and free slab-sized buffers in turn (transposes, per-radius
  // scratch, EDT distances). Once MPI is initialised, glibc kept every freed buffer in the process (a
  // rank's RSS never fell; OpenMPI's memory hooks tune malloc for pinned-memory caches), so the peak
  // was the sum of all buffers ever live. Buffers of 1 MiB or more are mapped on their own again and
  // returned when freed: granulometry at 256^3, np 2: 111 -> 96 MiB per rank.
  if (size > 1) {
    mallopt(M_MMAP_MAX, 1 << 16);
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 20);
  }
#endif
}

void stop_world() {
  if (!g_started) return;
  int finalised = 0;
  MPI_Finalized(&finalised);
  if (!finalised) MPI_Finalize();
  g_started = false;
}

void abort_world(int code) {
  if (g_started && world_ranks() > 1) MPI_Abort(MPI_COMM_WORLD, code);
  std::exit(code);
}

void world_sum(std::vector<int64_t>& values) {
  if (world_ranks() == 1 || values.empty()) return;
  MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);
}

void world_sum(std::vector<double>& values) {
  if (world_ranks() == 1 || values.empty()) return;
  MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
}

int64_t world_max(int64_t value) {
  if (world_ranks() == 1) return value;
  MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_INT64_T, MPI_MAX, MPI_COMM_WORLD);
  return value;
}

#else

bool mpi_built() { return false; }

void start_world(int*, char***) {
  if (launcher_world_size() > 1)
    throw InputError("started by mpirun/srun with " + std::to_string(launcher_world_size()) +
                     " ranks, but this emorph was built without MPI (cmake -DEMORPH_WITH_MPI=ON with libopenmpi-dev)");
}
void stop_world() {}
void abort_world(int code) { std::exit(code); }
void world_sum(std::vector<int64_t>&) {}
void world_sum(std::vector<double>&) {}
int64_t world_max(int64_t value) { return value; }

#endif

}  // namespace emorph
