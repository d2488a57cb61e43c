// The parameter table of `emorph segment` and emorph.segment, and the library parameters and `parameters`
// echo it gives (see segment_options.hpp).
#include "emorph/segment/segment_options.hpp"

#include "emorph/error.hpp"
#include "emorph/segment/histogram_options.hpp"

namespace emorph {

namespace {

using O = SegmentOptions;

ParamTable<O> fibsem_params() {
  return {
      {"solid_method", &O::solid_method, "", "fibsem: thresholds of the solid voxels (default multiotsu:N)"},
      {"milling_axis", &O::milling_axis, "", "fibsem: axis normal to the section planes"},
      {"behind", &O::behind, "", "fibsem: +1 if unmilled material lies at larger indices, else -1"},
      {"grey_classes", &O::grey_classes, "",
       "fibsem: most multi-Otsu classes of the flat voxels, one per phase of distinct grey; fewer are used while "
       "the lowest threshold lies below the pores' grey mode + 0.5 noise sd"},
      {"fit_shine", &O::fit_shine, "",
       "fibsem: estimate the shine-through depth and strength from the stack (default: 0.08 um, 0.7)", "", "", false},
      {"smoothing_sigma", &O::smoothing_sigma, "voxels",
       "fibsem: Gaussian pre-smoothing of the pore detector within each section plane", "none", "none"},
      {"rise_fraction", &O::rise_fraction, "",
       "fibsem: a pore rise is a grey increase towards the material behind above this share of the grey over "
       "the background",
       "none", "none"},
      {"edge_fraction", &O::edge_fraction, "",
       "fibsem: voxels whose in-plane gradient exceeds this share of the grey range are left to the watershed",
       "none", "none"},
  };
}

}  // namespace

const ParamTable<O>& segment_param_table() {
  static const ParamTable<O> table = [] {
    ParamTable<O> t = {
        {"method", &O::method, "",
         "mixture:otsu-volume (default: Otsu's threshold, never above the model's posterior crossing, refused when "
         "the histogram model finds no two separable phases or the input's contrast-to-noise is below 1.8, moved to "
         "restore the volume the pre-filter removed) | mixture:otsu (the same, not moved) | "
         "mixture[:fraction|posterior] (histogram model with a partial-volume class; refuses one-peak histograms) | "
         "intermodes (two-peak, threshold half-way between the peaks) | minimum (two-peak, lowest point between "
         "them: the paper's) | otsu | multiotsu:N | manual:T1,T2,... | fibsem"},
        {"classes", &O::classes, "",
         "Phase names of the classes, darkest first, e.g. pore,NMC or pore,CBD,LFP,NMC (default labels 0..K-1)"},
        {"denoise", &O::denoise, "",
         "Pre-filter: auto (3x3x3 median when the estimated contrast-to-noise is low) | none | median:R | "
         "gaussian:SIGMA[um] | bilateral:S,R"},
        {"bins", &O::bins, "", "Histogram bins (0: one per grey value up to 256, else 256)"},
        // Echoed as range_min / range_max (segment_parameters_json).
        {"range", &O::range, "", "Histogram grey range LO,HI (default: data min..max)", "", "", false},
        {"pore_grey", &O::pore_grey, "",
         "Grey of air / empty pores (zero attenuation): checks that the bright class is NMC, and the default "
         "method refuses an LFP-only electrode (bright class < 2.05x the matrix's attenuation)"},
    };
    for (Param<O> p : segment_fibsem_param_table()) {
      p.echo = false;  // nested under `fibsem`
      t.push_back(p);
    }
    t.push_back({"region", &O::region, "", "Also detect the electrode region (collector side, surface, thickness)",
                 "", "none", false});
    t.push_back({"axis", &O::axis, "", "Thickness axis for --region", "", "none", false});
    return t;
  }();
  return table;
}

SegmentParams segment_params(const SegmentOptions& o) {
  SegmentParams p;
  p.method = o.method;
  p.classes = o.classes;
  set_denoise(p, o.denoise, "--denoise");
  p.histogram.bins = o.bins;
  set_histogram_range(p.histogram, o.range);
  p.zero_grey = o.pore_grey;
  p.solid_method = o.solid_method;
  p.fibsem.milling_axis = o.milling_axis;
  p.fibsem.behind = o.behind;
  p.fibsem.grey_classes = o.grey_classes;
  p.fibsem.smoothing_sigma = o.smoothing_sigma;
  p.fibsem.rise_fraction = o.rise_fraction;
  p.fibsem.edge_fraction = o.edge_fraction;
  p.fibsem_columns.fit_shine = o.fit_shine;
  return p;
}

const ParamTable<O>& segment_fibsem_param_table() {
  static const ParamTable<O> table = fibsem_params();
  return table;
}

}  // namespace emorph
