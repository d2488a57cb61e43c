#pragma once
// A seeded volume of integers drawn uniformly from [lo, hi], one draw per voxel in raster order.
#include <cstdint>
#include <random>

#include "emorph/volume.hpp"

namespace emorph::test {

template <class T>
Volume<T> uniform_volume(Shape s, int64_t lo, int64_t hi, uint64_t seed) {
  Volume<T> v(s);
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int64_t> d(lo, hi);
  for (auto& x : v) x = static_cast<T>(d(rng));
  return v;
}

}  // namespace emorph::test
