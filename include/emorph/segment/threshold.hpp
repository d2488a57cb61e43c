#pragma once
// Histogram thresholds: two-peak minimum (the paper's method, ImageJ "Minimum"), intermodes, Otsu,
// multi-level Otsu, and manual thresholds. Every method reports its thresholds in grey units and the
// (smoothed) histogram it used.
//
// Convention (scikit-image's): a threshold is the centre of the last bin of the lower class, and a
// voxel with grey value v belongs to class k = number of thresholds t with v > t.
#include <array>
#include <string>
#include <vector>

#include "emorph/segment/histogram.hpp"

namespace emorph {

struct ThresholdResult {
  std::string method;                 // "otsu", "minimum", "intermodes", "multiotsu", "manual", "mixture"
  std::vector<double> thresholds;     // grey units, strictly increasing
  // Per threshold, the [low, high] range a histogram model allows (method mixture; segment() adds it
  // for the other two-class methods); empty when no model was fitted.
  std::vector<std::array<double, 2>> threshold_bands;
  std::vector<int> threshold_bins;    // bin of each threshold (empty for manual)
  std::vector<double> histogram;      // the counts the method searched (smoothed for two-peak methods)
  std::vector<double> bin_centers;    // grey value of each entry of `histogram`
  std::vector<int> peak_bins;         // the two maxima found by two-peak methods
  int smoothing_iterations = 0;       // 3-point smoothing passes (two-peak methods)
};

struct TwoPeakParams {
  int max_iterations = 10000;  // smoothing passes before giving up (scikit-image's default)
  // A second "peak" that is only a noise ripple on one mode is refused: the valley must lie at least
  // this share below the lower of the two smoothed peaks, and each side of the threshold must hold at
  // least min_class_fraction of the voxels (scikit-image has no such checks).
  double min_dip = 0.1;
  double min_class_fraction = 0.005;
};

// Otsu 1979: maximises the between-class variance; same tie rule as skimage.filters.threshold_otsu.
ThresholdResult threshold_otsu(const Histogram& h);

// Prewitt & Mendelsohn 1966 (ImageJ "Minimum", skimage.filters.threshold_minimum): smooth the histogram
// with a 3-point running mean (edges reflected) until it has exactly two local maxima, then take the
// lowest point between them. Throws InputError when the histogram does not become bimodal (a single
// peak, a ripple instead of a second peak, or no convergence within max_iterations).
ThresholdResult threshold_minimum(const Histogram& h, const TwoPeakParams& params = {});

// Same smoothing; the threshold is the bin half-way between the two maxima (ImageJ "Intermodes").
ThresholdResult threshold_intermodes(const Histogram& h, const TwoPeakParams& params = {});

// Liao, Chen & Chung 2001 multi-level Otsu: exact maximisation of the between-class variance over all
// threshold sets (dynamic programming, O(classes * bins^2)), as skimage.filters.threshold_multiotsu.
// Histograms with more than `max_bins` bins are first merged to at most max_bins bins.
ThresholdResult threshold_multiotsu(const Histogram& h, int classes, int max_bins = 256);

// Manual thresholds in grey units (must be finite and strictly increasing).
ThresholdResult threshold_manual(const std::vector<double>& thresholds);

// A method as written on the command line: mixture | otsu | minimum | intermodes | multiotsu:N |
// manual:T1,T2,...  (mixture: emorph/segment/pv_mixture.hpp)
struct ThresholdMethod {
  std::string name;
  int classes = 2;                 // multiotsu
  std::vector<double> manual;      // manual
  std::string rule;                // mixture: fraction | posterior (empty: PvMixtureParams' default)
  int class_count() const { return name == "manual" ? static_cast<int>(manual.size()) + 1 : classes; }
};
ThresholdMethod parse_threshold_method(const std::string& spec, const std::string& option = "--method");
ThresholdResult compute_threshold(const Histogram& h, const ThresholdMethod& method);

}  // namespace emorph
