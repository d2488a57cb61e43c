#pragma once
// FIB/SEM serial-sectioning simulator: each z slice of a label volume becomes a BSE-like image of the
// section plane, with shine-through in pores, vertical curtaining stripes, x-y drift between slices,
// contrast decay along z, shading along y and noise. The drift and stripes are returned as truth.
#include <array>
#include <cstdint>
#include <vector>

#include "emorph/result.hpp"
#include "emorph/volume.hpp"

namespace emorph::synth {

struct FibsemParams {
  std::array<double, 5> grey{25, 200, 140, 75, 170};  // BSE grey of pore, NMC, LFP, CBD, collector
  double shine_depth_um = 0.08;    // attenuation length of the solid seen through pores (0 = none)
  double shine_strength = 0.7;     // share of the solid's contrast seen just behind the section
  double curtain_amplitude = 10.0; // grey units, standard deviation of the stripes (0 = none)
  double curtain_width_px = 3.0;   // correlation length of the stripes across x
  double drift_step_px = 0.6;      // standard deviation of the per-slice drift step (0 = none)
  double contrast_decay = 0.15;    // relative contrast lost from the first to the last slice
  double shading = 0.2;            // relative brightness change from top to bottom of the image (y)
  double blur_px = 0.7;            // in-plane probe blur (Gaussian sigma, pixels)
  double noise_sigma = 8.0;        // grey units
  uint64_t seed = 1;
};

struct FibsemResult {
  Volume<uint8_t> image;
  std::vector<std::array<int, 2>> drift_px;  // per slice [dy, dx]: position of the content vs slice 0
  std::vector<float> curtain_profile;        // stripe offset along x of slice 0 (grey units)
  Json truth;
};

FibsemResult simulate_fibsem(VolumeView<const uint8_t> labels, const FibsemParams& params);

}  // namespace emorph::synth
