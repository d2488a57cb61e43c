#pragma once
// Whether `analyze` reads its input volume as a label volume or as a grey volume to segment.
#include <string>
#include <vector>

#include "emorph/volume.hpp"

namespace emorph {

// `kind` is the config's input.kind: "labels", "grey" or "auto". With "auto" an integer volume (any
// width) holding at most 8 distinct values is a label volume (refused when a value lies outside 0..255)
// and any other volume is grey, except a float volume holding
// at most 8 distinct values: that is a label map stored as float (no reconstruction is that flat), and
// segmenting it would silently mix its phases, so it is refused (InputError naming `path` and
// input.kind). Returns true for a label volume.
bool is_label_input(const AnyVolume& volume, const std::string& kind, const std::string& path);

// A label volume holds a handful of phases; grey data thousands of levels.
inline constexpr int kMaxLabelValues = 8;
// The same decision from the volume's dtype and its distinct values, of which a scan may stop after
// kMaxLabelValues + 1 (e.g. a volume read by slabs).
bool is_label_input(DType dtype, const std::vector<double>& distinct, const std::string& kind, const std::string& path);

}  // namespace emorph
