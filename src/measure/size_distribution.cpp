// ISO 9276-2 style size distributions: number- and volume-weighted cumulative curves of equivalent
// sphere diameters, quantiles by the midpoint rule, histogram on log or linear bins.
#include "emorph/measure/size_distribution.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>

#include "emorph/error.hpp"

namespace emorph {

std::optional<double> weighted_quantile(std::vector<double> values, std::vector<double> weights, double q) {
  require(values.size() == weights.size(), "weighted quantile: values and weights differ in length");
  require(q >= 0 && q <= 1, "weighted quantile: q must lie in 0..1");
  if (values.empty()) return std::nullopt;
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  double total = 0;
  for (double w : weights) total += w;
  if (!(total > 0)) return std::nullopt;
  const double target = q * total;
  double cum = 0, prev_mid = 0, prev_v = values[order[0]];
  for (std::size_t k = 0; k < order.size(); ++k) {
    const double v = values[order[k]], w = weights[order[k]];
    const double mid = cum + 0.5 * w;
    cum += w;
    if (mid >= target) {
      if (k == 0 || mid == prev_mid) return v;
      return prev_v + (v - prev_v) * (target - prev_mid) / (mid - prev_mid);
    }
    prev_mid = mid;
    prev_v = v;
  }
  return values[order.back()];
}

SizeDistribution size_distribution(const std::vector<double>& d, const std::vector<double>& v,
                                   const SizeDistributionParams& params) {
  require(d.size() == v.size(), "size distribution: diameters and volumes differ in length");
  require(params.bins >= 1, "size distribution: bins must be at least 1");
  SizeDistribution r;
  r.count = static_cast<int64_t>(d.size());
  if (d.empty()) return r;
  for (std::size_t i = 0; i < d.size(); ++i)
    require(d[i] > 0 && v[i] > 0 && std::isfinite(d[i]) && std::isfinite(v[i]),
            "size distribution: diameters and volumes must be positive");
  const std::vector<double> ones(d.size(), 1.0);
  r.d10_um = weighted_quantile(d, v, 0.1);
  r.d50_um = weighted_quantile(d, v, 0.5);
  r.d90_um = weighted_quantile(d, v, 0.9);
  r.number_d10_um = weighted_quantile(d, ones, 0.1);
  r.number_d50_um = weighted_quantile(d, ones, 0.5);
  r.number_d90_um = weighted_quantile(d, ones, 0.9);
  r.mean_diameter_um = std::accumulate(d.begin(), d.end(), 0.0) / static_cast<double>(d.size());

  std::vector<std::size_t> order(d.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return d[a] < d[b]; });
  const double total_v = std::accumulate(v.begin(), v.end(), 0.0);
  double cn = 0, cv = 0;
  for (std::size_t k = 0; k < order.size(); ++k) {
    cn += 1;
    cv += v[order[k]];
    r.diameter_um.push_back(d[order[k]]);
    r.cumulative_number.push_back(cn / static_cast<double>(d.size()));
    r.cumulative_volume.push_back(cv / total_v);
  }

  const double lo = r.diameter_um.front(), hi = r.diameter_um.back();
  const bool log_bins = params.log_bins && hi > lo;
  for (int b = 0; b <= params.bins; ++b) {
    const double t = static_cast<double>(b) / params.bins;
    r.bin_edges_um.push_back(hi == lo ? lo + t * 0.0 : log_bins ? lo * std::pow(hi / lo, t) : lo + t * (hi - lo));
  }
  r.number_fraction.assign(static_cast<std::size_t>(params.bins), 0.0);
  r.volume_fraction.assign(static_cast<std::size_t>(params.bins), 0.0);
  for (std::size_t i = 0; i < d.size(); ++i) {
    int b = 0;
    if (hi > lo) {
      const double t = log_bins ? std::log(d[i] / lo) / std::log(hi / lo) : (d[i] - lo) / (hi - lo);
      b = std::clamp(static_cast<int>(t * params.bins), 0, params.bins - 1);
    }
    r.number_fraction[static_cast<std::size_t>(b)] += 1.0 / static_cast<double>(d.size());
    r.volume_fraction[static_cast<std::size_t>(b)] += v[i] / total_v;
  }
  return r;
}

}  // namespace emorph
