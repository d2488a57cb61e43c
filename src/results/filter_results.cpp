// The results layer of the filter area (see filter_results.hpp).
#include "emorph/results/filter_results.hpp"

#include <algorithm>
#include <cmath>

namespace emorph {

Json denoise_spec_json(const DenoiseSpec& s) {
  if (s.filter == "median") return {{"filter", s.filter}, {"radius", s.median.radius}};
  if (s.filter == "gaussian")
    return {{"filter", s.filter}, {s.gaussian.sigma_in_um ? "sigma_um" : "sigma_voxels", s.gaussian.sigma},
            {"truncate", s.gaussian.truncate}};
  return {{"filter", s.filter}, {"sigma_spatial_voxels", s.bilateral.sigma_spatial}, {"sigma_range", s.bilateral.sigma_range}};
}
Json fibsem_prep_record_json(const FibsemPrepResult& r) {
  const FibsemPrepRecord& rec = r.record;
  Json j = {{"steps", Json(rec.steps)}};
  if (rec.destripe) {
    const double before = rec.destripe->band_power_before, after = rec.destripe->band_power_after;
    j["destripe"] = {{"angle_deg", rec.destripe->angle_deg},
                     {"stripe_band_power_before", before},
                     {"stripe_band_power_after", after},
                     {"stripe_band_power_removed_percent", before > 0 ? 100 * (1 - after / before) : 0.0}};
  }
  if (rec.shading)
    j["shading"] = {{"order", rec.shading->order},
                    {"mode", rec.shading->subtract ? "subtract" : "divide"},
                    {"row_quantile", rec.shading->row_quantile},
                    {"per_slice", rec.shading->per_slice},
                    {"background", rec.shading_background}};
  if (rec.intensity) {
    const IntensityNormaliseResult& n = rec.intensity_levels;
    j["intensity"] = {{"method", intensity_method_name(*rec.intensity)},
                      {"target_mean", n.target_mean},
                      {"target_std", n.target_std},
                      {"slice_mean_before", n.slice_mean},
                      {"slice_std_before", n.slice_std}};
    if (*rec.intensity == IntensityMethod::phase_modes)
      j["intensity"].update(
          {{"reference_levels", n.reference_levels}, {"slice_gain", n.slice_gain}, {"slice_offset", n.slice_offset}});
  }
  if (r.drift) {
    const DriftTrack& track = *r.drift;
    Json alignment = Json::object();
    if (rec.split_check) {
      const DriftSplitCheck& c = *rec.split_check;
      alignment["split_check"] = {{"checked", c.checked},
                                  {"step_rms_px", c.step_rms_px},
                                  {"estimated_step_error_px", c.estimated_step_error_px},
                                  {"drift_spread_px", c.drift_spread_px},
                                  {"estimated_error_px", c.estimated_error_px},
                                  {"max_error_share", rec.max_error_share}};
    }
    if (!rec.align_skipped.empty()) {
      j["align_skipped"] = rec.align_skipped;
      alignment["residual_rms_px"] = track.residual_rms_px;
      alignment["unreliable_slices"] = track.unreliable_slices;
    } else {
      double largest = 0;
      for (const auto& d : track.drift_px) largest = std::max({largest, std::abs(d[0]), std::abs(d[1])});
      j["drift_px"] = track.drift_px;
      j["drift_max_px"] = largest;
      alignment.update({{"pairs", track.pairs.size()},
                        {"rejected_pairs", track.rejected_pairs},
                        {"unreliable_slices", track.unreliable_slices},
                        {"featureless_slices", track.featureless_slices},
                        {"residual_rms_px", track.residual_rms_px},
                        {"reference_slice", rec.reference_slice}});
    }
    j["alignment"] = alignment;
  }
  if (rec.cropped) j["crop"] = {{"y0", r.crop.y0}, {"y1", r.crop.y1}, {"x0", r.crop.x0}, {"x1", r.crop.x1}};
  return j;
}

}  // namespace emorph
