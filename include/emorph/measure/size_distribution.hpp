#pragma once
// Particle size distributions by number and by volume: cumulative curves, histograms and the
// D10/D50/D90 quantiles of laser granulometry (ISO 9276-2 conventions, volume weights V).
#include <cstdint>
#include <optional>
#include <vector>

namespace emorph {

// Weighted quantile (q in 0..1) with the midpoint rule: each value's weight is centred on it and the
// cumulative curve is interpolated linearly between sorted values (as the synth truth computes it).
// Empty input or zero total weight: unset.
std::optional<double> weighted_quantile(std::vector<double> values, std::vector<double> weights, double q);

struct SizeDistributionParams {
  int bins = 30;  // histogram bins between the smallest and the largest diameter (logarithmic when log_bins)
  bool log_bins = true;
};

struct SizeDistribution {
  int64_t count = 0;
  // Sorted diameters and the cumulative number and volume fractions at each (inclusive).
  std::vector<double> diameter_um, cumulative_number, cumulative_volume;
  std::optional<double> d10_um, d50_um, d90_um;  // volume-weighted
  std::optional<double> number_d10_um, number_d50_um, number_d90_um;
  std::optional<double> mean_diameter_um;  // number mean
  // Histogram: bins+1 edges, number and volume fraction per bin.
  std::vector<double> bin_edges_um, number_fraction, volume_fraction;
};

// diameters_um[i] and volumes_um3[i] describe particle i (same length, volumes > 0).
SizeDistribution size_distribution(const std::vector<double>& diameters_um, const std::vector<double>& volumes_um3,
                                   const SizeDistributionParams& params = {});

}  // namespace emorph
