// The shared passes of the granulometry by ball openings (Coeurjolly & Montanvert 2007): codes, radii,
// the distribution's bookkeeping and the vectorised row kernels (opening_passes.hpp).
#include "opening_passes.hpp"

#include <string>

#include "emorph/error.hpp"

namespace emorph::opening {

int64_t reach(double w, double threshold) {
  auto d = static_cast<int64_t>(std::floor(std::sqrt(threshold / w)));
  while (w * static_cast<double>(d + 1) * static_cast<double>(d + 1) <= threshold) ++d;
  while (d > 0 && w * static_cast<double>(d) * static_cast<double>(d) > threshold) --d;
  return d;
}

Code code_of(float v, bool& unbounded) {
  if (!(v > 0)) return 0;
  if (std::isinf(v)) {
    unbounded = true;
    return static_cast<Code>(kLargestCode);
  }
  // Largest i with v > i^2 (1 + margin), the same comparison as the fitting test.
  auto i = static_cast<int64_t>(std::sqrt(static_cast<double>(v) / (1.0 + kMargin)));
  while (static_cast<double>(v) > squared_threshold(i + 1)) ++i;
  while (i > 0 && !(static_cast<double>(v) > squared_threshold(i))) --i;
  return static_cast<Code>(std::min<int64_t>(i + 1, kLargestCode));
}

Code code_row(const float* d, Code* code, int64_t n, CodeTally& tally) {
  Code top = 0;
  for (int64_t x = 0; x < n; ++x) {
    bool infinite = false;
    code[x] = code_of(d[x], infinite);
    tally.phase_voxels += code[x] != 0;
    tally.unbounded = tally.unbounded || infinite;
    if (code[x] != 0 && !infinite) tally.largest = std::max(tally.largest, d[x]);
    top = std::max(top, code[x]);
  }
  return top;
}

Steps opening_steps(const Spacing& s, const GranulometryParams& params) {
  for (int a = 0; a < 3; ++a)
    require(std::isfinite(s[a]) && s[a] > 0, "granulometry: voxel size must be positive and finite");
  const double step = params.step_um.value_or(std::min({s.dz, s.dy, s.dx}));
  require(std::isfinite(step) && step > 0, "granulometry: --step must be positive (um)");
  if (params.max_radius_um)
    require(std::isfinite(*params.max_radius_um) && *params.max_radius_um > 0,
            "granulometry: --max-radius must be positive (um)");
  return {step, Spacing{(s.dz / step) * (s.dz / step), (s.dy / step) * (s.dy / step), (s.dx / step) * (s.dx / step)}};
}

int64_t last_radius_index(const GranulometryParams& params, double step, float largest, bool unbounded) {
  require(!unbounded || params.max_radius_um.has_value(),
          "granulometry: the phase fills the whole volume, so no opening ever empties it; give --max-radius");
  // Beyond this radius no ball fits anywhere (finite distances) and every later opening is empty.
  const int64_t last = params.max_radius_um
                           ? static_cast<int64_t>(std::floor(*params.max_radius_um / step + 1e-9))
                           : static_cast<int64_t>(std::ceil(std::sqrt(static_cast<double>(largest)))) + 1;
  require(last >= 1, "granulometry: --max-radius is smaller than one radius step (" + std::to_string(step) + " um)");
  require(last < kLargestCode, "granulometry: --max-radius / --step asks for more than " +
                                   std::to_string(kLargestCode - 1) + " radii; use a larger --step");
  return last;
}

void add_opening(GranulometryResult& r, double radius_um, int64_t kept) {
  const int64_t previous = r.opening_voxels.empty() ? r.phase_voxels : r.opening_voxels.back();
  const auto phase = static_cast<double>(r.phase_voxels);
  r.radius_um.push_back(radius_um);
  r.opening_voxels.push_back(kept);
  r.volume_fraction_removed.push_back(static_cast<double>(previous - kept) / phase);
  r.cumulative_fraction.push_back(1.0 - static_cast<double>(kept) / phase);
}

void set_d50(GranulometryResult& r) {
  double prev_radius = 0, prev_cum = 0;
  for (std::size_t i = 0; i < r.radius_um.size(); ++i) {
    const double cum = r.cumulative_fraction[i];
    if (cum >= 0.5) {
      const double t = cum > prev_cum ? (0.5 - prev_cum) / (cum - prev_cum) : 1.0;
      r.d50_um = 2.0 * (prev_radius + t * (r.radius_um[i] - prev_radius));
      return;
    }
    prev_radius = r.radius_um[i];
    prev_cum = cum;
  }
}

__attribute__((target_clones("avx2", "default"))) void add_row(float* __restrict acc, const float* __restrict src,
                                                               float c, int64_t n) {
  for (int64_t x = 0; x < n; ++x) acc[x] = src[x] + c;
}
__attribute__((target_clones("avx2", "default"))) void add_row(uint16_t* __restrict acc,
                                                               const uint16_t* __restrict src, uint16_t c,
                                                               int64_t n) {
  for (int64_t x = 0; x < n; ++x) acc[x] = static_cast<uint16_t>(src[x] + c);
}
__attribute__((target_clones("avx2", "default"))) void min_plus_row(float* __restrict acc, const float* __restrict src,
                                                                    float c, int64_t n) {
  for (int64_t x = 0; x < n; ++x) {
    const float v = src[x] + c;
    acc[x] = v < acc[x] ? v : acc[x];
  }
}
__attribute__((target_clones("avx2", "default"))) void min_plus_row(uint16_t* __restrict acc,
                                                                    const uint16_t* __restrict src, uint16_t c,
                                                                    int64_t n) {
  for (int64_t x = 0; x < n; ++x) {
    const auto v = static_cast<uint16_t>(src[x] + c);
    acc[x] = v < acc[x] ? v : acc[x];
  }
}

}  // namespace emorph::opening
