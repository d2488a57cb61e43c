#pragma once
// The results layer of the transport commands: the `results` objects of `emorph connectivity` and
// `emorph tortuosity` (also emorph.connectivity, emorph.tortuosity and analyze's steps), built from the
// structs of include/emorph/transport/.
#include <cstdint>

#include "emorph/result.hpp"
#include "emorph/transport/connectivity.hpp"
#include "emorph/transport/tortuosity.hpp"
#include "emorph/transport/tortuosity_options.hpp"

namespace emorph {

// One phase's entry of `emorph connectivity --json` results.phases (also emorph.connectivity in
// Python): fractions of the whole volume (total_voxels) and of the phase, voxel and component counts.
Json connectivity_phase_json(const ConnectivityResult& r, uint8_t label, int64_t total_voxels);

// results.{tau, deff_over_d0, volume_fraction, percolating_fraction, percolating, macmullin_number,
// weighted_volume_fraction, flux_mismatch, relative_residual, iterations, converged, unknowns,
// multigrid_levels, seconds} (tau and the MacMullin number are infinite, JSON null, when nothing percolates).
Json tortuosity_result_json(const TortuosityResult& r);

// The results object of `emorph tortuosity --json` (also emorph.tortuosity and analyze's
// results.tortuosity.<phase>): tortuosity_result_json + phase, axis, conductivity (every conducting
// phase with its D/D0).
Json tortuosity_results(const TortuosityResult& r, const TortuosityOptions& options, const TortuositySetup& setup);

// results.bruggeman of `emorph tortuosity --series`: exponent, free_exponent, free_prefactor, r_squared, points.
Json bruggeman_json(const BruggemanFit& fit);

}  // namespace emorph
