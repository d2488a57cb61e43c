// Lossless conversion of integer label volumes to uint8 (values checked before anything is copied).
#include "emorph/measure/label_volume.hpp"

#include <type_traits>

namespace emorph {

Volume<uint8_t> to_label_volume(AnyVolume&& volume, const std::string& what) {
  if (volume.holds<uint8_t>()) return std::move(volume.as<uint8_t>());
  return volume.visit([&](auto& v) -> Volume<uint8_t> {
    using T = typename std::decay_t<decltype(v)>::value_type;
    if constexpr (std::is_floating_point_v<T>) {
      throw InputError(what + ": a label volume must hold integers, got " + dtype_name(dtype_of<T>));
    } else {
      const int64_t n = v.size();
      const T* src = v.data();
      bool fits = true;
#pragma omp parallel for reduction(&& : fits) schedule(static)
      for (int64_t i = 0; i < n; ++i) fits = fits && src[i] >= 0 && src[i] <= 255;
      require(fits, what + ": label values must lie in 0..255 (dtype " + dtype_name(dtype_of<T>) + ")");
      Volume<uint8_t> out(v.shape(), v.spacing(), v.thickness_axis());
#pragma omp parallel for schedule(static)
      for (int64_t i = 0; i < n; ++i) out.data()[i] = static_cast<uint8_t>(src[i]);
      return out;
    }
  });
}

}  // namespace emorph
