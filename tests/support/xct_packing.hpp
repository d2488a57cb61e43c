#pragma once
// Sphere packings imaged by the XCT simulator, the ground truth of the grey-route tests (the label
// volume the image was made from): test_pv_mixture.cpp, test_deep_level_fraction.cpp.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "emorph/synth/xct.hpp"
#include "emorph/volume.hpp"

namespace emorph::test {

// Non-overlapping spheres (1-voxel gaps) with radii uniform in [rmin, rmax] until `fraction` is filled;
// `overlapping`: centres only 0.7 of the radii sum apart (as bench_accuracy once its box is jammed), for
// fractions above what separate spheres reach.
inline Volume<uint8_t> spheres(int n, double rmin, double rmax, double fraction, uint64_t seed, bool overlapping = false) {
  Volume<uint8_t> v(Shape{n, n, n}, Spacing{1, 1, 1});
  std::fill(v.data(), v.data() + v.size(), uint8_t{0});
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<std::array<double, 4>> placed;
  int64_t filled = 0;
  for (int tries = 0; tries < 20000 && filled < fraction * double(v.size()); ++tries) {
    const double r = rmin + (rmax - rmin) * u(rng), z = u(rng) * n, y = u(rng) * n, x = u(rng) * n;
    bool free = true;
    for (const auto& s : placed)
      free = free && std::hypot(z - s[0], y - s[1], x - s[2]) >= (overlapping ? 0.7 * (r + s[3]) : r + s[3] + 1);
    if (!free) continue;
    placed.push_back({z, y, x, r});
    for (int zz = std::max(0, int(z - r)); zz <= std::min(n - 1, int(z + r) + 1); ++zz)
      for (int yy = std::max(0, int(y - r)); yy <= std::min(n - 1, int(y + r) + 1); ++yy)
        for (int xx = std::max(0, int(x - r)); xx <= std::min(n - 1, int(x + r) + 1); ++xx)
          if ((zz - z) * (zz - z) + (yy - y) * (yy - y) + (xx - x) * (xx - x) <= r * r && !v(zz, yy, xx))
            v(zz, yy, xx) = 1, ++filled;
  }
  return v;
}

// Matrix 0.3 against NMC 1.0 (as bench_accuracy), `cnr` = contrast / noise sigma, grey window holding
// 4 sigma beyond each phase; `phase_contrast`: edge fringes (synth::XctParams::phase_contrast).
inline AnyVolume image(const Volume<uint8_t>& truth, double psf, double cnr, int bits = 16, uint64_t seed = 1,
                       double phase_contrast = 0) {
  synth::XctParams p;
  p.attenuation = {0.3, 1.0, 0.3, 0.3, 0.3};
  p.psf_sigma_um = psf;
  p.noise_sigma = 0.7 / cnr;
  p.window_low = 0.3 - 4 * p.noise_sigma;
  p.window_high = 1.0 + 4 * p.noise_sigma;
  p.bits = bits;
  p.seed = seed;
  p.phase_contrast = phase_contrast;
  return synth::simulate_xct(truth.view(), p).image;
}

}  // namespace emorph::test
