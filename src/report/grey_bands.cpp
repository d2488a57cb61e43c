// Bands of grey-volume figures: re-measurement at the ends of the model's threshold band (issue 14,
// docs/segmentation.md "Uncertainty bands").
#include "emorph/report/grey_bands.hpp"

#include <algorithm>
#include <cmath>

namespace emorph {

namespace {

// [min, max] of the point value (when a number) and the two re-measurements.
Json span(const Json& point, double a, double b) {
  double lo = std::min(a, b), hi = std::max(a, b);
  if (point.is_number()) lo = std::min(lo, point.get<double>()), hi = std::max(hi, point.get<double>());
  if (!std::isfinite(lo) || !std::isfinite(hi)) return nullptr;
  return Json::array({lo, hi});
}

}  // namespace

GreyBands::GreyBands(const SegmentResult& seg) {
  if (!seg.band || seg.class_names.size() != 2 || seg.class_names[0] == seg.class_names[1]) return;
  band_ = seg.band;
  class_names_ = seg.class_names;
  fraction_bands_ = {seg.fraction_band(0), seg.fraction_band(1)};
}

void GreyBands::add_fraction_bands(Json& phases) const {
  if (!band_) return;
  for (std::size_t k = 0; k < 2; ++k)
    if (fraction_bands_[k] && phases.contains(class_names_[k]))
      phases[class_names_[k]]["volume_fraction_band"] = *fraction_bands_[k];
}

void GreyBands::add_profile_bands(Json& phases, int axis, const std::vector<double>& position_um, SliceRange bulk,
                                  int64_t voxels_per_slice) const {
  if (!band_ || axis < 0 || axis > 2 || voxels_per_slice <= 0) return;
  ProfileStats stats[2][2];  // [end of the band][dark, bright]
  for (int end = 0; end < 2; ++end) {
    const auto& counts = band_->bright_per_slice[static_cast<std::size_t>(axis)][static_cast<std::size_t>(end)];
    if (counts.size() != position_um.size()) return;
    std::vector<double> bright(counts.size()), dark(counts.size());
    for (std::size_t i = 0; i < counts.size(); ++i) {
      bright[i] = static_cast<double>(counts[i]) / static_cast<double>(voxels_per_slice);
      dark[i] = 1 - bright[i];
    }
    stats[end][0] = profile_stats(position_um, dark, bulk);
    stats[end][1] = profile_stats(position_um, bright, bulk);
  }
  for (std::size_t k = 0; k < 2; ++k) {
    if (!phases.contains(class_names_[k])) continue;
    Json& p = phases[class_names_[k]];
    p["mean_fraction_band"] = span(p.value("mean_fraction", Json()), stats[0][k].mean_fraction, stats[1][k].mean_fraction);
    p["slope_band_per_um"] = span(p.value("slope_per_um", Json()), stats[0][k].slope_per_um, stats[1][k].slope_per_um);
  }
}

}  // namespace emorph
