// Destriping by robust column offsets: pairwise column-difference modes (mean shift from the median,
// Comaniciu & Meer, IEEE PAMI 24, 2002) at several lags, fitted by weighted least squares: see destripe.hpp.
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "destripe_methods.hpp"
#include "emorph/banded_cholesky.hpp"
#include "emorph/error.hpp"

namespace emorph::detail {
namespace {

// Robust column offsets of one image with vertical stripes (ny x nx, contiguous): out = in - c(x).
class ColumnOffsets : public StripeFilter {
 public:
  ColumnOffsets(int64_t ny, int64_t nx, const DestripeParams& p)
      : ny_(ny), nx_(nx), lags_(p.offset_lags), window_(p.mode_window) {
    std::sort(lags_.begin(), lags_.end());
    band_ = lags_.back();
  }

  void run(const float* in, float* out) const override {
    // Columns made contiguous; noise from the vertical differences of every fourth row pair, in which
    // the stripes cancel (median absolute deviation, Gaussian-consistent).
    std::vector<float> columns(static_cast<std::size_t>(ny_ * nx_)), diff;
    for (int64_t y = 0; y < ny_; ++y)
      for (int64_t x = 0; x < nx_; ++x) columns[x * ny_ + y] = in[y * nx_ + x];
    diff.reserve(static_cast<std::size_t>((ny_ / 4 + 1) * nx_));
    for (int64_t y = 0; y + 1 < ny_; y += 4)
      for (int64_t x = 0; x < nx_; ++x) diff.push_back(in[(y + 1) * nx_ + x] - in[y * nx_ + x]);
    const double centre = median(diff);
    for (float& d : diff) d = std::abs(d - static_cast<float>(centre));
    // A difference of two pixels has sqrt(2) times a pixel's noise: half-width of the mode window.
    double scale = 0;
    for (int64_t i = 0; i < ny_ * nx_; ++i) scale = std::max(scale, double(std::abs(in[i])));
    const double half_width = std::max(window_ * 1.4826 * median(diff), 1e-6 * (scale + 1));

    // One measured offset difference per column pair and lag.
    std::vector<Pair> pairs;
    std::vector<float> values(static_cast<std::size_t>(ny_));
    for (int k : lags_)
      for (int64_t x = 0; x + k < nx_; ++x) {
        const float* a = columns.data() + x * ny_;
        const float* b = columns.data() + (x + k) * ny_;
        for (int64_t y = 0; y < ny_; ++y) values[y] = b[y] - a[y];
        Pair p{x, k, 0, 0};
        p.difference = mode(values, half_width, p.weight);
        if (p.weight > 0) pairs.push_back(p);
      }
    // Weighted least squares; a pair that disagrees with the fit by more than the mode window found
    // another cluster (somewhere a content phase pair outnumbers the same-phase pairs): the worst such
    // pairs are dropped and the fit redone until none is left.
    std::vector<double> offsets;
    for (int round = 0; round < 100; ++round) {
      offsets = fit_offsets(pairs);
      double worst = 0;
      for (const Pair& p : pairs) worst = std::max(worst, std::abs(offsets[p.x + p.k] - offsets[p.x] - p.difference));
      if (worst <= half_width) break;
      const double limit = std::max(half_width, 0.5 * worst);
      std::erase_if(pairs, [&](const Pair& p) { return std::abs(offsets[p.x + p.k] - offsets[p.x] - p.difference) > limit; });
    }
    double mean = 0;
    for (double c : offsets) mean += c / double(nx_);
    for (int64_t y = 0; y < ny_; ++y)
      for (int64_t x = 0; x < nx_; ++x) out[y * nx_ + x] = static_cast<float>(in[y * nx_ + x] - (offsets[x] - mean));
  }

 private:
  struct Pair {
    int64_t x, k;  // columns x and x + k
    double difference, weight;
  };

  // Offsets minimising sum w (c[x+k] - c[x] - difference)^2: banded normal equations,
  // band[x * (K + 1) + j] = N(x, x - j). The offsets are defined up to a constant: a tiny ridge keeps
  // the system definite, and the caller removes the mean.
  std::vector<double> fit_offsets(const std::vector<Pair>& pairs) const {
    const int64_t stride = band_ + 1;
    std::vector<double> band(static_cast<std::size_t>(nx_ * stride), 0.0), rhs(static_cast<std::size_t>(nx_), 0.0);
    for (const Pair& p : pairs) {
      band[p.x * stride] += p.weight;
      band[(p.x + p.k) * stride] += p.weight;
      band[(p.x + p.k) * stride + p.k] -= p.weight;
      rhs[p.x] -= p.weight * p.difference;
      rhs[p.x + p.k] += p.weight * p.difference;
    }
    double trace = 0;
    for (int64_t x = 0; x < nx_; ++x) trace += band[x * stride];
    for (int64_t x = 0; x < nx_; ++x) band[x * stride] += 1e-10 * trace / double(nx_) + 1e-300;
    BandedCholesky(std::move(band), nx_, band_, "destripe: column offset system").solve(rhs.data());
    return rhs;
  }

  static double median(std::vector<float>& v) {
    const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
    std::nth_element(v.begin(), mid, v.end());
    return *mid;
  }
  // Mean shift with a flat window to the mode nearest the densest window among 128 evenly spaced
  // samples (so that it starts in the largest cluster even where the content's pixel pairs outnumber
  // the same-phase ones at some grey difference); weight = pixels in the final window. Branch-free
  // float sums in 8 lanes so that the loop vectorises.
  static double mode(const std::vector<float>& d, double half_width, double& weight) {
    const std::size_t n = d.size(), step = std::max<std::size_t>(1, n / 128);
    std::vector<float> sample;
    for (std::size_t i = step / 2; i < n; i += step) sample.push_back(d[i]);
    std::sort(sample.begin(), sample.end());
    std::size_t best_first = 0, best_count = 0;
    for (std::size_t first = 0, last = 0; first < sample.size(); ++first) {
      while (last < sample.size() && sample[last] - sample[first] <= 2 * half_width) ++last;
      if (last - first > best_count) {
        best_count = last - first;
        best_first = first;
      }
    }
    double start = 0;
    for (std::size_t i = best_first; i < best_first + best_count; ++i) start += sample[i] / double(best_count);
    float m = static_cast<float>(start);
    const float h = static_cast<float>(half_width);
    weight = 0;
    for (int iteration = 0; iteration < 30; ++iteration) {
      float lane_sum[8] = {}, lane_count[8] = {};
      std::size_t i = 0;
      for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; ++j) {
          const float inside = std::abs(d[i + j] - m) < h ? 1.0f : 0.0f;
          lane_sum[j] += inside * d[i + j];
          lane_count[j] += inside;
        }
      for (; i < n; ++i) {
        const float inside = std::abs(d[i] - m) < h ? 1.0f : 0.0f;
        lane_sum[0] += inside * d[i];
        lane_count[0] += inside;
      }
      float sum = 0, count = 0;
      for (int j = 0; j < 8; ++j) {
        sum += lane_sum[j];
        count += lane_count[j];
      }
      if (count == 0) break;
      const float next = sum / count;
      weight = count;
      const bool settled = std::abs(next - m) < 1e-3f * h;
      m = next;
      if (settled) break;
    }
    return m;
  }
  int64_t ny_, nx_;
  std::vector<int> lags_;
  double window_;
  int64_t band_ = 1;
};

}  // namespace

std::unique_ptr<StripeFilter> make_column_offsets_filter(int64_t ny, int64_t nx, const DestripeParams& params) {
  return std::make_unique<ColumnOffsets>(ny, nx, params);
}

}  // namespace emorph::detail
