#pragma once
// The user-facing options of `emorph segment` (and emorph.segment), declared once: their parameter table
// drives the CLI options, the Python keywords and docstring, the `parameters` echo and docs/parameters.md.
// The input/output paths (--mask, --mask-fix, --mask-label, the output) stay with the CLI, as other
// commands' paths do; Python takes `mask` as an array or a path.
#include <optional>
#include <string>
#include <vector>

#include "emorph/param_table.hpp"
#include "emorph/segment/segment.hpp"

namespace emorph {

struct SegmentOptions {
  std::string method = kDefaultSegmentMethod;
  std::string classes;                    // "pore,NMC"; empty: labels 0..K-1 (fibsem: pore,CBD,LFP,NMC)
  std::string denoise = kDefaultDenoise;  // auto | none | a denoise spec (set_denoise)
  int bins = HistogramParams{}.bins;
  std::vector<double> range;              // {LO, HI}; empty: the data's min..max
  std::optional<double> pore_grey;        // SegmentParams::zero_grey
  // method fibsem
  std::string solid_method;
  int milling_axis = FibsemPoreParams{}.milling_axis;
  int behind = FibsemPoreParams{}.behind;
  int grey_classes = FibsemPoreParams{}.grey_classes;
  bool fit_shine = FibsemColumnParams{}.fit_shine;
  double smoothing_sigma = FibsemPoreParams{}.smoothing_sigma;  // no front end sets these three; echoed
  double rise_fraction = FibsemPoreParams{}.rise_fraction;
  double edge_fraction = FibsemPoreParams{}.edge_fraction;
  // CLI only: also detect the electrode region along `axis`
  bool region = false;
  int axis = 0;
};

// The parameters of method fibsem (solid_method, milling_axis, behind, grey_classes, fit_shine and the pore
// detector's smoothing_sigma, rise_fraction, edge_fraction); `parameters` nests them under `fibsem`.
const ParamTable<SegmentOptions>& segment_fibsem_param_table();

// method, classes, denoise, bins, range, pore_grey, then the fibsem table (echoed nested, not at the top
// level), region, axis.
const ParamTable<SegmentOptions>& segment_param_table();

// The library parameters the options set; throws InputError naming the option (--denoise, --range).
SegmentParams segment_params(const SegmentOptions& options);

}  // namespace emorph
