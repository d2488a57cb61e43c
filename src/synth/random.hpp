#pragma once
// Portable random numbers for the generator: std::mt19937_64 bits turned into doubles by our own code
// (the standard distributions differ between libraries), and a counter-based hash (splitmix64) so that
// per-voxel noise depends only on (seed, voxel index), never on the thread that computes it.
#include <cmath>
#include <cstdint>
#include <random>

namespace emorph::synth {

inline uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// Uniform in [0, 1) from the hash of (seed, index).
inline double hash_uniform(uint64_t seed, uint64_t index) {
  return static_cast<double>(splitmix64(seed + index * 0xD1B54A32D192ED03ull) >> 11) * 0x1.0p-53;
}

// Approximately standard normal from one hash: the sum of four 16-bit uniforms (Irwin-Hall), rescaled
// to unit variance; tails end at +-3.46 sigma, which image noise does not need.
inline double hash_normal(uint64_t seed, uint64_t index) {
  const uint64_t h = splitmix64(seed + index * 0xD1B54A32D192ED03ull);
  const double sum = static_cast<double>((h & 0xFFFF) + ((h >> 16) & 0xFFFF) + ((h >> 32) & 0xFFFF) + (h >> 48));
  return (sum / 65536.0 - 2.0) * 1.7320508075688772;
}

class Rng {
 public:
  explicit Rng(uint64_t seed) : gen_(splitmix64(seed)) {}
  double uniform() { return static_cast<double>(gen_() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  double normal() {  // Box-Muller, one value per call (keeps the stream simple)
    const double u1 = 1.0 - uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  uint64_t bits() { return gen_(); }

 private:
  std::mt19937_64 gen_;
};

// Sub-stream seeds so that each stage draws from its own sequence.
inline uint64_t stream_seed(uint64_t seed, uint64_t stage) { return splitmix64(seed * 0x100000001B3ull + stage); }

}  // namespace emorph::synth
