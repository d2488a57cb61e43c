// Two-peak histogram thresholds (Prewitt & Mendelsohn 1966; ImageJ "Minimum" and "Intermodes"), with
// scikit-image's smoothing (3-point running mean, edges reflected) and local-maximum rule, so the
// "minimum" threshold equals skimage.filters.threshold_minimum on the same histogram.
#include <algorithm>
#include <string>

#include "emorph/error.hpp"
#include "emorph/segment/threshold.hpp"

namespace emorph {

namespace {

// Indices where the histogram turns from rising (or flat) to falling: a plateau counts once, at its end.
std::vector<int> local_maxima(const std::vector<double>& s) {
  std::vector<int> maxima;
  bool rising = true;
  for (std::size_t i = 0; i + 1 < s.size(); ++i) {
    if (rising) {
      if (s[i + 1] < s[i]) {
        rising = false;
        maxima.push_back(static_cast<int>(i));
      }
    } else if (s[i + 1] > s[i]) {
      rising = true;
    }
  }
  return maxima;
}

void smooth3(const std::vector<double>& in, std::vector<double>& out) {
  const std::size_t n = in.size();
  out.resize(n);
  if (n == 1) {
    out[0] = in[0];
    return;
  }
  out[0] = (in[0] + in[0] + in[1]) / 3.0;
  for (std::size_t i = 1; i + 1 < n; ++i) out[i] = (in[i - 1] + in[i] + in[i + 1]) / 3.0;
  out[n - 1] = (in[n - 2] + in[n - 1] + in[n - 1]) / 3.0;
}

// Smooths until at most two maxima remain; requires exactly two.
ThresholdResult bimodal_smoothing(const Histogram& h, const TwoPeakParams& p, const std::string& method) {
  require(p.max_iterations >= 1, method + ": the smoothing iteration limit must be >= 1");
  require(p.min_dip >= 0 && p.min_dip < 1 && p.min_class_fraction >= 0 && p.min_class_fraction < 0.5,
          method + ": min_dip must be in [0, 1) and min_class_fraction in [0, 0.5)");
  require(h.total() > 0, method + ": the histogram is empty");
  std::vector<double> s(h.counts.begin(), h.counts.end()), next;
  std::vector<int> maxima;
  int iterations = 0;
  while (true) {
    smooth3(s, next);
    s.swap(next);
    ++iterations;
    maxima = local_maxima(s);
    if (maxima.size() < 3) break;
    require(iterations < p.max_iterations, method + ": the histogram still has " + std::to_string(maxima.size()) +
                                               " peaks after " + std::to_string(iterations) +
                                               " smoothing passes; use more bins, a mask, or --method otsu");
  }
  require(maxima.size() == 2, method + ": the histogram has a single peak after " + std::to_string(iterations) +
                                  " smoothing passes, but the two-peak method needs two (a bimodal histogram); "
                                  "use --method otsu or manual thresholds");
  const int p0 = maxima[0], p1 = maxima[1];
  const double valley = *std::min_element(s.begin() + p0, s.begin() + p1 + 1);
  const double lower_peak = std::min(s[p0], s[p1]);
  double below = 0, total = 0;
  for (int i = 0; i < h.bins(); ++i) {
    total += static_cast<double>(h.counts[i]);
    if (i <= (p0 + p1) / 2) below += static_cast<double>(h.counts[i]);
  }
  const double minority = std::min(below, total - below) / total;
  require(valley <= (1.0 - p.min_dip) * lower_peak && minority >= p.min_class_fraction,
          method + ": the histogram has a single peak (the second maximum after " + std::to_string(iterations) +
              " smoothing passes is a ripple: valley " + std::to_string(valley / lower_peak) +
              " of the lower peak, smaller side " + std::to_string(minority) +
              " of the voxels); the two-peak method needs a bimodal histogram; use --method otsu or manual thresholds");
  ThresholdResult r;
  r.method = method;
  r.histogram = s;
  r.bin_centers = h.centers();
  r.peak_bins = maxima;
  r.smoothing_iterations = iterations;
  return r;
}

}  // namespace

ThresholdResult threshold_minimum(const Histogram& h, const TwoPeakParams& params) {
  ThresholdResult r = bimodal_smoothing(h, params, "minimum");
  int best = r.peak_bins[0];
  for (int i = r.peak_bins[0]; i <= r.peak_bins[1]; ++i)
    if (r.histogram[i] < r.histogram[best]) best = i;
  r.threshold_bins = {best};
  r.thresholds = {h.center(best)};
  return r;
}

ThresholdResult threshold_intermodes(const Histogram& h, const TwoPeakParams& params) {
  ThresholdResult r = bimodal_smoothing(h, params, "intermodes");
  const int mid = (r.peak_bins[0] + r.peak_bins[1]) / 2;
  r.threshold_bins = {mid};
  r.thresholds = {h.center(mid)};
  return r;
}

}  // namespace emorph
