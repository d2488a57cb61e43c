// Partial-volume fraction estimate from the mean grey and the pure-phase greys of deep voxels
// (exact EDT: Felzenszwalb & Huttenlocher 2012; the PSF from a least-squares re-blurring fit).
#include "emorph/segment/deep_level_fraction.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "emorph/filter/gaussian.hpp"
#include "emorph/measure/edt.hpp"

namespace emorph {
namespace {

bool counted(VolumeView<const uint8_t> mask, int64_t i) { return !mask.size() || mask.data()[i] != 0; }

template <class T>
double threshold_holding(VolumeView<const T> v, double fraction, VolumeView<const uint8_t> mask) {
  std::vector<T> values;
  values.reserve(static_cast<std::size_t>(v.size()));
  for (int64_t z = 0, i = 0; z < v.nz(); ++z)
    for (int64_t y = 0; y < v.ny(); ++y)
      for (int64_t x = 0; x < v.nx(); ++x, ++i)
        if (counted(mask, i)) values.push_back(v(z, y, x));
  if (values.empty()) return 0;
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  const double lowest = static_cast<double>(*lo), highest = static_cast<double>(*hi);
  const int64_t n = static_cast<int64_t>(values.size());
  const int64_t k = std::llround(std::clamp(fraction, 0.0, 1.0) * static_cast<double>(n));  // bright voxels wanted
  if (k <= 0) return highest;
  if (k >= n) return lowest - 1;
  const auto kth_it = values.begin() + (n - k);
  std::nth_element(values.begin(), kth_it, values.end());
  const T kth = *kth_it;  // the k-th largest
  int64_t at_least = 0, above = 0;
  double below_kth = -std::numeric_limits<double>::infinity(), above_kth = std::numeric_limits<double>::infinity();
  for (const T& x : values) {
    at_least += x >= kth, above += x > kth;
    if (x < kth) below_kth = std::max(below_kth, static_cast<double>(x));
    if (x > kth) above_kth = std::min(above_kth, static_cast<double>(x));
  }
  const double t = static_cast<double>(kth);
  if (at_least - k <= k - above)  // the k-th largest value is bright: t just below it
    return std::isfinite(below_kth) ? 0.5 * (below_kth + t) : t - 1;
  return std::isfinite(above_kth) ? 0.5 * (t + above_kth) : t;
}

// The central block of at most `edge` voxels per axis.
Box central_block(const Shape& s, int64_t edge) {
  auto range = [&](int64_t n) {
    const int64_t m = std::min(n, edge);
    return std::array<int64_t, 2>{(n - m) / 2, (n - m) / 2 + m};
  };
  const auto z = range(s.nz), y = range(s.ny), x = range(s.nx);
  return {z[0], z[1], y[0], y[1], x[0], x[1]};
}

template <class T>
Volume<float> as_float(VolumeView<const T> v) {
  Volume<float> out(v.shape(), v.spacing(), v.thickness_axis());
  for (int64_t z = 0, i = 0; z < v.nz(); ++z)
    for (int64_t y = 0; y < v.ny(); ++y)
      for (int64_t x = 0; x < v.nx(); ++x, ++i) out.data()[i] = static_cast<float>(v(z, y, x));
  return out;
}

struct SigmaFit {
  double sigma = 0;
  double rms_residual = 0;
};

// The PSF sigma of the grid whose blur of `phase` (0/1), scaled and offset by least squares, is closest
// to `grey` (both the fit block), inside the block's mask.
SigmaFit fit_psf_sigma(const Volume<float>& grey, const Volume<float>& phase, VolumeView<const uint8_t> mask,
                       const std::vector<double>& sigmas) {
  SigmaFit best{0, std::numeric_limits<double>::infinity()};
  for (double sigma : sigmas) {
    GaussianParams g;
    g.sigma = sigma;
    const Volume<float> model = gaussian_filter(phase.view(), g);
    double n = 0, sm = 0, sg = 0, smm = 0, smg = 0, sgg = 0;
    for (int64_t i = 0; i < model.size(); ++i) {
      if (!counted(mask, i)) continue;
      const double m = model.data()[i], y = grey.data()[i];
      n += 1, sm += m, sg += y, smm += m * m, smg += m * y, sgg += y * y;
    }
    if (n < 2) continue;
    const double cmm = smm - sm * sm / n, cmg = smg - sm * sg / n, cgg = sgg - sg * sg / n;
    const double rss = std::max(0.0, cgg - (cmm > 0 ? cmg * cmg / cmm : 0.0));
    const double rms = std::sqrt(rss / n);
    if (rms < best.rms_residual) best = {sigma, rms};
  }
  return best;
}

// Mean raw grey of the voxels of one phase at squared distance >= depth^2 and >= (depth + 1)^2 from the other
// (depth in voxels, not rounded: the exact EDT's squared distances are whole numbers).
struct DeepMeans {
  double sum[2] = {0, 0};
  int64_t count[2] = {0, 0};
};

DeepMeans deep_means(const Volume<float>& grey, const Volume<uint8_t>& bright, bool of_bright, double depth,
                     VolumeView<const uint8_t> mask, Volume<float>& distance2, Volume<uint8_t>& inside) {
  // Background of the distance transform: the other phase's voxels inside the mask (voxels outside the
  // mask and outside the volume are no interface).
  for (int64_t i = 0; i < grey.size(); ++i)
    inside.data()[i] = !(counted(mask, i) && (bright.data()[i] != 0) != of_bright);
  squared_distance_transform_into(inside.view(), Spacing{1, 1, 1}, distance2.view());
  DeepMeans d;
  // A relative margin so that depth^2 equal to a whole squared distance (depth 3: 9) keeps those voxels.
  const double deep2[2] = {depth * depth * (1 - 1e-9), (depth + 1) * (depth + 1) * (1 - 1e-9)};
  for (int64_t i = 0; i < grey.size(); ++i) {
    if (!counted(mask, i) || (bright.data()[i] != 0) != of_bright) continue;
    for (int j = 0; j < 2; ++j)
      if (distance2.data()[i] >= deep2[j]) d.sum[j] += grey.data()[i], ++d.count[j];
  }
  return d;
}

}  // namespace

double threshold_holding_fraction(const AnyVolume& v, double fraction, VolumeView<const uint8_t> mask) {
  return v.visit([&](const auto& vol) { return threshold_holding(vol.view(), fraction, mask); });
}

DeepLevelFraction withheld_deep_level_fraction(double route_fraction, const std::string& reason) {
  DeepLevelFraction r;
  r.route_fraction = r.fraction = route_fraction;
  r.fraction_band = {route_fraction, route_fraction};
  r.withheld = reason;
  return r;
}

DeepLevelFraction deep_level_fraction(const AnyVolume& grey_in, const AnyVolume& filtered, double route_fraction,
                                      double noise_sigma, VolumeView<const uint8_t> mask, const DeepLevelFractionParams& p) {
  DeepLevelFraction r = withheld_deep_level_fraction(route_fraction, "");
  auto withhold = [&](const std::string& why) {
    r.withheld = why;
    r.fraction = route_fraction;
    r.fraction_band = {route_fraction, route_fraction};
    return r;
  };
  if (grey_in.shape() != filtered.shape() || (mask.size() && mask.shape() != grey_in.shape()))
    return withhold("the pre-filtered volume or the mask differs in shape from the grey");
  if (!(noise_sigma > 0)) return withhold("no noise estimate (the gate needs the input's noise)");
  if (route_fraction <= 0 || route_fraction >= 1) return withhold("the route found one phase only");
  const Volume<float> grey = grey_in.visit([](const auto& v) { return as_float(v.view()); });
  double sum = 0;
  int64_t n = 0;
  for (int64_t i = 0; i < grey.size(); ++i)
    if (counted(mask, i)) sum += grey.data()[i], ++n;
  if (n == 0) return withhold("no voxel inside the mask");
  r.mean_grey = sum / static_cast<double>(n);

  // Step 1: the PSF from the pre-filtered image's set at fraction f, on the central block.
  const Box block = central_block(grey.shape(), p.max_fit_block);
  const Volume<float> grey_block = to_volume(grey.view().crop(block));
  const Volume<uint8_t> mask_block = mask.size() ? to_volume(mask.crop(block)) : Volume<uint8_t>();
  auto fit_at = [&](double f) {
    const double t = threshold_holding_fraction(filtered, f, mask);
    Volume<float> phase = filtered.visit([&](const auto& v) {
      const auto c = v.view().crop(block);
      Volume<float> out(c.shape(), c.spacing());
      for (int64_t z = 0, i = 0; z < c.nz(); ++z)
        for (int64_t y = 0; y < c.ny(); ++y)
          for (int64_t x = 0; x < c.nx(); ++x, ++i) out.data()[i] = static_cast<double>(c(z, y, x)) > t ? 1.0f : 0.0f;
      return out;
    });
    return fit_psf_sigma(grey_block, phase, mask_block.view(), p.psf_sigmas);
  };
  SigmaFit fit = fit_at(route_fraction);
  r.psf_sigma_voxels = fit.sigma;
  r.fit_residual_ratio = fit.rms_residual / noise_sigma;
  if (!(r.fit_residual_ratio <= p.max_residual_ratio)) {
    char why[200];
    std::snprintf(why, sizeof why,
                  "the PSF fit's residual is %.2f x the input noise (gate %.2f): a blur of two grey levels does not "
                  "explain the grey; the route's own fraction is kept",
                  r.fit_residual_ratio, p.max_residual_ratio);
    return withhold(why);
  }

  // Steps 2-3: the depth map from the smoothed raw grey's set at the current fraction, the deep means.
  GaussianParams smoothing;
  smoothing.sigma = p.depth_smoothing_sigma;
  const AnyVolume smooth(gaussian_filter(grey.view(), smoothing));
  Volume<uint8_t> bright(grey.shape(), grey.spacing()), inside(grey.shape(), grey.spacing());
  Volume<float> distance2(grey.shape(), grey.spacing());
  double f = route_fraction;
  std::array<double, 2> deeper_levels{0, 0};
  for (int step = 0; step < p.iterations; ++step) {
    const double t = threshold_holding_fraction(smooth, f, mask);
    const Volume<float>& s = smooth.as<float>();
    for (int64_t i = 0; i < s.size(); ++i) bright.data()[i] = s.data()[i] > t;
    // Not rounded up to whole voxels: ceil made the depth jump from 3 to 4 voxels between sigma 1.0 and
    // 1.25 (the grid's neighbours), and in a thin phase the voxels 4 deep are few and mostly the set's
    // own errors (psf1.5_cnr5_r3-8_f0.6_8bit: 3333 against about 30000 at 3; docs/validation.md #14 stop 21).
    r.depth_voxels = std::max(static_cast<double>(p.min_depth), p.depth_per_sigma * fit.sigma);
    const DeepMeans dark = deep_means(grey, bright, false, r.depth_voxels, mask, distance2, inside);
    const DeepMeans light = deep_means(grey, bright, true, r.depth_voxels, mask, distance2, inside);
    r.deep_dark_voxels = dark.count[0], r.deep_bright_voxels = light.count[0];
    if (std::min(dark.count[0], light.count[0]) < p.min_deep_voxels)
      return withhold("fewer than " + std::to_string(p.min_deep_voxels) + " voxels lie " +
                      std::to_string(r.depth_voxels).substr(0, 4) + " voxels deep inside a phase");
    r.dark_grey = dark.sum[0] / static_cast<double>(dark.count[0]);
    r.bright_grey = light.sum[0] / static_cast<double>(light.count[0]);
    if (!(r.bright_grey > r.dark_grey)) return withhold("the deep bright voxels are not brighter than the deep dark ones");
    f = std::clamp((r.mean_grey - r.dark_grey) / (r.bright_grey - r.dark_grey), 0.0, 1.0);
    r.iteration_fractions.push_back(f);
    if (dark.count[1] >= p.min_deep_voxels && light.count[1] >= p.min_deep_voxels)
      deeper_levels = {dark.sum[1] / static_cast<double>(dark.count[1]), light.sum[1] / static_cast<double>(light.count[1])};
    else
      deeper_levels = {r.dark_grey, r.bright_grey};
    if (step == 0 && p.iterations > 1) fit = fit_at(f), r.psf_sigma_voxels = fit.sigma;
  }
  r.fraction = f;
  // Band: the last two iterations and the levels one voxel deeper.
  double deeper = f;
  if (deeper_levels[1] > deeper_levels[0])
    deeper = std::clamp((r.mean_grey - deeper_levels[0]) / (deeper_levels[1] - deeper_levels[0]), 0.0, 1.0);
  const std::size_t m = r.iteration_fractions.size();
  const double previous = m > 1 ? r.iteration_fractions[m - 2] : f;
  r.fraction_band = {std::min({f, previous, deeper}), std::max({f, previous, deeper})};
  return r;
}

}  // namespace emorph
