#pragma once
// The FIB/SEM preparation chain (Etiemble et al. 2017, section 2.3; the usual serial-sectioning
// workflow): curtaining removal, shading along y, contrast along z, slice alignment, then the field of
// view common to every aligned slice. One function for `emorph fibsem-prep`, `emorph analyze` and Python.
#include <optional>
#include <string>
#include <vector>

#include "emorph/filter/destripe.hpp"
#include "emorph/filter/drift_split_check.hpp"
#include "emorph/filter/drift_track.hpp"
#include "emorph/filter/intensity_normalise.hpp"
#include "emorph/filter/shading.hpp"
#include "emorph/filter/shift.hpp"
#include "emorph/volume.hpp"

namespace emorph {

struct FibsemPrepParams {
  bool destripe = true;
  bool flatten = true;     // shading along y, then (unless intensity is empty) contrast along z
  bool align = true;
  // Crop to the rows and columns every aligned slice holds: pixels shifted in from outside the frame
  // are copies of its border, not data. Off in `emorph fibsem-prep` (same shape out as in).
  bool crop_to_common = false;
  // > 0: the drift is applied only when the track is self-consistent: the lags' pairs agree with the
  // fitted track to this rms (px) and no slice is unreliable. Otherwise the stack is left unaligned and
  // the record says why (inclined structures, such as the face of a particle larger than the field,
  // move between slices like a drift and pull the pairs of different lags apart). 0: always applied.
  double max_track_residual_px = 0;
  // Set: the drift is applied only when the field's two halves, tracked apart, agree well enough that
  // the track's estimated error is a small share of the drift (drift_split_check.hpp); otherwise the
  // stack is left unaligned and the record says why. Empty: no such check.
  std::optional<DriftSplitCheckParams> drift_check;
  DestripeParams destripe_params;
  ShadingParams shading;
  // Contrast along z. The default follows the phases' own grey modes: a slice's mean and spread
  // change with its mix of phases (a cut through a large particle), its phases' levels do not.
  std::optional<IntensityNormaliseParams> intensity = IntensityNormaliseParams{IntensityMethod::phase_modes};
  DriftTrackParams drift;
  ShiftParams shift;
};

// What each step did: the figures of `emorph fibsem-prep --json`'s record (steps[], destripe{}, shading{},
// intensity{}, drift_px, drift_max_px, alignment{}, crop{}), built by results/filter_results.hpp.
struct FibsemPrepRecord {
  std::vector<std::string> steps;  // the steps applied, in order: destripe, shading, intensity, align
  struct Destripe {
    double angle_deg = 0, band_power_before = 0, band_power_after = 0;
  };
  std::optional<Destripe> destripe;
  std::optional<ShadingParams> shading;      // the shading step's parameters ...
  std::vector<double> shading_background;    // ... and its fitted background
  std::optional<IntensityMethod> intensity;  // the contrast step's method ...
  IntensityNormaliseResult intensity_levels;  // ... and its levels (the stack moved out)
  std::optional<DriftSplitCheck> split_check;  // the halves' check, when it ran
  double max_error_share = 0;                  // its limit
  std::string align_skipped;  // why the drift was not applied ("" when applied or not tracked)
  int reference_slice = 0;
  bool cropped = false;  // cropped to the field every aligned slice holds (FibsemPrepResult::crop)
};

struct FibsemPrepResult {
  Volume<float> stack;
  FibsemPrepRecord record;
  std::optional<DriftTrack> drift;  // set whenever the drift was tracked, applied or not
  Box crop{};  // the region kept, in input pixels (the whole slice when not cropped)
};

// Throws InputError for a bad parameter or a stack a step cannot handle (naming the step).
FibsemPrepResult fibsem_prepare(VolumeView<const float> stack, const FibsemPrepParams& params = {});

// intensity method name as the CLI spells it (modes, meanstd, histogram).
std::string intensity_method_name(IntensityMethod method);

}  // namespace emorph
