#pragma once
// Bright-phase volume fraction from the mean grey and pure-phase grey levels measured on voxels deep
// inside each phase (partial-volume fraction estimate; the PSF depth from a Gaussian re-blurring fit).
// Blur, noise and 8-bit rounding preserve the mean grey M, so the bright fraction is exactly
// (M - D) / (B - D) given the pure-phase greys D and B (with the simulator's own levels: within 0.04 vol%
// on bench_accuracy's cells). The histogram model's modes are pulled towards each other by the blurred
// boundaries (r2-4: no voxel of a radius-2..4 sphere reaches B); here D and B are the raw means of the
// voxels at least k = max(min_depth, depth_per_sigma x sigma) voxels from the other phase:
//   1. sigma: the PSF fitted by re-blurring the route's set (the pre-filtered image at the route's fraction)
//      and scaling it to the raw grey by least squares (grid `psf_sigmas`, on a central block);
//   2. depth map: the set of the raw grey smoothed by a Gaussian of depth_smoothing_sigma at the current
//      fraction (the median erases radius-2 particles; its set gives the wrong interiors there);
//   3. D, B: raw means of the deep voxels (exact Euclidean distance >= k, k not rounded up); f = (M - D) / (B - D); steps 2-3 `iterations` times, sigma
//      refitted once at the first estimate.
// Gate (truth-free): the fit's rms residual over the input noise above max_residual_ratio means a blur of
// two grey levels does not explain the grey (real nano-CT slices 7.4-8.7, phase contrast 1.99; the
// matrix 0.79-1.05): the estimate is withheld and the route keeps its own fraction. Measured on the
// matrix, the independent packings and the real slices: docs/validation.md "#14 stop 19" and "#14 stop 20".
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "emorph/volume.hpp"

namespace emorph {

struct DeepLevelFractionParams {
  std::vector<double> psf_sigmas = {0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0};  // voxels
  int64_t max_fit_block = 128;          // the PSF fit runs on the central block of at most this edge
  double depth_smoothing_sigma = 0.7;   // voxels: the Gaussian whose set gives the depth map
  int min_depth = 3;                    // voxels: deep = at least this far from the other phase ...
  double depth_per_sigma = 2.5;         // ... and at least this many PSF sigmas (blur tail < 1 %)
  int iterations = 3;
  double max_residual_ratio = 1.5;      // the gate (the same quantity and limit as reblur_surface.hpp's)
  int64_t min_deep_voxels = 100;        // fewer deep voxels in either phase: withheld
};

struct DeepLevelFraction {
  double route_fraction = 0;      // the bright fraction the route gave (the start)
  double fraction = 0;            // the estimate (equal to route_fraction when withheld)
  // [low, high]: envelope of the last two iterations and the levels re-measured one voxel deeper.
  std::array<double, 2> fraction_band{0, 0};
  double mean_grey = 0, dark_grey = 0, bright_grey = 0;  // M, D, B (raw grey)
  double psf_sigma_voxels = 0;
  double depth_voxels = 0;        // k (voxels, Euclidean; not rounded)
  int64_t deep_dark_voxels = 0, deep_bright_voxels = 0;
  double fit_residual_ratio = 0;  // rms(grey - fitted re-blurred set) / noise sigma, at the route's fraction
  std::vector<double> iteration_fractions;
  std::string withheld;           // why the estimate is not used ("": used)
  bool applied() const { return withheld.empty(); }
};

// A result withheld before any measurement (e.g. the streamed segment), with the route's fraction.
DeepLevelFraction withheld_deep_level_fraction(double route_fraction, const std::string& reason);

// `grey`: the raw input; `filtered`: the route's pre-filtered volume (same shape); `route_fraction`: the
// bright share of `filtered` the route's threshold gives; `noise_sigma`: the raw input's noise
// (noise_estimate.hpp); `mask` (optional, same shape): only voxels with mask != 0 count. Never throws
// on the input's content: a fit that cannot be trusted gives a withheld result saying why.
DeepLevelFraction deep_level_fraction(const AnyVolume& grey, const AnyVolume& filtered, double route_fraction,
                                      double noise_sigma, VolumeView<const uint8_t> mask = {},
                                      const DeepLevelFractionParams& params = {});

// The threshold t of `v` (inside the mask) whose bright share {v > t} is closest to `fraction` (ties of
// an integer volume kept whole: t sits halfway between two grey values present).
double threshold_holding_fraction(const AnyVolume& v, double fraction, VolumeView<const uint8_t> mask = {});

}  // namespace emorph
