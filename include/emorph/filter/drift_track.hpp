#pragma once
// Drift of a FIB/SEM stack: phase correlations between slices at several lags, combined by robust
// least squares (IRLS, Huber then Tukey biweight) into one position per slice. Each pair is the median
// of its tiles' correlations over the tiles clear of large flat regions (registration_tiles.hpp).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "emorph/filter/align.hpp"
#include "emorph/filter/registration_tiles.hpp"
#include "emorph/volume.hpp"

namespace emorph {

// What a slice's curtain profile is made of.
enum class CurtainProfileKind {
  // Its mean over y (stop 19): also holds the structure's column means, which move with the structure.
  column_mean,
  // The median over y of its differences along x, I(y, x + 1) - I(y, x): inside a phase the difference is
  // the curtain's slope plus noise, at an edge of the structure it is an outlier; the median follows the
  // curtain as long as fewer than half of a column's rows lie on an edge (a robust estimate free of the
  // structure; the robust column statistic of the column-offsets destriping, destripe_column_offsets.cpp).
  median_difference,
};

struct DriftTrackParams {
  // Each slice is registered to the slices this many before it. Lag 1 alone accumulates the pairs'
  // errors as a random walk; longer lags tie distant slices together and outvote a bad pair.
  std::vector<int> lags = {1, 2, 4, 8};
  // Region registered, in slice pixels (z bounds ignored): fiducial marks or the protective layer.
  // Empty: the whole slice.
  std::optional<Box> region;
  int reference_slice = 0;  // its drift is [0, 0]
  // A pair whose residual exceeds this many robust standard deviations (and 0.5 px) gets no weight.
  double outlier_threshold = 4.685;
  PhaseCorrelationParams correlation;
  // The tiles correlated (tile_px 0: whole slices, as before tiles were introduced).
  RegistrationTileParams tiles;
  // A pair measured on 4 or more tiles: a tile whose own shift lies more than this many pixels from
  // the tiles' combined one is left out and the rest recombined (0: every tile kept). Measured on the
  // simulator (issue 14 point 7, stop 17): 1 px lowers the largest error on textured slices from 2.86
  // to 2.60 px on average over 16 cells.
  double tile_outlier_px = 1.0;
  // Curtains (drift_curtains.hpp): the x positions are refitted with the column profiles' pairs at these
  // lags (e.g. {1, 2}) added to the slices' pairs, when the halves' curtain agreement is at least
  // `curtain_min_agreement` (about 0 without curtains). Empty (the default): x from the slices' pairs
  // alone. Off because on the simulator's 24 FIB/SEM cells {1, 2} raised the pore Dice in three (H 0.01/6
  // 0.682 -> 0.766) but lowered it in four (H 0.01/3 0.857 -> 0.838; docs/validation.md, stop 19).
  std::vector<int> curtain_lags = {};
  double curtain_min_agreement = 0.1;
  // The column means stay the default profile: the median of differences (stop 21) tracks x better on
  // H 0.01/3 (rms 2.48 -> 2.01 px) and alike on H 0.02/6, but was not measured on the whole matrix.
  CurtainProfileKind curtain_profile = CurtainProfileKind::column_mean;
  // And only when the curtains' steps between slices explain the slices' own (x) steps: the rms of
  // their difference is at most this share of the steps' rms. Stripes that stay put in the frame
  // (a detector's) give about 1 and are not used; on the simulator's H/F stacks 0.17-0.65, on preset A,
  // whose slices' track is itself 2-3 px off, 0.8-2.1 (issue 14 point 7, stop 19).
  double curtain_max_step_share = 0.75;
  // > 0: instead of the share, the curtains' lag-1 steps must correlate with the slices' own (uncentred
  // correlation of the two step series at least this): stripes fixed in the frame give steps unrelated
  // to the slices' (0.17 in the test), curtains on the face follow them even where the slices' track is
  // off (H 0.01/6: share 1.00, correlation 0.80; docs/validation.md, stop 21). 0: the share decides.
  double curtain_min_step_correlation = 0;
};

struct DriftPair {
  int64_t fixed = 0, moving = 0;  // slice indices, fixed < moving
  TranslationEstimate measured;   // moving's content relative to fixed's
  double weight = 1;              // final robust weight in [0, 1]; 0: rejected as an outlier
  // Tiles whose correlations gave `measured` (their median); 0: no tile of the pair is clear of large
  // flat regions, the pair holds no information and no weight (measured is 0, 0).
  int tiles_used = 0;
};

struct DriftTrack {
  std::vector<std::array<double, 2>> drift_px;  // [dy, dx] per slice: its content's position relative to the reference
  std::vector<DriftPair> pairs;
  std::vector<int64_t> unreliable_slices;  // every pair rejected: position interpolated from neighbours
  // No pair of these slices has a tile clear of large flat regions (a slice inside one particle): their
  // positions follow the random-walk prior, no step, where no pair ties them to the rest.
  std::vector<int64_t> featureless_slices;
  int64_t rejected_pairs = 0;
  double residual_rms_px = 0;  // of the accepted pairs, after the fit: the track's internal consistency
  // Curtains: the halves' agreement measured, whether the x positions were refitted with the column
  // profiles' pairs, and those pairs (measured.dx only; weight: final robust weight).
  double curtain_agreement = 0;
  double curtain_step_share = 0;
  double curtain_step_correlation = 0;  // uncentred correlation of the curtains' and the slices' lag-1 x steps  // rms(curtain steps - slices' steps) / rms(slices' steps), lag 1, along x
  bool curtains_used = false;
  std::vector<DriftPair> curtain_pairs;
};

// Throws InputError for an empty or non-finite stack, a region outside the slices or under 16 x 16
// pixels, a constant slice (naming it), bad lags or reference.
DriftTrack estimate_drift(VolumeView<const float> stack, const DriftTrackParams& params = {});

// Rows for a CSV of the track: slice, dy_px, dx_px, the lag-1 pair's measured step and peak, reliable.
std::vector<std::string> drift_track_csv_header();
std::vector<std::vector<std::string>> drift_track_csv_rows(const DriftTrack& track);

// A quick-look raster plot of the track (RGB, width x height, row-major): dy in blue and dx in red
// against the slice index, a grey zero line, unreliable slices marked by orange ticks at the bottom.
std::vector<uint8_t> drift_track_plot_rgb(const DriftTrack& track, int width, int height);

}  // namespace emorph
