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
#include "polynomial_fit.hpp"
#include "stack_checks.hpp"

namespace emorph {

namespace {

// Relative background from the fit: fit / mean (divide) or fit - mean (subtract).
std::vector<double> relative_background(const std::vector<double>& profile, const ShadingParams& params,
                                        const std::string& where) {
  std::vector<double> fit = detail::polynomial_fit(profile, params.order);
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

// Mean shift with a flat window of half-width h from `start` to the nearest mode of `values`.
double nearest_mode(const std::vector<float>& values, double start, double h) {
  double m = start;
  for (int step = 0; step < 50; ++step) {
    double sum = 0;
    int64_t n = 0;
    for (float v : values)
      if (std::abs(v - m) < h) {
        sum += v;
        ++n;
      }
    if (n == 0) return m;
    const double next = sum / double(n);
    const bool settled = std::abs(next - m) < 1e-4 * h;
    m = next;
    if (settled) break;
  }
  return m;
}

// Refits the relative background `bg` of slices [z0, z1) to one phase: the pixels of each flattened
// slice within h (two noise standard deviations) of the grey mode nearest the slice's quantile (or
// mean, row_quantile 0): the phase the row statistic follows. Each row's mean of them relative to
// their slice's mode, weighted by their count, is fitted by the polynomial and folded into bg. A row statistic over mixed phases moves with the phases' shares of
// the row, one phase's own mean does not; the window is symmetric about the mode, so what is left
// of the shading shrinks with each refinement.
void refine_on_one_phase(VolumeView<const float> stack, int64_t z0, int64_t z1, std::vector<double>& bg,
                         const ShadingParams& params) {
  const int64_t ny = stack.ny(), nx = stack.nx(), sx = stack.strides().sx;
  auto flat = [&](float v, int64_t y) { return params.subtract ? v - bg[y] : v / bg[y]; };
  // Noise of one pixel from vertical neighbour differences (median absolute deviation), and a
  // grey level window of two of them about each mode.
  std::vector<float> differences;
  for (int64_t z = z0; z < z1; ++z)
    for (int64_t y = 0; y + 1 < ny; y += 2) {
      const float* a = stack.row(z, y);
      const float* b = stack.row(z, y + 1);
      for (int64_t x = 0; x < nx; x += 3) differences.push_back(std::abs(b[x * sx] - a[x * sx]));
    }
  const auto mid = differences.begin() + static_cast<std::ptrdiff_t>(differences.size() / 2);
  std::nth_element(differences.begin(), mid, differences.end());
  const double noise = 1.4826 * *mid / std::sqrt(2.0);
  const double h = 2 * noise;
  if (!(h > 0)) return;
  std::vector<double> level(static_cast<std::size_t>(z1 - z0));
  for (int refinement = 0; refinement < params.refinements; ++refinement) {
    // The phase's level in each slice (the contrast may still change along z): the mode nearest the
    // slice's quantile, from every 7th pixel.
    bool usable = true;
#pragma omp parallel for schedule(static) reduction(&& : usable)
    for (int64_t z = z0; z < z1; ++z) {
      std::vector<float> sample;
      for (int64_t y = 0; y < ny; ++y) {
        const float* row = stack.row(z, y);
        for (int64_t x = (y * 3) % 7; x < nx; x += 7) sample.push_back(static_cast<float>(flat(row[x * sx], y)));
      }
      if (sample.empty()) {
        usable = false;
        continue;
      }
      double start = 0;
      if (params.row_quantile > 0) {
        const auto k = sample.begin() + static_cast<std::ptrdiff_t>(params.row_quantile * double(sample.size() - 1));
        std::nth_element(sample.begin(), k, sample.end());
        start = *k;
      } else {
        for (float v : sample) start += v / double(sample.size());
      }
      level[z - z0] = nearest_mode(sample, start, h);
      usable = usable && (params.subtract || level[z - z0] > 0);
    }
    if (!usable) return;
    std::vector<double> row_level(static_cast<std::size_t>(ny), 0.0), count(static_cast<std::size_t>(ny), 0.0);
#pragma omp parallel for schedule(static)
    for (int64_t y = 0; y < ny; ++y) {
      double sum = 0;
      int64_t n = 0;
      for (int64_t z = z0; z < z1; ++z) {
        const float* row = stack.row(z, y);
        const double l = level[z - z0];
        for (int64_t x = 0; x < nx; ++x) {
          const double f = flat(row[x * sx], y);
          if (std::abs(f - l) < h) {
            sum += params.subtract ? f - l : f / l;
            ++n;
          }
        }
      }
      count[y] = double(n);
      row_level[y] = n > 0 ? sum / double(n) : 0.0;
    }
    int64_t rows_with_phase = 0;
    for (double c : count) rows_with_phase += c > 0;
    if (rows_with_phase <= params.order) return;  // the phase is too rare to fit: keep the quantile's fit
    const std::vector<double> correction = detail::polynomial_fit(row_level, params.order, count);
    double mean = 0;
    for (int64_t y = 0; y < ny; ++y) {
      bg[y] = params.subtract ? bg[y] + correction[y] : bg[y] * correction[y];
      mean += bg[y] / double(ny);
    }
    for (double& b : bg) b = params.subtract ? b - mean : b / mean;
  }
}

}  // namespace

ShadingResult correct_shading(VolumeView<const float> stack, const ShadingParams& params) {
  detail::require_finite_stack(stack, "shading correction");
  detail::require_no_constant_slice(stack, "shading correction");
  require(params.order >= 0 && params.order <= 6, "shading correction: order must be in 0..6, got " +
                                                      std::to_string(params.order));
  const int64_t nz = stack.nz(), ny = stack.ny(), nx = stack.nx();
  require(ny > params.order, "shading correction: " + std::to_string(ny) + " rows are too few for order " +
                                 std::to_string(params.order));
  require(params.row_quantile >= 0 && params.row_quantile < 1, "shading correction: row quantile must be in [0, 1)");
  require(params.refinements >= 0 && params.refinements <= 100, "shading correction: refinements must be in 0..100");
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
      auto bg = relative_background(profile, params, " of slice " + std::to_string(z));
      refine_on_one_phase(stack, z, z + 1, bg, params);
      std::copy(bg.begin(), bg.end(), r.background.begin() + z * ny);
    }
  } else {
    std::vector<double> profile(static_cast<std::size_t>(ny), 0.0);
    for (int64_t z = 0; z < nz; ++z)
      for (int64_t y = 0; y < ny; ++y) profile[y] += row_mean[z * ny + y] / double(nz);
    r.background = relative_background(profile, params, "");
    refine_on_one_phase(stack, 0, nz, r.background, params);
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
