#pragma once
// Noise of a grey volume from neighbouring voxels: the median absolute difference of voxel pairs along
// x (along y where x has one voxel), scaled to a Gaussian sigma, 1.4826 * median / sqrt(2) (the MAD
// estimator, Donoho & Johnstone 1994, on first differences). Inside a phase a pair differs by the
// noise alone; pairs across a boundary are a minority and the median ignores them, so the estimate
// needs no segmentation and no histogram model. Used by the mixture methods to refuse an input whose
// contrast-to-noise is below a measured limit even where the pre-filter's histogram shows two peaks
// (pv_mixture.hpp, PvMixtureParams::min_input_cnr).
#include <cstdint>
#include <optional>
#include <type_traits>
#include <vector>

#include "emorph/volume.hpp"

namespace emorph {

struct NoiseEstimateParams {
  double gaussian_mad_scale = 1.4826;  // sigma of a Gaussian over its median absolute deviation
};

// Noise sigma in grey units; nullopt when the volume has no voxel pair (inside the mask, both voxels).
template <class T>
std::optional<double> estimate_noise_sigma(VolumeView<const T> v, VolumeView<const uint8_t> mask = {},
                                           const NoiseEstimateParams& params = {});

// The streamed route for 8/16-bit volumes: counts of each absolute difference, added slab by slab
// (pairs lie within a z slice, so slabs need no halo); noise_sigma_from_difference_counts of the whole
// volume's counts equals estimate_noise_sigma() of the volume (no mask).
template <class T>
  requires(std::is_integral_v<T> && sizeof(T) <= 2)
void accumulate_difference_counts(std::vector<int64_t>& counts, VolumeView<const T> v, VolumeView<const uint8_t> mask = {});
std::optional<double> noise_sigma_from_difference_counts(const std::vector<int64_t>& counts,
                                                         const NoiseEstimateParams& params = {});

}  // namespace emorph
