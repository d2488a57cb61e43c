// Bands of grey-volume figures: re-measurement at the ends of the model's threshold band (issue 14,
// docs/segmentation.md "Uncertainty bands").
#include "emorph/report/grey_bands.hpp"

#include "emorph/measure/lfp_profile.hpp"

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

// The band widened by `margin` on both sides (a null band or a non-finite margin: unchanged).
Json widen(Json band, double margin) {
  if (band.is_null() || !std::isfinite(margin) || margin <= 0) return band;
  return Json::array({band[0].get<double>() - margin, band[1].get<double>() + margin});
}

}  // namespace

GreyBands::GreyBands(const SegmentResult& seg) {
  if (!seg.band || seg.class_names.size() != 2 || seg.class_names[0] == seg.class_names[1]) return;
  band_ = seg.band;
  class_names_ = seg.class_names;
  bright_point_voxels_ = seg.class_voxels.size() == 2 ? seg.class_voxels[1] : 0;
}

void GreyBands::add_fraction_bands(Json& phases, int axis, SliceRange region, int64_t voxels_per_slice,
                                   int64_t total_voxels) const {
  if (!band_ || axis < 0 || axis > 2 || total_voxels <= 0) return;
  const auto& per_slice = band_->bright_per_slice[static_cast<std::size_t>(axis)];
  const int64_t slices = static_cast<int64_t>(per_slice[0].size());
  const int64_t first = std::max<int64_t>(region.first, 0), last = std::min(region.last, slices - 1);
  const double region_voxels = static_cast<double>(std::max<int64_t>(last - first + 1, 0) * voxels_per_slice);
  // The bright class's voxels in the electrode slices at the segmentation's own threshold (no layer is
  // painted with a segmented class's bright label; the dark one may share the air's pore label, hence
  // bands built from the voxels that change class, not from counts).
  const Json* bright = phases.contains(class_names_[1]) ? &phases[class_names_[1]] : nullptr;
  const bool electrode = region_voxels > 0 && (!bright || bright->contains("electrode_volume_fraction"));
  const double bright_region_point = bright && electrode ? (*bright)["electrode_volume_fraction"].get<double>() * region_voxels : 0.0;
  double whole_change[2], region_change[2];
  for (std::size_t end = 0; end < 2; ++end) {
    whole_change[end] = static_cast<double>(band_->bright_voxels[end] - bright_point_voxels_) / static_cast<double>(total_voxels);
    int64_t in_region = 0;
    for (int64_t i = first; i <= last; ++i) in_region += per_slice[end][static_cast<std::size_t>(i)];
    region_change[end] = electrode ? (static_cast<double>(in_region) - bright_region_point) / region_voxels : 0.0;
  }
  for (std::size_t k = 0; k < 2; ++k) {
    if (!phases.contains(class_names_[k])) continue;
    Json& p = phases[class_names_[k]];
    const double sign = k == 1 ? 1.0 : -1.0;  // voxels leaving the bright class join the dark one
    const double f = p["volume_fraction"].get<double>();
    p["volume_fraction_band"] = span(f, f + sign * whole_change[0], f + sign * whole_change[1]);
    if (electrode && p.contains("electrode_volume_fraction")) {
      const double e = p["electrode_volume_fraction"].get<double>();
      p["electrode_volume_fraction_band"] = span(e, e + sign * region_change[0], e + sign * region_change[1]);
    }
  }
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
    p["slope_band_per_um"] = widen(span(p.value("slope_per_um", Json()), stats[0][k].slope_per_um, stats[1][k].slope_per_um),
                                   kBandStandardErrors * p.value("slope_stderr_per_um", 0.0));
  }
}

}  // namespace emorph
