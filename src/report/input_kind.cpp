// Input kind of `analyze` (CONTRACT "analyze details"): label volume or grey volume, never a guess
// that silently segments a label map.
#include "emorph/report/input_kind.hpp"

#include <algorithm>
#include <array>
#include <type_traits>
#include <vector>

#include "emorph/error.hpp"

namespace emorph {
namespace {

// The distinct values of a volume, stopping as soon as there are more than kMaxLabelValues.
template <class T>
std::vector<double> few_values(const Volume<T>& v) {
  std::vector<double> values;
  if constexpr (std::is_same_v<T, uint8_t>) {
    std::array<bool, 256> seen{};
    for (uint8_t x : v) seen[x] = true;
    for (int x = 0; x < 256; ++x)
      if (seen[static_cast<std::size_t>(x)]) values.push_back(x);
    return values;
  }
  for (T x : v) {
    if (std::find(values.begin(), values.end(), static_cast<double>(x)) != values.end()) continue;
    values.push_back(static_cast<double>(x));
    if (static_cast<int>(values.size()) > kMaxLabelValues) break;
  }
  return values;
}

}  // namespace

bool is_label_input(const AnyVolume& volume, const std::string& kind, const std::string& path) {
  if (kind == "labels") return true;
  if (kind == "grey") return false;
  return is_label_input(volume.dtype(), volume.visit([](const auto& v) { return few_values(v); }), kind, path);
}

bool is_label_input(DType dtype, const std::vector<double>& values, const std::string& kind, const std::string& path) {
  if (kind == "labels") return true;
  if (kind == "grey") return false;
  const bool few = static_cast<int>(values.size()) <= kMaxLabelValues;
  if (dtype == DType::u8) return few;
  if (dtype == DType::f32) {
    if (few)
      throw InputError(path + ": a float32 volume with only " + std::to_string(values.size()) +
                       " distinct values looks like a label map stored as float: convert it to integer "
                       "labels, or set [input] kind = \"grey\" in a --config to segment it");
    return false;
  }
  // Wider integers (uint16 / int16 / int32 ...): a few distinct values is a label map too; values outside
  // 0..255 cannot be uint8 labels, so the map is refused rather than segmented as grey.
  if (!few) return false;
  const bool fit = std::all_of(values.begin(), values.end(), [](double x) { return x >= 0 && x <= 255; });
  if (!fit)
    throw InputError(path + ": an integer volume with only " + std::to_string(values.size()) +
                     " distinct values looks like a label map, but its values do not fit labels 0..255: "
                     "renumber its labels, or set [input] kind = \"grey\" in a --config to segment it");
  return true;
}

}  // namespace emorph
