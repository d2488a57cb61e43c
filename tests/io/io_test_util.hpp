#pragma once
// Small helpers for the I/O tests: deterministic random volumes of every dtype, file bytes (read_text is in test_support).
#include <cstdint>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string>

#include "emorph/volume.hpp"
#include "support/test_support.hpp"  // read_text

namespace emorph::test {

// Random values over the dtype's whole range, with its extremes at the first two voxels.
template <class T>
Volume<T> random_volume(Shape shape, Spacing spacing, uint64_t seed) {
  Volume<T> v(shape, spacing);
  std::mt19937_64 rng(seed);
  for (auto& x : v) {
    if constexpr (std::is_floating_point_v<T>)
      x = static_cast<T>(std::uniform_real_distribution<double>(-1e6, 1e6)(rng));
    else
      x = static_cast<T>(std::uniform_int_distribution<int64_t>(std::numeric_limits<T>::min(),
                                                                 std::numeric_limits<T>::max())(rng));
  }
  v.data()[0] = std::numeric_limits<T>::lowest();
  if (v.size() > 1) v.data()[1] = std::numeric_limits<T>::max();
  return v;
}

inline std::string file_bytes_prefix(const std::string& path, std::size_t n) {
  std::ifstream f(path, std::ios::binary);
  std::string s(n, '\0');
  f.read(s.data(), static_cast<std::streamsize>(n));
  s.resize(static_cast<std::size_t>(f.gcount()));
  return s;
}

inline void put_file(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary);
  f << bytes;
}

}  // namespace emorph::test
