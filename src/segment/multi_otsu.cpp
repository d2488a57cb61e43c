// Multi-level Otsu (Liao, Chen & Chung 2001): maximise sum_k S_k^2 / W_k over all partitions of the
// histogram into `classes` runs of bins (W_k count, S_k first moment of class k; the same objective as
// skimage.filters.threshold_multiotsu). Solved exactly by dynamic programming over the last bin of each
// class instead of enumerating all C(bins-1, classes-1) threshold sets.
#include <limits>
#include <string>

#include "emorph/error.hpp"
#include "emorph/segment/threshold.hpp"

namespace emorph {

ThresholdResult threshold_multiotsu(const Histogram& input, int classes, int max_bins) {
  require(classes >= 2 && classes <= 32, "multiotsu: the number of classes must be between 2 and 32, got " +
                                             std::to_string(classes));
  require(max_bins >= classes, "multiotsu: max_bins must be at least the number of classes");
  const int factor = (input.bins() + max_bins - 1) / max_bins;
  const Histogram h = factor > 1 ? merge_bins(input, factor) : input;
  const int n = h.bins();
  int nonempty = 0;
  for (auto c : h.counts) nonempty += c > 0;
  require(nonempty >= classes, "multiotsu: " + std::to_string(classes) + " classes need at least " +
                                   std::to_string(classes) + " distinct grey levels, the histogram has " +
                                   std::to_string(nonempty) + (nonempty == 1 ? " (a constant image)" : ""));
  // Prefix sums of counts and of counts * bin index (bin centres are affine in the index, which leaves
  // the arg max unchanged).
  std::vector<double> W(n + 1, 0.0), S(n + 1, 0.0);
  for (int i = 0; i < n; ++i) {
    W[i + 1] = W[i] + static_cast<double>(h.counts[i]);
    S[i + 1] = S[i] + static_cast<double>(h.counts[i]) * i;
  }
  auto cost = [&](int a, int b) {  // bins a..b inclusive
    const double w = W[b + 1] - W[a];
    const double s = S[b + 1] - S[a];
    return w > 0 ? s * s / w : 0.0;
  };
  const double minus_inf = -std::numeric_limits<double>::infinity();
  std::vector<std::vector<double>> best(classes, std::vector<double>(n, minus_inf));
  std::vector<std::vector<int>> last(classes, std::vector<int>(n, -1));
  for (int j = 0; j < n; ++j) best[0][j] = cost(0, j);
  for (int k = 1; k < classes; ++k)
    for (int j = k; j < n; ++j)
      for (int i = k - 1; i < j; ++i) {  // i: last bin of class k-1
        const double v = best[k - 1][i] + cost(i + 1, j);
        if (v > best[k][j]) {
          best[k][j] = v;
          last[k][j] = i;
        }
      }
  ThresholdResult r;
  r.method = "multiotsu";
  r.threshold_bins.assign(classes - 1, 0);
  for (int k = classes - 1, j = n - 1; k >= 1; --k) {
    j = last[k][j];
    r.threshold_bins[k - 1] = j;
  }
  for (int b : r.threshold_bins) r.thresholds.push_back(h.center(b));
  r.histogram.assign(h.counts.begin(), h.counts.end());
  r.bin_centers = h.centers();
  return r;
}

}  // namespace emorph
