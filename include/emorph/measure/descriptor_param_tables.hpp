#pragma once
// The parameter tables of `emorph surface`, `emorph tpb`, `emorph chords`, `emorph correlation` and
// `emorph rev` (and of the Python functions of the same names): one declaration of each option's
// spellings, unit, help and default (param_table.hpp).
#include <optional>
#include <string>

#include "emorph/measure/chord_length.hpp"
#include "emorph/measure/rev.hpp"
#include "emorph/measure/specific_surface.hpp"
#include "emorph/measure/triple_line.hpp"
#include "emorph/measure/two_point_correlation.hpp"
#include "emorph/param_table.hpp"
#include "emorph/phase_table.hpp"

namespace emorph {

// count_boundary (= count_volume_boundary). The densities are the phase table's (--density / density=).
const ParamTable<SurfaceReportParams>& surface_param_table();

// The triple line's options as the user names them (phases by name, the estimator by word).
struct TripleLineOptions {
  std::string active = "NMC", conductor = "CBD", pore = "pore";
  int smoothing = TripleLineParams{}.smoothing_steps;
  double chord_voxels = TripleLineParams{}.chord_voxels;
  std::string estimator = "hybrid";  // hybrid | polyline | intersection
};
// active, conductor, pore, smoothing, chord_voxels (Python only, not echoed), estimator.
const ParamTable<TripleLineOptions>& tpb_param_table();
// The phases resolved through `table`; an unknown name or estimator is an InputError naming the CLI option.
TripleLineParams triple_line_params(const TripleLineOptions& options, const PhaseTable& table);

// include_border (= include_border_chords).
const ParamTable<ChordLengthParams>& chords_param_table();

struct CorrelationOptions {
  std::optional<double> max_lag_um;  // unset: half the extent along each axis
  std::string method = "auto";       // auto | direct | fft
};
// max_lag_um (CLI --max-lag, Python max_lag), method.
const ParamTable<CorrelationOptions>& correlation_param_table();
TwoPointCorrelationParams two_point_correlation_params(const CorrelationOptions& options);

// sizes_um (CLI --sizes, Python sizes).
const ParamTable<RevParams>& rev_param_table();

}  // namespace emorph
