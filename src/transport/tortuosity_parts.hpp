#pragma once
// Pieces of the tortuosity computation (tortuosity.cpp) that the distributed, slab-held solve
// (emorph/mpi/distributed_tortuosity.hpp) shares, so that both compute the same system and the same tau.
#include <array>
#include <cstdint>

#include "emorph/transport/tortuosity.hpp"
#include "hypre_solve.hpp"

namespace emorph {

// Relative diffusivity of every label, and D0 (the asked phase's).
struct Diffusivities {
  std::array<double, 256> sigma{};
  double d0 = 0;
};
// Checks params (axis, tolerances, iterations) and resolves the diffusivities.
Diffusivities check_tortuosity_params(const TortuosityParams& params);

// Volume fractions from the label histogram of the whole volume (volume_fraction, weighted_volume_fraction);
// returns the number of conducting voxels.
int64_t fractions_from_histogram(const std::array<int64_t, 256>& histogram, int64_t voxels, const TortuosityParams& params,
                                 const Diffusivities& d, TortuosityResult& result);

// Conductance of the face between two voxels of diffusivities sa and sb along an axis (face area over centre
// distance times their harmonic mean), and from a first/last slice's voxel centre to its Dirichlet face.
inline double face_conductance(double area, double length, double sa, double sb) { return area / length * 2 * sa * sb / (sa + sb); }
inline double boundary_conductance(double area, double length, double s) { return area / (0.5 * length) * s; }

// Solves the system with params.backend (a HYPRE one; x: start in, solution out) and records iterations,
// levels (0) and convergence by HYPRE's relative residual.
void solve_grid_with_hypre(const GridSystem& system, const TortuosityParams& params, double* x, TortuosityResult& result);

// D_eff/D0, tau and MacMullin from flux_in and flux_out (NaN unless converged).
void finish_tortuosity(const Shape& shape, const Spacing& spacing, int axis, double d0, TortuosityResult& result);

}  // namespace emorph
