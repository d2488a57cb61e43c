// Contrast normalisation along z: each slice is mapped linearly so that its mean and standard deviation
// equal the target's (the usual z-score normalisation), or through histogram matching (Gonzalez &
// Woods, "histogram specification") so that its grey-level distribution equals the reference slice's.
#include "emorph/filter/intensity_normalise.hpp"

#include <algorithm>
#include <cmath>

#include "emorph/error.hpp"
#include "emorph/progress.hpp"
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
  throw InputError(option + ": unknown intensity method '" + name + "' (expected meanstd or histogram)");
}

IntensityNormaliseResult normalise_intensity(VolumeView<const float> stack, const IntensityNormaliseParams& params) {
  detail::require_finite_stack(stack, "intensity normalisation");
  const int64_t nz = stack.nz();
  require(params.reference_slice >= -1 && params.reference_slice < nz,
          "intensity normalisation: reference slice " + std::to_string(params.reference_slice) + " is outside 0.." +
              std::to_string(nz - 1));
  require(params.histogram_bins >= 16 && params.histogram_bins <= (1 << 20),
          "intensity normalisation: histogram bins must be in 16..1048576");
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
