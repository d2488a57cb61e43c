#pragma once
// Pieces shared by the neighbourhood filters (median, Gaussian, bilateral): scipy.ndimage's 'reflect'
// edge rule and the list of voxel types every filter is instantiated for.
#include <cstdint>

namespace emorph::detail {

// scipy 'reflect' (d c b a | a b c d | d c b a): index i of a line of n samples mapped into [0, n),
// for any i (the pattern repeats with period 2n).
inline int64_t reflect(int64_t i, int64_t n) {
  if (n == 1) return 0;
  const int64_t period = 2 * n;
  i %= period;
  if (i < 0) i += period;
  return i < n ? i : period - 1 - i;
}

// scipy 'mirror' (d c b | a b c d | c b a): the edge sample is not repeated (period 2n - 2).
inline int64_t mirror(int64_t i, int64_t n) {
  if (n == 1) return 0;
  const int64_t period = 2 * n - 2;
  i %= period;
  if (i < 0) i += period;
  return i < n ? i : period - i;
}

// One of the two edge rules.
inline int64_t edge_index(int64_t i, int64_t n, bool mirrored) { return mirrored ? mirror(i, n) : reflect(i, n); }

}  // namespace emorph::detail

// Applies MACRO(T) to each voxel type of AnyVolume (explicit template instantiations).
#define EMORPH_FILTER_FOR_EACH_TYPE(MACRO) \
  MACRO(uint8_t) MACRO(int8_t) MACRO(uint16_t) MACRO(int16_t) MACRO(uint32_t) MACRO(int32_t) MACRO(float)
