// Parameter tables of surface, tpb, chords, correlation and rev (see descriptor_param_tables.hpp). Contract
// names: correlation's lag is --max-lag / max_lag and echoes max_lag_um; rev's sizes are --sizes / sizes
// and echo sizes_um.
#include "emorph/measure/descriptor_param_tables.hpp"

#include "emorph/error.hpp"

namespace emorph {

const ParamTable<SurfaceReportParams>& surface_param_table() {
  static const ParamTable<SurfaceReportParams> table = {{"count_boundary", &SurfaceReportParams::count_volume_boundary,
                                                         "", "Count the volume's outer faces as surface (default: "
                                                         "only surfaces inside the volume)"}};
  return table;
}

const ParamTable<TripleLineOptions>& tpb_param_table() {
  using O = TripleLineOptions;
  static const ParamTable<O> table = {
      {"active", &O::active, "", "Active material phase"},
      {"conductor", &O::conductor, "", "Electronic conductor phase (carbon-binder domain)"},
      {"pore", &O::pore, "", "Pore (electrolyte) phase"},
      {"smoothing", &O::smoothing, "steps", "Taubin smoothing steps of the triple line (0: raw lattice polyline)"},
      {"chord_voxels", &O::chord_voxels, "voxels",
       "The smoothed line's length is summed over chords spanning this much polyline", "none", "", false},
      {"estimator", &O::estimator, "",
       "hybrid (default): per triple line, the intersection where the CBD|pore interface is planar and agrees with "
       "the polyline, else the polyline; polyline: the smoothed voxel-edge triple line; intersection: the smoothed "
       "active surface crossed with a plane fitted to the CBD|pore faces, which misses CBD features of a few "
       "voxels (docs/methods/surfaces.md)"},
  };
  return table;
}

TripleLineParams triple_line_params(const TripleLineOptions& o, const PhaseTable& table) {
  require(o.estimator == "hybrid" || o.estimator == "polyline" || o.estimator == "intersection",
          "tpb: --estimator must be hybrid, polyline or intersection");
  TripleLineParams p;
  p.phases = {table.at(o.active, "--active").label, table.at(o.conductor, "--conductor").label,
              table.at(o.pore, "--pore").label};
  p.smoothing_steps = o.smoothing;
  p.chord_voxels = o.chord_voxels;
  using Estimator = TripleLineParams::Estimator;
  p.estimator = o.estimator == "intersection" ? Estimator::intersection
                : o.estimator == "polyline"   ? Estimator::polyline
                                              : Estimator::hybrid;
  return p;
}

const ParamTable<ChordLengthParams>& chords_param_table() {
  static const ParamTable<ChordLengthParams> table = {{"include_border", &ChordLengthParams::include_border_chords, "",
                                                       "Also count chords touching the volume's border (truncated; "
                                                       "left out by default, as PoreSpy)"}};
  return table;
}

const ParamTable<CorrelationOptions>& correlation_param_table() {
  using O = CorrelationOptions;
  static const ParamTable<O> table = {
      {"max_lag_um", &O::max_lag_um, "um", "Largest lag (default: half the extent along each axis)", "--max-lag",
       "max_lag"},
      {"method", &O::method, "",
       "auto (default: the cheaper), direct (exact bitwise pair counts) or fft (FFTW, zero-padded lines)"},
  };
  return table;
}

TwoPointCorrelationParams two_point_correlation_params(const CorrelationOptions& o) {
  TwoPointCorrelationParams p;
  p.max_lag_um = o.max_lag_um;
  p.method = parse_correlation_method(o.method, "--method");
  return p;
}

const ParamTable<RevParams>& rev_param_table() {
  static const ParamTable<RevParams> table = {
      {"sizes_um", &RevParams::sizes_um, "um",
       "Cube edges, comma-separated (default: 2 voxels to half the smallest extent, ratio sqrt 2)", "--sizes",
       "sizes"},
  };
  return table;
}

}  // namespace emorph
