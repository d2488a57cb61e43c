// Otsu 1979 between-class variance, in the exact arithmetic order of skimage.filters.threshold_otsu
// (cumulative sums of counts and of counts * centre) so both pick the same bin.
#include <cmath>
#include <limits>

#include "emorph/error.hpp"
#include "emorph/segment/threshold.hpp"

namespace emorph {

namespace {
int nonempty_bins(const Histogram& h) {
  int n = 0;
  for (auto c : h.counts) n += c > 0;
  return n;
}
}  // namespace

ThresholdResult threshold_otsu(const Histogram& h) {
  const int n = h.bins();
  require(h.total() > 0, "otsu: the histogram is empty");
  require(nonempty_bins(h) >= 2, "otsu: all voxels have the same grey value (" + std::to_string(h.min_value) +
                                     "); a threshold needs at least two grey levels");
  const auto centers = h.centers();
  std::vector<double> w1(n), w2(n), m1(n), m2(n);
  double cw = 0, cs = 0;
  for (int i = 0; i < n; ++i) {
    cw += static_cast<double>(h.counts[i]);
    cs += static_cast<double>(h.counts[i]) * centers[i];
    w1[i] = cw;
    m1[i] = cs / cw;
  }
  cw = 0, cs = 0;
  for (int i = n - 1; i >= 0; --i) {
    cw += static_cast<double>(h.counts[i]);
    cs += static_cast<double>(h.counts[i]) * centers[i];
    w2[i] = cw;
    m2[i] = cs / cw;
  }
  int best = -1;
  double best_var = -std::numeric_limits<double>::infinity();
  for (int i = 0; i + 1 < n; ++i) {
    const double d = m1[i] - m2[i + 1];
    const double var = w1[i] * w2[i + 1] * d * d;
    // Empty leading/trailing classes give NaN (0/0): never a maximum.
    if (std::isfinite(var) && var > best_var) {
      best_var = var;
      best = i;
    }
  }
  ThresholdResult r;
  r.method = "otsu";
  r.threshold_bins = {best};
  r.thresholds = {centers[best]};
  r.histogram.assign(h.counts.begin(), h.counts.end());
  r.bin_centers = centers;
  return r;
}

}  // namespace emorph
