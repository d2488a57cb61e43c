// The MPI world of a run (MPI 3.1): start under a launcher, Allreduce of tallies, finalize.
#include "emorph/mpi/world.hpp"

#include <algorithm>
#include <cstdlib>
#include <string>

#include "emorph/error.hpp"
#include "emorph/parallel.hpp"

#ifdef EMORPH_WITH_MPI
#include <mpi.h>

#include "idle_wait.hpp"
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
    // OpenMPI reads its MCA settings from the environment in MPI_Init; these are emorph's defaults, and a
    // value set by the user or by mpirun (--mca) wins (setenv without overwrite). Yield while polling:
    // the polls that remain (wait_idle's first 500 us, HYPRE's solves) leave the core to other work of
    // the node, e.g. another rank when ranks share cores (docs/slurm.md).
    setenv("OMPI_MCA_mpi_yield_when_idle", "1", 0);
    // hwloc (OpenMPI's topology) loads every plugin it finds; those for OpenGL displays, OpenCL devices
    // and libxml2 XML (hwloc has its own XML parser) pull in X11, xcb, libOpenCL, libxml2 and ICU, which
    // no rank uses: 1.7 MiB per rank (docs/benchmarks.md, "#19 stop 21"). The PCI plugin stays (it
    // places network cards).
    setenv("HWLOC_PLUGINS_BLACKLIST", "hwloc_gl,hwloc_opencl,hwloc_xml_libxml", 0);
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
  if (!finalised) {
    // MPI_Finalize's own barrier polls: the ranks that finished wait here for rank 0 writing the last
    // output, asleep (idle_wait.hpp).
    MPI_Request request;
    MPI_Ibarrier(MPI_COMM_WORLD, &request);
    wait_idle(request);
    MPI_Finalize();
  }
  g_started = false;
}

void abort_world(int code) {
  if (g_started && world_ranks() > 1) MPI_Abort(MPI_COMM_WORLD, code);
  std::exit(code);
}

namespace {
// MPI_Allreduce in place, waited for by wait_idle (a rank ahead of the others sleeps).
void all_reduce(void* values, int count, MPI_Datatype type, MPI_Op op) {
  MPI_Request request;
  MPI_Iallreduce(MPI_IN_PLACE, values, count, type, op, MPI_COMM_WORLD, &request);
  wait_idle(request);
}
}  // namespace

void world_sum(std::vector<int64_t>& values) {
  if (world_ranks() == 1 || values.empty()) return;
  all_reduce(values.data(), static_cast<int>(values.size()), MPI_INT64_T, MPI_SUM);
}

void world_sum(std::vector<double>& values) {
  if (world_ranks() == 1 || values.empty()) return;
  all_reduce(values.data(), static_cast<int>(values.size()), MPI_DOUBLE, MPI_SUM);
}

int64_t world_max(int64_t value) {
  if (world_ranks() == 1) return value;
  all_reduce(&value, 1, MPI_INT64_T, MPI_MAX);
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
