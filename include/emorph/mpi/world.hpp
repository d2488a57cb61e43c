#pragma once
// The MPI world of a run under mpirun or srun (MPI standard 3.1, OpenMPI): started only when a launcher
// set up the process, so `emorph` alone never touches MPI. Ranks split volumes into z slabs
// (emorph/parallel.hpp own_slices); partial integer tallies are summed over ranks here, so distributed
// results equal the single-process ones exactly. Built without MPI (EMORPH_WITH_MPI off) every
// function is the 1-rank identity.
#include <cstdint>
#include <vector>

namespace emorph {

// Whether this build has MPI.
bool mpi_built();
// The world size a launcher announced in the environment (OMPI_COMM_WORLD_SIZE, PMI_SIZE,
// PMIX_SIZE / SLURM_NTASKS under srun); 1 when none did.
int launcher_world_size();
// Starts MPI when launched by mpirun/srun and records rank and size (set_world). Throws InputError when a
// launcher announced several ranks but this build has no MPI (every rank would write the same outputs).
void start_world(int* argc, char*** argv);
// MPI_Finalize when start_world started MPI; safe to call always.
void stop_world();
// Aborts every rank with `code` (one rank failed while the others may wait in a collective).
[[noreturn]] void abort_world(int code);

// In place: every rank ends with the element-wise sum over ranks (MPI_Allreduce). Sizes must match.
void world_sum(std::vector<int64_t>& values);
void world_sum(std::vector<double>& values);
int64_t world_max(int64_t value);

}  // namespace emorph
