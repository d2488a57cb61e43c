#pragma once
// The default grey-volume route shared by `emorph segment`, `emorph analyze` and Python: Otsu's
// threshold after a 3x3x3 median, never above the model's posterior crossing, kept only where the
// partial-volume histogram model finds two separable phases and the input's contrast-to-noise (noise
// from neighbouring voxels) is at least 1.8 (else exit 2), with the model's band, then moved to restore the bright volume the
// median removed (the larger of the mean grey it lost over the pure-phase grey step and the share the
// median, repeated, removes at the threshold; filter_volume_correction.hpp); where a blur of two grey
// levels explains the grey (fit residual <= 1.5 x the noise), the threshold instead holds the fraction
// of the mean grey between the pure greys of deep voxels (deep_level_fraction.hpp).
// Chosen by measurement over bench_accuracy, the real nano-CT slices and preset F (docs/segmentation.md,
// "Default XCT route"): plain Otsu after the median loses 1.0-1.7 vol% on blurred convex particles; the
// model's own threshold wins on two-grey packings but loses on the real slices and preset F; intermodes
// loses everywhere and refuses a real slice.
namespace emorph {

inline constexpr const char* kDefaultSegmentMethod = "mixture:otsu-volume";
inline constexpr const char* kDefaultDenoise = "median:1";  // auto | none | median:R | gaussian:S | bilateral:S,R

}  // namespace emorph
