// Split-half check of a drift track (drift_split_check.hpp): the left and right halves of the registered
// region tracked independently (estimate_drift), their disagreement as the track's error estimate.
#include "emorph/filter/drift_split_check.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "emorph/error.hpp"

namespace emorph {

namespace {

// Standard deviation over the used slices of a 2-D path about its mean, per axis: sqrt((var(dy) + var(dx)) / 2).
double spread(const std::vector<std::array<double, 2>>& path, const std::vector<bool>& used) {
  const double n = static_cast<double>(std::count(used.begin(), used.end(), true));
  if (n < 2) return 0.0;
  double mean[2] = {0, 0}, sum = 0;
  for (std::size_t z = 0; z < path.size(); ++z)
    if (used[z]) mean[0] += path[z][0] / n, mean[1] += path[z][1] / n;
  for (std::size_t z = 0; z < path.size(); ++z)
    if (used[z]) sum += (path[z][0] - mean[0]) * (path[z][0] - mean[0]) + (path[z][1] - mean[1]) * (path[z][1] - mean[1]);
  return std::sqrt(sum / (2 * n));
}

// Slices whose position a track measured (neither featureless nor unreliable, both held or interpolated).
void keep_measured(const DriftTrack& track, std::vector<bool>& used) {
  for (const auto* list : {&track.featureless_slices, &track.unreliable_slices})
    for (int64_t z : *list) used[static_cast<std::size_t>(z)] = false;
}

// Root mean square per axis of a path's steps between consecutive used slices.
double step_rms(const std::vector<std::array<double, 2>>& path, const std::vector<bool>& used) {
  double sum = 0, n = 0;
  for (std::size_t z = 1; z < path.size(); ++z)
    if (used[z] && used[z - 1]) {
      sum += std::pow(path[z][0] - path[z - 1][0], 2) + std::pow(path[z][1] - path[z - 1][1], 2);
      n += 2;
    }
  return n > 0 ? std::sqrt(sum / n) : 0.0;
}

std::string px(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

}  // namespace

DriftSplitCheck check_drift_by_halves(VolumeView<const float> stack, const DriftTrack& track,
                                      const DriftTrackParams& tracker, const DriftSplitCheckParams& params) {
  require(params.max_error_share > 0, "drift check: the largest error share must be positive");
  require(static_cast<int64_t>(track.drift_px.size()) == stack.nz(), "drift check: the track does not match the stack");
  DriftSplitCheck check;
  // Compared on the slices every track measured: where a half (or the whole field) has no texture its
  // position is held or interpolated, and a disagreement there says nothing about the error elsewhere.
  std::vector<bool> used(track.drift_px.size(), true);
  keep_measured(track, used);
  Box region = tracker.region.value_or(Box{0, stack.nz(), 0, stack.ny(), 0, stack.nx()});
  const int64_t half = (region.x1 - region.x0) / 2;
  if (half < 16 || region.y1 - region.y0 < 16) {
    check.reason = "the registered region is too narrow to split in two halves of 16 px or more";
    return check;
  }
  DriftTrackParams left = tracker, right = tracker;
  left.region = Box{0, stack.nz(), region.y0, region.y1, region.x0, region.x0 + half};
  right.region = Box{0, stack.nz(), region.y0, region.y1, region.x1 - half, region.x1};
  // A half that cannot be tracked (constant there, nothing in common between slices) gives no estimate.
  try {
    const DriftTrack left_track = estimate_drift(stack, left), right_track = estimate_drift(stack, right);
    keep_measured(left_track, used);
    keep_measured(right_track, used);
    check.left_px = left_track.drift_px;
    check.right_px = right_track.drift_px;
  } catch (const InputError& e) {
    check.reason = std::string("a half of the field cannot be tracked on its own (") + e.what() + ")";
    check.helps = false;
    check.checked = true;
    return check;
  }
  std::vector<std::array<double, 2>> difference(check.left_px.size());
  for (std::size_t z = 0; z < difference.size(); ++z)
    difference[z] = {check.left_px[z][0] - check.right_px[z][0], check.left_px[z][1] - check.right_px[z][1]};
  check.checked = true;
  bool consecutive = false;
  for (std::size_t z = 1; z < used.size() && !consecutive; ++z) consecutive = used[z] && used[z - 1];
  if (!consecutive) {
    check.helps = false;
    check.reason = "no two consecutive slices have texture in both halves of the field: nothing shows that the track helps";
    return check;
  }
  check.drift_spread_px = spread(track.drift_px, used);
  check.halves_disagreement_px = spread(difference, used);
  check.estimated_error_px = 0.5 * check.halves_disagreement_px;
  check.step_rms_px = step_rms(track.drift_px, used);
  check.halves_step_disagreement_px = step_rms(difference, used);
  check.estimated_step_error_px = 0.5 * check.halves_step_disagreement_px;
  check.helps = check.estimated_step_error_px <= params.max_error_share * check.step_rms_px;
  if (!check.helps)
    check.reason = "the field's left and right halves, tracked apart, disagree on the steps between slices by " +
                   px(check.halves_step_disagreement_px) + " px rms (estimated step error " +
                   px(check.estimated_step_error_px) + " px) against steps of " + px(check.step_rms_px) +
                   " px: the track follows noise or the structure's own motion more than a drift";
  return check;
}

}  // namespace emorph
