#pragma once
// Tortuosity factor and effective diffusivity of a conducting phase along an axis, from steady-state
// diffusion on the voxel grid (finite volume, harmonic face conductances), solved by preconditioned CG.
#include <cstdint>
#include <utility>
#include <vector>

#include "emorph/volume.hpp"

namespace emorph {

// Linear solver: emorph's own CG (preconditioned as `multigrid` says), or one of HYPRE's (builds with
// EMORPH_WITH_HYPRE only; otherwise InputError): PFMG-CG on the whole grid with identity rows for the
// cells that do not conduct, or BoomerAMG-CG on the compressed system of the conducting unknowns.
enum class TortuosityBackend { own, hypre_pfmg, hypre_boomeramg };

struct TortuosityParams {
  int axis = 0;             // transport direction: c = 1 on the lower face of slice 0, c = 0 on the upper face of slice n-1
  uint8_t phase_label = 0;  // the phase whose volume fraction and D0 define tau (pore by default)
  // Relative diffusivity (D/D0) per label; labels not listed do not conduct. Empty: only phase_label
  // conducts, with 1. When phase_label is not listed it conducts with 1.
  std::vector<std::pair<uint8_t, double>> conductivity;
  double tolerance = 1e-8;       // relative residual ||b - Ax||_2 / ||b||_2 at which CG may stop
  double flux_tolerance = 1e-4;  // and |J_in - J_out| / mean(J_in, J_out) below this
  int64_t max_iterations = 100000;
  bool multigrid = true;  // aggregation V-cycle preconditioner; false: Jacobi (diagonal)
  TortuosityBackend backend = TortuosityBackend::own;
  bool keep_fields = false;  // fill concentration and flux_magnitude
};

struct TortuosityResult {
  bool percolating = false;         // false: no conducting path joins the two faces
  double tau = 0;                   // +infinity when not percolating (JSON null)
  double deff_over_d0 = 0;          // D_eff / D0 (0 when not percolating)
  double macmullin = 0;             // N_M = 1 / (D_eff/D0) = tau / eps (single phase); +infinity when not percolating
  double volume_fraction = 0;       // of phase_label
  double weighted_volume_fraction = 0;  // sum over labels of volume fraction x relative diffusivity (eps for one phase)
  double percolating_fraction = 0;  // percolating conducting voxels / conducting voxels
  double flux_in = 0, flux_out = 0;  // through the two faces, in D0 x um (c drop of 1)
  double flux_mismatch = 0;         // |J_in - J_out| / mean
  double relative_residual = 0;
  int64_t iterations = 0;
  bool converged = false;
  int64_t unknowns = 0;             // percolating conducting voxels
  int levels = 0;                   // multigrid levels (1: fine level only)
  double seconds = 0;
  // With keep_fields: concentration in [0, 1] on the percolating conducting voxels, NaN elsewhere;
  // flux magnitude |J| in D0 x (c_in - c_out) / um at voxel centres (mean of opposite face fluxes), 0 elsewhere.
  Volume<float> concentration;
  Volume<float> flux_magnitude;
};

// D_eff is the flux through the full cross-section: D_eff/D0 = J * L / (A * D0 * 1), with L the length of
// the volume along the axis and A the area of its cross-section (TauFactor's definition). Dirichlet
// values sit on the outer faces of the first and last slices (half a voxel from their centres), so a
// straight channel gives tau = 1 exactly. tau = weighted_volume_fraction / (D_eff/D0), eps/tau for one phase.
TortuosityResult tortuosity(VolumeView<const uint8_t> labels, const TortuosityParams& params);

// Whether this build offers the HYPRE back ends (EMORPH_WITH_HYPRE).
bool tortuosity_hypre_available();

// Bruggeman fit D_eff/D0 = eps^alpha over a series: least squares on log(D_eff/D0) = alpha log(eps)
// (through the origin), and the free fit log(D_eff/D0) = log(k) + alpha log(eps).
struct BruggemanFit {
  double exponent = 0;            // alpha through the origin (tau = eps^(1 - alpha))
  double free_exponent = 0;       // alpha of the free fit
  double free_prefactor = 0;      // k of the free fit
  double r_squared = 0;           // of the free fit
  int64_t points = 0;
};
BruggemanFit fit_bruggeman(const std::vector<double>& volume_fraction, const std::vector<double>& deff_over_d0);

}  // namespace emorph
