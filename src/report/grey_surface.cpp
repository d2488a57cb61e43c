// Grey-input specific surface: the labels' Crofton surface times the re-imaging bias correction
// (Efron & Tibshirani 1993, ch. 10; segment/reblur_surface.hpp).
#include "emorph/report/grey_surface.hpp"
#include "emorph/results/measure_results.hpp"
#include "emorph/results/segment_results.hpp"

namespace emorph {
namespace {

// The pre-filter the segmentation applied: the explicit one, else the one "auto" chose.
std::optional<DenoiseSpec> applied_denoise(const SegmentResult& seg, const SegmentParams& params) {
  if (params.denoise) return params.denoise;
  if (!seg.denoise_used || !seg.denoise_used->filter) return std::nullopt;
  const DenoiseSpec& f = *seg.denoise_used->filter;
  if (f.filter == "median" || (f.filter == "gaussian" && !f.gaussian.sigma_in_um)) return f;
  return std::nullopt;
}

}  // namespace

std::optional<GreySurfaceCorrection> grey_surface_correction(const AnyVolume& grey, const SegmentResult& seg,
                                                             const SegmentParams& params) {
  if (seg.fibsem || !seg.model || !seg.model->input_noise_sigma || seg.class_labels.size() != 2 ||
      seg.labels.shape() != grey.shape())
    return std::nullopt;
  // The threshold range: the bright fraction band over the segmented fraction.
  std::optional<std::array<double, 2>> fraction_range;
  const auto band = seg.fraction_band(1);
  const double fraction = seg.counted_voxels ? double(seg.class_voxels.back()) / double(seg.counted_voxels) : 0.0;
  if (band && fraction > 0) fraction_range = std::array<double, 2>{(*band)[0] / fraction, (*band)[1] / fraction};
  const auto r = reblur_surface_correction(grey, seg.labels.view(), seg.class_labels.back(), applied_denoise(seg, params),
                                           *seg.model->input_noise_sigma, {}, fraction_range);
  if (!r) return std::nullopt;
  return GreySurfaceCorrection{seg.class_names.back(), *r};
}

void add_grey_corrected_surface(Json& surface_results, const std::optional<GreySurfaceCorrection>& correction) {
  if (!correction || !surface_results.contains("phases") || !surface_results["phases"].contains(correction->phase)) return;
  Json& phase = surface_results["phases"][correction->phase];
  const double sv = phase["specific_surface_per_um"].get<double>();
  const ReblurSurface& c = correction->correction;
  Json g = reblur_surface_json(c);
  if (!c.applied()) {  // withheld by the gate: the reason only, no value
    phase["grey_corrected"] = g;
    return;
  }
  g["specific_surface_per_um"] = sv * c.factor;
  g["specific_surface_band_per_um"] = {sv * c.factor_band[0], sv * c.factor_band[1]};
  phase["grey_corrected"] = g;
}

}  // namespace emorph
