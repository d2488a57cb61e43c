#pragma once
// Does a drift track help? A truth-free check by split-half replication (the split-sample idea of
// cross-validation): the drift is common to the whole field of view, the structure's own motion between
// slices (faces inclined to the sections) and the noise are not. The left and right halves of the
// registered region are tracked on their own; where the two tracks disagree, at least one follows
// something other than the drift, and the disagreement sizes the whole track's error. The alignment is
// applied only when the error of the track's slice-to-slice steps is clearly smaller than the steps it
// corrects: those steps are what blur boundaries along z and what segmentation gains from removing.
#include <array>
#include <string>
#include <vector>

#include "emorph/filter/drift_track.hpp"
#include "emorph/volume.hpp"

namespace emorph {

struct DriftSplitCheckParams {
  // The track helps when its steps' estimated error is at most this share of its steps: aligning leaves
  // the error, not aligning leaves the steps, so 1 is break-even; 0.75 keeps a margin for the estimate's
  // own scatter (on the simulator's 16 cells the share is 0.06-0.49, on a stack without drift 1.75:
  // docs/validation.md, issue 14 point 7).
  double max_error_share = 0.75;
};

struct DriftSplitCheck {
  std::vector<std::array<double, 2>> left_px, right_px;  // the halves' tracks, [dy, dx] per slice
  // All figures are per axis (the root mean of dy's and dx's mean squares) over the slices that the whole
  // field and both halves measured (not featureless, not unreliable: elsewhere a position is held or
  // interpolated, not measured). Each half's error is independent of the other's and the whole field
  // averages them, so the whole track's error is about half the halves' disagreement.
  double step_rms_px = 0;              // the whole track's steps between consecutive slices
  double halves_step_disagreement_px = 0;
  double estimated_step_error_px = 0;  // half the above: decides `helps`
  // The same for positions (standard deviations about the mean), for the record: the slow wander of the
  // track, which segmentation tolerates far better than steps (docs/validation.md, issue 14 point 7).
  double drift_spread_px = 0;
  double halves_disagreement_px = 0;
  double estimated_error_px = 0;
  bool checked = false;  // false: the region is too narrow to split (under 2 x 16 px): nothing measured
  bool helps = true;
  std::string reason;  // when !helps (or !checked): why, for the results
};

// `track` is estimate_drift(stack, tracker); the halves are tracked with the same settings.
DriftSplitCheck check_drift_by_halves(VolumeView<const float> stack, const DriftTrack& track,
                                      const DriftTrackParams& tracker, const DriftSplitCheckParams& params = {});

}  // namespace emorph
