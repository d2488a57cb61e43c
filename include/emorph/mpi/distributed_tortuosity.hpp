#pragma once
// emorph tortuosity over MPI ranks with slab-held data (issue 19): each rank reads only its own z slab
// of the labels, finds the percolating cells with the distributed connectivity, numbers its unknowns
// after those of the ranks before it, and holds the map, labels and solution of its slab plus one halo
// plane each side. HYPRE's PCG (PFMG on the Struct grid, or BoomerAMG on the compressed IJ system) solves
// across the ranks; fluxes and the true residual are summed over the ranks. The system is the in-core
// one (tortuosity.cpp: same conductances, Dirichlet faces, start and stopping rules), so tau agrees with
// one process to the solver tolerance.
#include <string>

#include "emorph/io.hpp"
#include "emorph/transport/tortuosity.hpp"

namespace emorph {

// params.backend must be a HYPRE one and keep_fields false (InputError otherwise). Returns early, with
// volume_fraction 0, when the phase has no voxel (the caller names the missing phase).
TortuosityResult distributed_tortuosity(const std::string& path, const TortuosityParams& params, const ReadOptions& read_options);

}  // namespace emorph
