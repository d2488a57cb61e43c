// Contrast normalisation along z: the phases' grey modes tracked slice by slice by mean shift
// (Comaniciu & Meer 2002) and mapped linearly onto the stack's modes, the map smoothed along z; or each
// slice mapped linearly so that its mean and standard deviation equal the target's (z-score), or through
// histogram matching (Gonzalez & Woods, "histogram specification") to the reference slice.
#include "emorph/filter/intensity_normalise.hpp"

#include "emorph/filter/grey_modes.hpp"

#include <algorithm>
#include <cmath>

#include "emorph/error.hpp"
#include "emorph/progress.hpp"
#include "polynomial_fit.hpp"
#include "stack_checks.hpp"

namespace emorph {

namespace {

void slice_stats(VolumeView<const float> stack, int64_t z, double& mean, double& sd, float& lo, float& hi) {
  double sum = 0, sum2 = 0;
  lo = hi = stack(z, 0, 0);
  for (int64_t y = 0; y < stack.ny(); ++y) {
    const float* row = stack.row(z, y);
    for (int64_t x = 0; x < stack.nx(); ++x) {
      const float v = row[x * stack.strides().sx];
      sum += v;
      sum2 += double(v) * v;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  const double n = double(stack.ny() * stack.nx());
  mean = sum / n;
  sd = std::sqrt(std::max(0.0, sum2 / n - mean * mean));
}

// Cumulative distribution of one slice on `bins` equal bins over [lo, hi]: cdf[b] = fraction <= upper edge of b.
std::vector<double> slice_cdf(VolumeView<const float> stack, int64_t z, float lo, float hi, int bins) {
  std::vector<double> cdf(static_cast<std::size_t>(bins), 0.0);
  const double scale = bins / (double(hi) - lo);
  for (int64_t y = 0; y < stack.ny(); ++y) {
    const float* row = stack.row(z, y);
    for (int64_t x = 0; x < stack.nx(); ++x) {
      const auto b = static_cast<int64_t>((row[x * stack.strides().sx] - lo) * scale);
      cdf[std::clamp<int64_t>(b, 0, bins - 1)] += 1;
    }
  }
  double acc = 0;
  const double n = double(stack.ny() * stack.nx());
  for (double& c : cdf) c = (acc += c) / n;
  return cdf;
}


}  // namespace

IntensityMethod parse_intensity_method(const std::string& name, const std::string& option) {
  if (name == "meanstd" || name == "mean-std") return IntensityMethod::mean_std;
  if (name == "histogram") return IntensityMethod::histogram;
  if (name == "modes" || name == "phase-modes") return IntensityMethod::phase_modes;
  throw InputError(option + ": unknown intensity method '" + name + "' (expected modes, meanstd or histogram)");
}

IntensityNormaliseResult normalise_intensity(VolumeView<const float> stack, const IntensityNormaliseParams& params) {
  detail::require_finite_stack(stack, "intensity normalisation");
  const int64_t nz = stack.nz();
  require(params.reference_slice >= -1 && params.reference_slice < nz,
          "intensity normalisation: reference slice " + std::to_string(params.reference_slice) + " is outside 0.." +
              std::to_string(nz - 1));
  require(params.histogram_bins >= 16 && params.histogram_bins <= (1 << 20),
          "intensity normalisation: histogram bins must be in 16..1048576");
  require(params.min_mode_share > 0 && params.min_mode_share < 0.5,
          "intensity normalisation: the minimum mode share must be in (0, 0.5)");
  require(params.z_order >= 0 && params.z_order <= 6, "intensity normalisation: the z order must be in 0..6");
  IntensityNormaliseResult r;
  r.slice_mean.resize(static_cast<std::size_t>(nz));
  r.slice_std.resize(static_cast<std::size_t>(nz));
  std::vector<float> lo(static_cast<std::size_t>(nz)), hi(static_cast<std::size_t>(nz));
#pragma omp parallel for schedule(dynamic)
  for (int64_t z = 0; z < nz; ++z) slice_stats(stack, z, r.slice_mean[z], r.slice_std[z], lo[z], hi[z]);
  for (int64_t z = 0; z < nz; ++z)
    require(r.slice_std[z] > 0, "intensity normalisation: slice " + std::to_string(z) +
                                    " is constant, its contrast cannot be normalised");

  r.stack = Volume<float>(stack.shape(), stack.spacing(), stack.thickness_axis());
  const int64_t ny = stack.ny(), nx = stack.nx();
  if (params.method == IntensityMethod::phase_modes) {
    // Every slice sampled on a sparse grid; the stack's pooled sample gives the reference levels.
    const int64_t stride = std::max<int64_t>(1, ny * nx / 8192);
    std::vector<std::vector<float>> samples(static_cast<std::size_t>(nz));
#pragma omp parallel for schedule(static)
    for (int64_t z = 0; z < nz; ++z)
      for (int64_t i = (z * 7) % stride; i < ny * nx; i += stride)
        samples[z].push_back(stack(z, i / nx, i % nx));
    std::vector<float> pooled;
    const std::size_t pool_step = std::max<std::size_t>(1, static_cast<std::size_t>(nz) * samples[0].size() / 131072);
    for (const auto& s : samples)
      for (std::size_t i = 0; i < s.size(); i += pool_step) pooled.push_back(s[i]);
    const double h = 2 * pixel_noise(stack);
    require(h > 0, "intensity normalisation: the stack has no noise to scale the mode search (use --intensity meanstd)");
    for (const GreyMode& m : grey_modes(pooled, h, params.min_mode_share)) r.reference_levels.push_back(m.grey);
    const std::size_t k_modes = r.reference_levels.size();
    r.slice_gain.assign(static_cast<std::size_t>(nz), 1.0);
    r.slice_offset.assign(static_cast<std::size_t>(nz), 0.0);
    // One phase alone fixes no gain: the stack is returned unchanged.
    if (k_modes >= 2) {
      // Each slice's own modes, each matched to the nearest reference mode when it lies within a third
      // of the gap to the neighbouring reference modes (a phase absent from the slice has no mode; a
      // mode between references, such as shine-through, matches none).
      std::vector<std::vector<double>> level(static_cast<std::size_t>(nz), std::vector<double>(k_modes, 0.0));
      std::vector<std::vector<double>> weight(level.size(), std::vector<double>(k_modes, 0.0));
      const auto& ref = r.reference_levels;
#pragma omp parallel for schedule(dynamic)
      for (int64_t z = 0; z < nz; ++z)
        for (const GreyMode& m : grey_modes(samples[z], h, params.min_mode_share)) {
          std::size_t k = 0;
          for (std::size_t j = 1; j < k_modes; ++j)
            if (std::abs(m.grey - ref[j]) < std::abs(m.grey - ref[k])) k = j;
          const double gap = std::min(k > 0 ? ref[k] - ref[k - 1] : 1e300, k + 1 < k_modes ? ref[k + 1] - ref[k] : 1e300);
          if (std::abs(m.grey - ref[k]) < gap / 3 && double(m.count) > weight[z][k]) {
            level[z][k] = m.grey;
            weight[z][k] = double(m.count);
          }
        }
      // Per slice, the least-squares line level = a * reference + b; then a and b smoothed along z.
      std::vector<double> a(static_cast<std::size_t>(nz), 1.0), b(a.size(), 0.0), fitted(a.size(), 0.0);
      for (int64_t z = 0; z < nz; ++z) {
        double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
        int used = 0;
        for (std::size_t k = 0; k < k_modes; ++k) {
          const double w = weight[z][k], x = r.reference_levels[k], y = level[z][k];
          if (w <= 0) continue;
          ++used;
          sw += w, sx += w * x, sy += w * y, sxx += w * x * x, sxy += w * x * y;
        }
        const double det = sw * sxx - sx * sx;
        if (used < 2 || !(det > 0)) continue;
        a[z] = (sw * sxy - sx * sy) / det;
        b[z] = (sy - a[z] * sx) / sw;
        fitted[z] = a[z] > 0 ? 1.0 : 0.0;
      }
      int64_t slices_fitted = 0;
      for (double f : fitted) slices_fitted += f > 0;
      if (slices_fitted > params.z_order) {
        // Slices whose gain departs from the smooth trend by more than 3 robust deviations (a mode
        // matched to the wrong phase) are dropped from the fit, twice.
        auto a_smooth = detail::polynomial_fit(a, params.z_order, fitted);
        for (int pass = 0; pass < 2; ++pass) {
          std::vector<double> dev;
          for (int64_t z = 0; z < nz; ++z)
            if (fitted[z] > 0) dev.push_back(std::abs(a[z] - a_smooth[z]));
          std::nth_element(dev.begin(), dev.begin() + static_cast<std::ptrdiff_t>(dev.size() / 2), dev.end());
          const double limit = 3 * 1.4826 * dev[dev.size() / 2] + 1e-6;
          int64_t kept = 0;
          for (int64_t z = 0; z < nz; ++z) {
            if (fitted[z] > 0 && std::abs(a[z] - a_smooth[z]) > limit) fitted[z] = 0;
            kept += fitted[z] > 0;
          }
          if (kept <= params.z_order) break;
          a_smooth = detail::polynomial_fit(a, params.z_order, fitted);
        }
        const auto b_smooth = detail::polynomial_fit(b, params.z_order, fitted);
        for (int64_t z = 0; z < nz; ++z) {
          require(a_smooth[z] > 0, "intensity normalisation: the contrast of slice " + std::to_string(z) +
                                       " fits as inverted; use --intensity meanstd or none");
          r.slice_gain[z] = 1.0 / a_smooth[z];
          r.slice_offset[z] = -b_smooth[z] / a_smooth[z];
        }
      }
    }
    for (double l : r.reference_levels) r.target_mean += l / double(std::max<std::size_t>(k_modes, 1));
#pragma omp parallel for schedule(static)
    for (int64_t z = 0; z < nz; ++z) {
      const double gain = r.slice_gain[z], offset = r.slice_offset[z];
      for (int64_t y = 0; y < ny; ++y) {
        const float* in = stack.row(z, y);
        float* out = &r.stack(z, y, 0);
        for (int64_t x = 0; x < nx; ++x) out[x] = static_cast<float>(gain * in[x * stack.strides().sx] + offset);
      }
    }
    return r;
  }
  Progress progress("intensity", nz);
  if (params.method == IntensityMethod::mean_std) {
    if (params.reference_slice >= 0) {
      r.target_mean = r.slice_mean[params.reference_slice];
      r.target_std = r.slice_std[params.reference_slice];
    } else {
      for (int64_t z = 0; z < nz; ++z) {
        r.target_mean += r.slice_mean[z] / double(nz);
        r.target_std += r.slice_std[z] / double(nz);
      }
    }
#pragma omp parallel for schedule(dynamic)
    for (int64_t z = 0; z < nz; ++z) {
      const double gain = r.target_std / r.slice_std[z], offset = r.target_mean - gain * r.slice_mean[z];
      for (int64_t y = 0; y < ny; ++y) {
        const float* in = stack.row(z, y);
        float* out = &r.stack(z, y, 0);
        for (int64_t x = 0; x < nx; ++x) out[x] = static_cast<float>(gain * in[x * stack.strides().sx] + offset);
      }
      progress.advance();
    }
    return r;
  }

  const int64_t ref = params.reference_slice >= 0 ? params.reference_slice : nz / 2;
  r.target_mean = r.slice_mean[ref];
  r.target_std = r.slice_std[ref];
  const int bins = params.histogram_bins;
  const std::vector<double> ref_cdf = slice_cdf(stack, ref, lo[ref], hi[ref], bins);
  const double ref_width = (double(hi[ref]) - lo[ref]) / bins;
  // Grey value of the reference at cumulative fraction q, linear inside its bin.
  auto reference_quantile = [&](double q) {
    const auto it = std::lower_bound(ref_cdf.begin(), ref_cdf.end(), q);
    const auto b = std::min<int64_t>(it - ref_cdf.begin(), bins - 1);
    const double below = b > 0 ? ref_cdf[b - 1] : 0.0, inside = ref_cdf[b] - below;
    const double t = inside > 0 ? std::clamp((q - below) / inside, 0.0, 1.0) : 0.5;
    return lo[ref] + (double(b) + t) * ref_width;
  };
#pragma omp parallel for schedule(dynamic)
  for (int64_t z = 0; z < nz; ++z) {
    const std::vector<double> cdf = slice_cdf(stack, z, lo[z], hi[z], bins);
    // Map each bin edge to the reference grey of the same cumulative fraction; values in between are
    // interpolated linearly, so the mapping is monotone and continuous.
    std::vector<double> edge_value(static_cast<std::size_t>(bins + 1));
    for (int b = 0; b <= bins; ++b) edge_value[b] = reference_quantile(b == 0 ? 0.0 : cdf[b - 1]);
    const double scale = bins / (double(hi[z]) - lo[z]);
    for (int64_t y = 0; y < ny; ++y) {
      const float* in = stack.row(z, y);
      float* out = &r.stack(z, y, 0);
      for (int64_t x = 0; x < nx; ++x) {
        const double pos = (in[x * stack.strides().sx] - lo[z]) * scale;
        const auto b = std::clamp<int64_t>(static_cast<int64_t>(pos), 0, bins - 1);
        const double t = std::clamp(pos - double(b), 0.0, 1.0);
        out[x] = static_cast<float>(edge_value[b] + t * (edge_value[b + 1] - edge_value[b]));
      }
    }
    progress.advance();
  }
  return r;
}

}  // namespace emorph
