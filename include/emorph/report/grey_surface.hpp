#pragma once
// The specific surface of a grey input's bright phase corrected for the imaging's loss (issue 14):
// the re-imaging correction (segment/reblur_surface.hpp) measured after analyze's two-class
// segmentation, and written next to the labels' own surface as
// results.surface.phases.<bright>.grey_corrected (CONTRACT.md).
#include <optional>
#include <string>

#include "emorph/result.hpp"
#include "emorph/segment/reblur_surface.hpp"
#include "emorph/segment/segment.hpp"

namespace emorph {

struct GreySurfaceCorrection {
  std::string phase;  // the bright class's phase name
  ReblurSurface correction;
};

// nullopt unless `seg` is a two-class segmentation of `grey` with a histogram model and a noise estimate
// (fibsem and label inputs have none). `params` are the segmentation's (its pre-filter is re-applied).
std::optional<GreySurfaceCorrection> grey_surface_correction(const AnyVolume& grey, const SegmentResult& seg,
                                                             const SegmentParams& params);

// Adds `grey_corrected` {specific_surface_per_um, specific_surface_band_per_um, method, psf_sigma_voxels,
// noise_sigma, factor, factor_band} to the corrected phase of `surface_results` (emorph surface's JSON).
void add_grey_corrected_surface(Json& surface_results, const std::optional<GreySurfaceCorrection>& correction);

}  // namespace emorph
