// The FIB/SEM preparation chain, in the order of the usual serial-sectioning workflow (curtains are a
// property of the milled face, shading and contrast of the detector, drift of the stage): destripe,
// flatten (shading, contrast along z), align, crop to the common field of view.
#include "emorph/filter/fibsem_prep.hpp"

#include <algorithm>
#include <cmath>

#include "emorph/error.hpp"

namespace emorph {

std::string intensity_method_name(IntensityMethod method) {
  switch (method) {
    case IntensityMethod::mean_std: return "meanstd";
    case IntensityMethod::histogram: return "histogram";
    case IntensityMethod::phase_modes: return "modes";
  }
  return "modes";
}

FibsemPrepResult fibsem_prepare(VolumeView<const float> input, const FibsemPrepParams& p) {
  require(!input.empty(), "fibsem-prep: the stack is empty");
  FibsemPrepResult r;
  r.crop = {0, input.nz(), 0, input.ny(), 0, input.nx()};
  Volume<float> stack;
  auto current = [&] { return stack.size() ? VolumeView<const float>(stack.view()) : input; };
  if (p.destripe) {
    const double before = stripe_band_power(current(), p.destripe_params.angle_deg);
    stack = destripe(current(), p.destripe_params);
    const double after = stripe_band_power(stack.view(), p.destripe_params.angle_deg);
    r.record.steps.push_back("destripe");
    r.record.destripe = FibsemPrepRecord::Destripe{p.destripe_params.angle_deg, before, after};
  }
  if (p.flatten) {
    auto shaded = correct_shading(current(), p.shading);
    stack = std::move(shaded.stack);
    r.record.steps.push_back("shading");
    r.record.shading = p.shading;
    r.record.shading_background = std::move(shaded.background);
    if (p.intensity) {
      auto normalised = normalise_intensity(stack.view(), *p.intensity);
      stack = std::move(normalised.stack);
      r.record.steps.push_back("intensity");
      r.record.intensity = p.intensity->method;
      r.record.intensity_levels = std::move(normalised);
    }
  }
  if (p.align) {
    DriftTrack track = estimate_drift(current(), p.drift);
    // A track that cannot show it helps is not applied: the stack is returned unaligned, the record says why.
    r.record.reference_slice = p.drift.reference_slice;
    auto leave_unaligned = [&](const std::string& why) {
      r.record.align_skipped = why + ": the stack is left unaligned; register on fiducials with emorph fibsem-prep --region";
      r.drift = std::move(track);
      r.stack = stack.size() ? std::move(stack) : to_volume(input);
      return std::move(r);
    };
    const bool consistent = track.residual_rms_px <= p.max_track_residual_px && track.unreliable_slices.empty();
    if (p.max_track_residual_px > 0 && !consistent)
      return leave_unaligned("the drift track is not self-consistent (pairs' rms residual " +
                                 std::to_string(track.residual_rms_px) + " px, " +
                                 std::to_string(track.unreliable_slices.size()) + " unreliable slices)");
    if (p.drift_check) {
      const DriftSplitCheck check = check_drift_by_halves(current(), track, p.drift, *p.drift_check);
      r.record.split_check = check;
      r.record.max_error_share = p.drift_check->max_error_share;
      if (!check.helps) return leave_unaligned(check.reason);
    }
    stack = apply_drift(current(), track.drift_px, p.shift);
    double largest = 0;
    for (const auto& d : track.drift_px) largest = std::max({largest, std::abs(d[0]), std::abs(d[1])});
    r.record.steps.push_back("align");
    if (p.crop_to_common) {
      // out(z, y, x) = in(z, y + dy, x + dx): rows y with 0 <= y + dy <= ny - 1 for every slice (one
      // more pixel for the cubic interpolation of a fractional shift).
      double dy_min = 0, dy_max = 0, dx_min = 0, dx_max = 0;
      for (const auto& d : track.drift_px) {
        dy_min = std::min(dy_min, d[0]), dy_max = std::max(dy_max, d[0]);
        dx_min = std::min(dx_min, d[1]), dx_max = std::max(dx_max, d[1]);
      }
      auto margin = [](double v) { return static_cast<int64_t>(std::ceil(std::abs(v) - 1e-6)) + (std::abs(v) > 1e-6 ? 1 : 0); };
      Box box{0, stack.nz(), margin(dy_min), stack.ny() - margin(dy_max), margin(dx_min), stack.nx() - margin(dx_max)};
      require(box.y1 - box.y0 >= 16 && box.x1 - box.x0 >= 16,
              "fibsem-prep: the drift (" + std::to_string(largest) +
                  " px) leaves less than 16 x 16 pixels common to every slice; check the alignment");
      stack = to_volume(VolumeView<const float>(stack.view()).crop(box));
      r.crop = box;
      r.record.cropped = true;
    }
    r.drift = std::move(track);
  }
  r.stack = stack.size() ? std::move(stack) : to_volume(input);
  return r;
}

}  // namespace emorph
