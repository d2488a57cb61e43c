#pragma once
// The results object of `emorph particles --json` (and of emorph.particles in Python), built once so
// both front ends give the same keys and values.
#include "emorph/result.hpp"
#include "emorph/segment/separate_particles.hpp"

namespace emorph {

// phase: the phase name (or null); quantile: the size-class quantile used for a.classes.
Json particle_analysis_results(const ParticleAnalysis& a, const Json& phase, double quantile);

}  // namespace emorph
