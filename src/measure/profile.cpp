// Phase fraction profiles from per-slice label counts (the slice histogram of fractions.cpp), with a
// centred moving average truncated at the ends.
#include "emorph/measure/profile.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "emorph/error.hpp"


namespace emorph {

std::vector<double> moving_average(const std::vector<double>& values, int window) {
  require(window >= 1 && window % 2 == 1, "--window must be an odd number of slices >= 1 (got " + std::to_string(window) + ")");
  if (window == 1) return values;
  const int64_t n = static_cast<int64_t>(values.size()), half = window / 2;
  // Prefix sums: O(n) for any window.
  std::vector<double> prefix(values.size() + 1, 0.0);
  for (std::size_t i = 0; i < values.size(); ++i) prefix[i + 1] = prefix[i] + values[i];
  std::vector<double> out(values.size());
  for (int64_t i = 0; i < n; ++i) {
    const int64_t a = std::max<int64_t>(0, i - half), b = std::min<int64_t>(n, i + half + 1);
    out[static_cast<std::size_t>(i)] = (prefix[static_cast<std::size_t>(b)] - prefix[static_cast<std::size_t>(a)]) / static_cast<double>(b - a);
  }
  return out;
}

FractionProfile fraction_profile(const SliceLabelCounts& counts, double slice_um, const ProfileParams& params) {
  require(params.axis >= 0 && params.axis <= 2, "--axis must be 0, 1 or 2 (got " + std::to_string(params.axis) + ")");
  require(counts.axis == params.axis, "profile: slice counts were taken along another axis");
  require(slice_um > 0 && std::isfinite(slice_um), "profile: voxel size must be positive (--voxel)");
  FractionProfile p;
  p.axis = params.axis;
  p.position_um.resize(static_cast<std::size_t>(counts.slices));
  for (int64_t s = 0; s < counts.slices; ++s) p.position_um[static_cast<std::size_t>(s)] = (static_cast<double>(s) + 0.5) * slice_um;
  p.fraction.resize(static_cast<std::size_t>(counts.num_labels));
  const double per_slice = static_cast<double>(counts.voxels_per_slice);
  for (int l = 0; l < counts.num_labels; ++l) {
    std::vector<double> f(static_cast<std::size_t>(counts.slices));
    for (int64_t s = 0; s < counts.slices; ++s) f[static_cast<std::size_t>(s)] = static_cast<double>(counts.at(s, l)) / per_slice;
    p.fraction[static_cast<std::size_t>(l)] = moving_average(f, params.window);
  }
  return p;
}

FractionProfile fraction_profile(VolumeView<const uint8_t> labels, const ProfileParams& params) {
  require(params.axis >= 0 && params.axis <= 2, "--axis must be 0, 1 or 2 (got " + std::to_string(params.axis) + ")");
  const auto counts = slice_label_counts(labels, {params.axis});
  return fraction_profile(counts, labels.spacing()[params.axis], params);
}

}  // namespace emorph
