#pragma once
// Interface between the tortuosity finite-volume assembly and the optional HYPRE solvers
// (EMORPH_WITH_HYPRE): the system restricted to the percolating unknowns, described cell by cell.
#include <cstdint>
#include <functional>

#include "emorph/volume.hpp"

namespace emorph {

constexpr uint32_t kNoUnknown = 0xffffffffu;

struct GridSystem {
  Shape shape;
  const uint32_t* unknown_of_cell = nullptr;  // raster index (z, y, x) -> unknown, or kNoUnknown
  int64_t unknowns = 0;
  // Row of unknown k: conductances to its lower neighbours along z, y, x (0 where there is no link),
  // its diagonal (sum of link and boundary conductances) and its right-hand side.
  std::function<void(int64_t k, double g_lower[3], double& diagonal, double& rhs)> row;
  // Slab-held systems (a distributed caller holding only its own z slab, emorph/mpi/distributed_tortuosity.hpp):
  // unknown_of_cell then covers the global z planes [first_plane, ...) only (the own slab and one halo
  // plane each side), the own unknowns are [own_begin, own_end), x holds only those (x[k - own_begin]) and
  // is not shared, and `row` also answers g_lower for the unknowns of the upper halo plane. own_begin < 0:
  // the whole grid is held and every rank returns the whole x.
  int64_t first_plane = 0;
  int64_t own_begin = -1, own_end = -1;
  uint32_t cell(int64_t z, int64_t i) const { return unknown_of_cell[(z - first_plane) * shape.ny * shape.nx + i]; }
};

struct HypreSolveParams {
  double tolerance = 1e-6;  // ||b - Ax||_2 / ||b||_2
  int64_t max_iterations = 100000;
};

struct HypreSolveResult {
  int64_t iterations = 0;
  double relative_residual = 0;  // as HYPRE reports it
};

// Under several MPI ranks (emorph/parallel.hpp world_ranks) both solves are distributed: each rank
// assembles the rows of its own z slab (own_slices), HYPRE solves across the ranks, and every rank
// returns the whole solution x.

// CG preconditioned by PFMG on the Struct interface over the whole grid; cells that are not unknowns get
// identity rows (x = 0). x: per unknown, initial guess in, solution out.
HypreSolveResult hypre_struct_pfmg_cg(const GridSystem& system, const HypreSolveParams& params, double* x);

// CG preconditioned by BoomerAMG on the IJ interface over the unknowns only (compressed system).
HypreSolveResult hypre_ij_boomeramg_cg(const GridSystem& system, const HypreSolveParams& params, double* x);

// Whether this build has HYPRE.
bool hypre_available();

}  // namespace emorph
