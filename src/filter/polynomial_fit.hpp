#pragma once
// Weighted least-squares polynomial of low degree through samples on a line (the shading along y, the
// contrast along z of a FIB/SEM stack), in Legendre-scaled coordinates t in [-1, 1] so that the normal
// equations stay well conditioned.
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

namespace emorph::detail {

// Values of the weighted least-squares polynomial of degree `order` through (t_y, profile[y]); no
// weights: all 1.
inline std::vector<double> polynomial_fit(const std::vector<double>& profile, int order, const std::vector<double>& weights = {}) {
  const int64_t n = static_cast<int64_t>(profile.size());
  const int m = order + 1;
  std::vector<double> ata(static_cast<std::size_t>(m * m), 0.0), atb(static_cast<std::size_t>(m), 0.0);
  auto t_of = [n](int64_t y) { return n > 1 ? 2.0 * double(y) / double(n - 1) - 1.0 : 0.0; };
  for (int64_t y = 0; y < n; ++y) {
    double pi = 1;
    const double t = t_of(y);
    std::vector<double> powers(static_cast<std::size_t>(m));
    for (int i = 0; i < m; ++i, pi *= t) powers[i] = pi;
    const double w = weights.empty() ? 1.0 : weights[y];
    for (int i = 0; i < m; ++i) {
      atb[i] += w * powers[i] * profile[y];
      for (int j = 0; j < m; ++j) ata[i * m + j] += w * powers[i] * powers[j];
    }
  }
  // Gaussian elimination with partial pivoting on the (tiny) normal equations.
  for (int c = 0; c < m; ++c) {
    int pivot = c;
    for (int r = c + 1; r < m; ++r)
      if (std::abs(ata[r * m + c]) > std::abs(ata[pivot * m + c])) pivot = r;
    for (int j = 0; j < m; ++j) std::swap(ata[c * m + j], ata[pivot * m + j]);
    std::swap(atb[c], atb[pivot]);
    for (int r = c + 1; r < m; ++r) {
      const double f = ata[r * m + c] / ata[c * m + c];
      for (int j = c; j < m; ++j) ata[r * m + j] -= f * ata[c * m + j];
      atb[r] -= f * atb[c];
    }
  }
  std::vector<double> coef(static_cast<std::size_t>(m));
  for (int c = m - 1; c >= 0; --c) {
    double s = atb[c];
    for (int j = c + 1; j < m; ++j) s -= ata[c * m + j] * coef[j];
    coef[c] = s / ata[c * m + c];
  }
  std::vector<double> fit(static_cast<std::size_t>(n));
  for (int64_t y = 0; y < n; ++y) {
    double v = 0;
    for (int i = m - 1; i >= 0; --i) v = v * t_of(y) + coef[i];
    fit[y] = v;
  }
  return fit;
}

}  // namespace emorph::detail
