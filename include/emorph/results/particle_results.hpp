#pragma once
// The results object of `emorph particles --json` (and of emorph.particles in Python), built once so
// both front ends give the same keys and values.
#include "emorph/result.hpp"
#include "emorph/segment/separate_particles.hpp"

namespace emorph {

// phase: the phase name (or null); quantile: the size-class quantile used for a.classes.
Json particle_analysis_results(const ParticleAnalysis& a, const Json& phase, double quantile);

// The per-particle table of `emorph particles --csv` and of analyze's particles_<phase>.csv (one writer,
// CONTRACT.md): label, volume_um3, equivalent_diameter_um, surface_area_um2, sphericity, centroid_z_um,
// centroid_y_um, centroid_x_um, touches_border, phase, voxels, bbox_z0 .. bbox_x1. Python's
// emorph.particles(...)["table"] has the same columns but phase.
void write_particle_table_csv(const std::string& path, const ParticleAnalysis& a, const std::string& phase);

}  // namespace emorph
