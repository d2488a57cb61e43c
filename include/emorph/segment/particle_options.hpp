#pragma once
// The user-facing options of particle analysis, declared once for every front end: the separation shared
// by `emorph particles` and `emorph contacts` (and emorph.particles / emorph.contacts), and the sizing
// options of particles. Their parameter tables drive the CLI options, the Python keywords and docstrings
// and the `parameters` echo.
#include <optional>

#include "emorph/param_table.hpp"
#include "emorph/segment/separate_particles.hpp"

namespace emorph {

struct SeparationOptions {
  bool separate = true;                   // distance watershed; false: connected components only
  std::optional<double> hmax_um;          // unset: the library's default depth (2 voxels)
  bool exclude_border = false;
  int connectivity = 26;                  // of the components with separate = false
  // Unset: the front end's default (the CLI and contacts: 0, keep all; emorph.particles: analyze's
  // [measure] min_particle_voxels).
  std::optional<double> min_volume_um3;
};

// separate, hmax_um, exclude_border, connectivity, min_volume_um3.
const ParamTable<SeparationOptions>& separation_param_table();

struct ParticlesOptions : SeparationOptions {
  bool surface = true;  // surface areas and sphericity
  double quantile = 0.25;
  int axis = 0;
  int bins = 30;
  bool return_labels = false;  // Python only: the particle labels in the result (the CLI has --labels-out)
};

// The separation table, then surface, quantile, axis, bins, return_labels.
const ParamTable<ParticlesOptions>& particles_param_table();

// The analysis parameters the options set (the rest keeps the library's defaults); throws InputError
// naming the option (--hmax, --axis) for a bad value.
ParticleAnalysisParams particle_analysis_params(const SeparationOptions& options);
ParticleAnalysisParams particle_analysis_params(const ParticlesOptions& options);

}  // namespace emorph
