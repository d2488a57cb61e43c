// Input kind of `analyze` (CONTRACT "analyze details"): label volume or grey volume, never a guess
// that silently segments a label map.
#include "emorph/report/input_kind.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include "emorph/error.hpp"

namespace emorph {
namespace {

constexpr int kMaxLabelValues = 8;  // a label volume holds a handful of phases; grey data thousands of levels

bool uint8_with_few_values(const Volume<uint8_t>& v) {
  std::array<bool, 256> seen{};
  for (uint8_t x : v) seen[x] = true;
  return std::count(seen.begin(), seen.end(), true) <= kMaxLabelValues;
}

// The distinct values of a volume, stopping as soon as there are more than kMaxLabelValues.
template <class T>
std::vector<T> few_values(const Volume<T>& v) {
  std::vector<T> values;
  for (T x : v) {
    if (std::find(values.begin(), values.end(), x) != values.end()) continue;
    values.push_back(x);
    if (static_cast<int>(values.size()) > kMaxLabelValues) break;
  }
  return values;
}

}  // namespace

bool is_label_input(const AnyVolume& volume, const std::string& kind, const std::string& path) {
  if (kind == "labels") return true;
  if (kind == "grey") return false;
  if (volume.holds<uint8_t>()) return uint8_with_few_values(volume.as<uint8_t>());
  if (volume.holds<float>()) {
    const auto values = few_values(volume.as<float>());
    if (static_cast<int>(values.size()) <= kMaxLabelValues)
      throw InputError(path + ": a float32 volume with only " + std::to_string(values.size()) +
                       " distinct values looks like a label map stored as float: convert it to integer "
                       "labels, or set [input] kind = \"grey\" in a --config to segment it");
    return false;
  }
  // Wider integers (uint16 / int16 / int32 ...): a few distinct values is a label map too; values outside
  // 0..255 cannot be uint8 labels, so the map is refused rather than segmented as grey.
  return volume.visit([&](const auto& v) {
    const auto values = few_values(v);
    if (static_cast<int>(values.size()) > kMaxLabelValues) return false;
    const bool fit = std::all_of(values.begin(), values.end(), [](auto x) { return static_cast<double>(x) >= 0 && static_cast<double>(x) <= 255; });
    if (!fit)
      throw InputError(path + ": an integer volume with only " + std::to_string(values.size()) +
                       " distinct values looks like a label map, but its values do not fit labels 0..255: "
                       "renumber its labels, or set [input] kind = \"grey\" in a --config to segment it");
    return true;
  });
}

}  // namespace emorph
