#pragma once
// The default grey-volume route shared by `emorph segment`, `emorph analyze` and Python, chosen by
// measurement over the imaging-condition matrix of bench/bench_accuracy (docs/segmentation.md,
// "Default XCT route"): the partial-volume mixture threshold after a pre-filter chosen from the noise.
namespace emorph {

inline constexpr const char* kDefaultSegmentMethod = "mixture";
inline constexpr const char* kDefaultDenoise = "auto";  // auto | none | median:R | gaussian:S | bilateral:S,R

}  // namespace emorph
