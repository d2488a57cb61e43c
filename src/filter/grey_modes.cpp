// Grey-level modes by mean shift with a flat kernel (Comaniciu & Meer 2002, IEEE PAMI 24:603), started
// from the local maxima of a smoothed histogram.
#include "emorph/filter/grey_modes.hpp"

#include <algorithm>
#include <cmath>

namespace emorph {

double pixel_noise(VolumeView<const float> stack) {
  std::vector<float> d;
  for (int64_t z = 0; z < stack.nz(); ++z)
    for (int64_t y = 0; y + 1 < stack.ny(); y += 2) {
      const float* a = stack.row(z, y);
      const float* b = stack.row(z, y + 1);
      for (int64_t x = 0; x < stack.nx(); x += 3) d.push_back(std::abs(b[x * stack.strides().sx] - a[x * stack.strides().sx]));
    }
  if (d.empty()) return 0;
  const auto mid = d.begin() + static_cast<std::ptrdiff_t>(d.size() / 2);
  std::nth_element(d.begin(), mid, d.end());
  return 1.4826 * *mid / std::sqrt(2.0);
}

std::pair<double, int64_t> window_mode(const std::vector<float>& values, double start, double h) {
  double m = start;
  int64_t n = 0;
  for (int step = 0; step < 50; ++step) {
    double sum = 0;
    n = 0;
    for (float v : values)
      if (std::abs(v - m) < h) sum += v, ++n;
    if (n == 0) return {m, 0};
    const double next = sum / double(n);
    const bool settled = std::abs(next - m) < 1e-3 * h;
    m = next;
    if (settled) break;
  }
  return {m, n};
}

std::vector<GreyMode> grey_modes(const std::vector<float>& values, double h, double min_share) {
  if (values.empty() || !(h > 0)) return {};
  const auto [lo_it, hi_it] = std::minmax_element(values.begin(), values.end());
  const double lo = *lo_it, width = h / 4;
  const int64_t bins = std::max<int64_t>(3, static_cast<int64_t>((*hi_it - lo) / width) + 1);
  std::vector<double> counts(static_cast<std::size_t>(bins), 0.0), smooth(counts.size(), 0.0);
  for (float v : values) counts[std::min<int64_t>(bins - 1, static_cast<int64_t>((v - lo) / width))] += 1;
  for (int64_t b = 0; b < bins; ++b)
    for (int64_t k = -4; k <= 4; ++k)
      if (b + k >= 0 && b + k < bins) smooth[b] += counts[b + k] * std::exp(-0.5 * double(k * k) / 4.0);
  std::vector<GreyMode> modes;
  for (int64_t b = 0; b < bins; ++b) {
    const bool peak = (b == 0 || smooth[b] > smooth[b - 1]) && (b + 1 == bins || smooth[b] >= smooth[b + 1]);
    if (!peak) continue;
    const auto [m, n] = window_mode(values, lo + (double(b) + 0.5) * width, h);
    if (double(n) < min_share * double(values.size())) continue;
    if (!modes.empty() && std::abs(m - modes.back().grey) < h) {
      if (n > modes.back().count) modes.back() = {m, n};
      continue;
    }
    modes.push_back({m, n});
  }
  return modes;
}

}  // namespace emorph
