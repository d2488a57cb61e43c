#pragma once
// The default grey-volume route shared by `emorph segment`, `emorph analyze` and Python: the two-peak
// intermodes threshold after a 3x3x3 median. The mixture route (pv_mixture.hpp) wins on the two-grey
// sphere packings of bench/bench_accuracy but loses on real nano-CT slices and on multi-level matrices
// such as preset F, whose NMC slope it reverses (docs/segmentation.md, "Default XCT route").
namespace emorph {

inline constexpr const char* kDefaultSegmentMethod = "intermodes";
inline constexpr const char* kDefaultDenoise = "median:1";  // auto | none | median:R | gaussian:S | bilateral:S,R

}  // namespace emorph
