// Shading correction along y: least-squares polynomial of low degree fitted to a row statistic (a high
// quantile, which tracks the brightest phase, or the mean; of the stack, or of each slice), in Legendre-scaled coordinates t in [-1, 1] for a well-conditioned fit;
// the image is divided by the fit normalised to mean 1 (flat-field style), or the fit minus its mean
// is subtracted.
#include "emorph/filter/shading.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "emorph/error.hpp"
#include "emorph/progress.hpp"
#include "stack_checks.hpp"

namespace emorph {

namespace {

// Values of the least-squares polynomial of degree `order` through (t_y, profile[y]).
std::vector<double> polynomial_fit(const std::vector<double>& profile, int order) {
  const int64_t n = static_cast<int64_t>(profile.size());
  const int m = order + 1;
  std::vector<double> ata(static_cast<std::size_t>(m * m), 0.0), atb(static_cast<std::size_t>(m), 0.0);
  auto t_of = [n](int64_t y) { return n > 1 ? 2.0 * double(y) / double(n - 1) - 1.0 : 0.0; };
  for (int64_t y = 0; y < n; ++y) {
    double pi = 1;
    const double t = t_of(y);
    std::vector<double> powers(static_cast<std::size_t>(m));
    for (int i = 0; i < m; ++i, pi *= t) powers[i] = pi;
    for (int i = 0; i < m; ++i) {
      atb[i] += powers[i] * profile[y];
      for (int j = 0; j < m; ++j) ata[i * m + j] += powers[i] * powers[j];
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

// Relative background from the fit: fit / mean (divide) or fit - mean (subtract).
std::vector<double> relative_background(const std::vector<double>& profile, const ShadingParams& params,
                                        const std::string& where) {
  std::vector<double> fit = polynomial_fit(profile, params.order);
  double mean = 0;
  for (double v : fit) mean += v / double(fit.size());
  for (double& v : fit) {
    if (params.subtract) {
      v -= mean;
    } else {
      require(v > 0 && mean > 0, "shading correction: the fitted background" + where +
                                     " is not positive, divide is meaningless; use subtraction (--shading-mode subtract)");
      v /= mean;
    }
  }
  return fit;
}

}  // namespace

ShadingResult correct_shading(VolumeView<const float> stack, const ShadingParams& params) {
  detail::require_finite_stack(stack, "shading correction");
  require(params.order >= 0 && params.order <= 6, "shading correction: order must be in 0..6, got " +
                                                      std::to_string(params.order));
  const int64_t nz = stack.nz(), ny = stack.ny(), nx = stack.nx();
  require(ny > params.order, "shading correction: " + std::to_string(ny) + " rows are too few for order " +
                                 std::to_string(params.order));
  require(params.row_quantile >= 0 && params.row_quantile < 1, "shading correction: row quantile must be in [0, 1)");
  // Row statistic per slice (sums in double so that they stay exact enough over long rows).
  std::vector<double> row_mean(static_cast<std::size_t>(nz * ny));
#pragma omp parallel
  {
    std::vector<float> values(static_cast<std::size_t>(nx));
#pragma omp for schedule(static)
    for (int64_t z = 0; z < nz; ++z)
      for (int64_t y = 0; y < ny; ++y) {
        const float* row = stack.row(z, y);
        if (params.row_quantile > 0) {
          for (int64_t x = 0; x < nx; ++x) values[x] = row[x * stack.strides().sx];
          const auto k = static_cast<int64_t>(params.row_quantile * double(nx - 1));
          std::nth_element(values.begin(), values.begin() + k, values.end());
          row_mean[z * ny + y] = values[k];
        } else {
          double s = 0;
          for (int64_t x = 0; x < nx; ++x) s += row[x * stack.strides().sx];
          row_mean[z * ny + y] = s / double(nx);
        }
      }
  }

  ShadingResult r;
  if (params.per_slice) {
    r.background.resize(static_cast<std::size_t>(nz * ny));
    for (int64_t z = 0; z < nz; ++z) {
      const std::vector<double> profile(row_mean.begin() + z * ny, row_mean.begin() + (z + 1) * ny);
      const auto bg = relative_background(profile, params, " of slice " + std::to_string(z));
      std::copy(bg.begin(), bg.end(), r.background.begin() + z * ny);
    }
  } else {
    std::vector<double> profile(static_cast<std::size_t>(ny), 0.0);
    for (int64_t z = 0; z < nz; ++z)
      for (int64_t y = 0; y < ny; ++y) profile[y] += row_mean[z * ny + y] / double(nz);
    r.background = relative_background(profile, params, "");
  }

  r.stack = Volume<float>(stack.shape(), stack.spacing(), stack.thickness_axis());
  Progress progress("shading", nz);
#pragma omp parallel for schedule(static)
  for (int64_t z = 0; z < nz; ++z) {
    const double* bg = r.background.data() + (params.per_slice ? z * ny : 0);
    for (int64_t y = 0; y < ny; ++y) {
      const float* in = stack.row(z, y);
      float* out = &r.stack(z, y, 0);
      const float b = static_cast<float>(bg[y]);
      if (params.subtract)
        for (int64_t x = 0; x < nx; ++x) out[x] = in[x * stack.strides().sx] - b;
      else
        for (int64_t x = 0; x < nx; ++x) out[x] = in[x * stack.strides().sx] / b;
    }
    progress.advance();
  }
  return r;
}

}  // namespace emorph
