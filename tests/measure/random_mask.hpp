#pragma once
// A seeded random mask: each voxel is `value` with probability p, else 0 (one Bernoulli draw per voxel in
// raster order, so a seed always gives the same mask).
#include <cstdint>
#include <random>

#include "emorph/volume.hpp"

namespace emorph::test {

inline Volume<uint8_t> random_mask(Shape s, double p, uint64_t seed, Spacing sp = {}, uint8_t value = 1) {
  std::mt19937_64 rng(seed);
  std::bernoulli_distribution on(p);
  auto m = Volume<uint8_t>::filled(s, sp, 0);
  for (auto& v : m) v = on(rng) ? value : 0;
  return m;
}

}  // namespace emorph::test
