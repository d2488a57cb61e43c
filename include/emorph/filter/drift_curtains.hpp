#pragma once
// Drift along x from the curtains: FIB curtaining stripes run along y (the milling direction), belong to
// the milled face, so they move with the specimen, and they persist from slice to slice without the
// inclined faces' own motion that registering the structure picks up. Each slice's column profile (its
// mean over y) is phase-correlated with the profiles of the slices `lags` before it (dx only).
#include <cstdint>
#include <vector>

#include "emorph/filter/align.hpp"
#include "emorph/filter/drift_track.hpp"
#include "emorph/volume.hpp"

namespace emorph {

struct CurtainProfiles {
  int64_t nz = 0, nx = 0;
  std::vector<float> profile;  // nz x nx: each slice's profile (median_difference: nx - 1 used, the last 0)
  // Median over the slices of the correlation between the top and the bottom halves' column profiles,
  // differenced along x: stripes constant along y are what the two halves share, the structure and the
  // noise are not. About 0 without curtains; 0.19-0.50 on the simulator's stacks (issue 14 point 7).
  double half_agreement = 0;
};

// The column profiles of `roi` (any z range; rows and columns as registered).
CurtainProfiles curtain_profiles(VolumeView<const float> roi, CurtainProfileKind kind = CurtainProfileKind::column_mean);

// Pairs (z - lag, z) for each lag: measured.dx from the profiles' phase correlation (measured.dy 0),
// measured.peak its height, tiles_used 1. A constant profile pair is left out.
std::vector<DriftPair> curtain_pairs(const CurtainProfiles& profiles, const std::vector<int>& lags,
                                     const PhaseCorrelationParams& correlation);

}  // namespace emorph
