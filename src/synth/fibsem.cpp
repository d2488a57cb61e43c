// FIB/SEM image formation slice by slice: BSE grey per phase; pores show the solid lying behind the
// section plane attenuated with depth (shine-through, Prill et al. 2013); curtaining as x-correlated
// stripes constant along y; random-walk drift; linear contrast decay along z and shading along y.
#include "emorph/synth/fibsem.hpp"

#include <algorithm>
#include <cmath>

#include "emorph/error.hpp"
#include "emorph/synth/imaging_params.hpp"
#include "random.hpp"

namespace emorph::synth {

namespace {

// Gaussian smoothing of a line in place (reflecting borders).
void smooth_line(std::vector<double>& v, double sigma, std::vector<double>& tmp) {
  if (sigma <= 0 || v.size() < 2) return;
  const int radius = std::max(1, static_cast<int>(3 * sigma + 0.5));
  std::vector<double> k(2 * radius + 1);
  double sum = 0;
  for (int i = -radius; i <= radius; ++i) sum += k[i + radius] = std::exp(-0.5 * i * i / (sigma * sigma));
  for (auto& w : k) w /= sum;
  const int64_t n = static_cast<int64_t>(v.size());
  tmp.assign(v.size(), 0.0);
  for (int64_t i = 0; i < n; ++i) {
    double acc = 0;
    for (int j = -radius; j <= radius; ++j) {
      int64_t t = i + j;
      t = t < 0 ? -t - 1 : t >= n ? 2 * n - t - 1 : t;
      acc += k[j + radius] * v[std::clamp<int64_t>(t, 0, n - 1)];
    }
    tmp[i] = acc;
  }
  v.swap(tmp);
}

}  // namespace

FibsemResult simulate_fibsem(VolumeView<const uint8_t> labels, const FibsemParams& p) {
  require(labels.size() > 0, "fibsem: empty label volume");
  for (double v : {p.shine_depth_um, p.shine_strength, p.curtain_amplitude, p.curtain_width_px, p.drift_step_px,
                   p.blur_px, p.noise_sigma})
    require(std::isfinite(v) && v >= 0, "fibsem: parameters must be finite and not negative");
  require(p.shine_strength <= 1, "fibsem: shine-through strength must be in [0, 1]");
  require(p.contrast_decay >= 0 && p.contrast_decay < 1, "fibsem: contrast decay must be in [0, 1)");
  require(std::fabs(p.shading) < 1, "fibsem: shading must be in (-1, 1)");
  const Shape s = labels.shape();
  const Spacing sp = labels.spacing();
  FibsemResult r;
  r.image = Volume<uint8_t>(s, sp);

  // Drift: a random walk of rounded steps, slice 0 at the origin.
  Rng drift_rng(stream_seed(p.seed, 201));
  r.drift_px.resize(s.nz);
  double dy = 0, dx = 0;
  for (int64_t z = 0; z < s.nz; ++z) {
    if (z > 0) dy += p.drift_step_px * drift_rng.normal(), dx += p.drift_step_px * drift_rng.normal();
    r.drift_px[z] = {static_cast<int>(std::lround(dy)), static_cast<int>(std::lround(dx))};
  }
  // Curtains: x-correlated stripes that change slowly from slice to slice (the milled face evolves).
  const uint64_t curtain_seed = stream_seed(p.seed, 202), noise_seed = stream_seed(p.seed, 203);
  const int64_t depth_px =
      p.shine_depth_um > 0 ? std::max<int64_t>(1, static_cast<int64_t>(std::ceil(4 * p.shine_depth_um / sp.dz))) : 0;
  const double mean_grey = 0.5 * (p.grey[0] + p.grey[1]);

#pragma omp parallel
  {
    std::vector<double> plane(static_cast<std::size_t>(s.ny * s.nx)), line, tmp, curtain(s.nx), next(s.nx);
#pragma omp for schedule(dynamic, 1)
    for (int64_t z = 0; z < s.nz; ++z) {
      // Section face with shine-through: a pore pixel shows the first solid behind it (+z), fading.
      for (int64_t y = 0; y < s.ny; ++y)
        for (int64_t x = 0; x < s.nx; ++x) {
          const uint8_t l = labels(z, y, x);
          double g = p.grey[std::min<int>(l, 4)];
          if (l == 0 && depth_px > 0) {
            for (int64_t d = 1; d <= depth_px && z + d < s.nz; ++d) {
              const uint8_t behind = labels(z + d, y, x);
              if (behind != 0) {
                g += p.shine_strength * (p.grey[std::min<int>(behind, 4)] - p.grey[0]) * std::exp(-d * sp.dz / p.shine_depth_um);
                break;
              }
            }
          }
          plane[y * s.nx + x] = g;
        }
      // Curtains: interpolate between stripe patterns drawn every 16 slices.
      if (p.curtain_amplitude > 0) {
        const int64_t k = z / 16;
        const double w = (z % 16) / 16.0;
        for (int64_t x = 0; x < s.nx; ++x) {
          curtain[x] = hash_normal(curtain_seed, static_cast<uint64_t>(k * s.nx + x));
          next[x] = hash_normal(curtain_seed, static_cast<uint64_t>((k + 1) * s.nx + x));
        }
        smooth_line(curtain, p.curtain_width_px, tmp);
        smooth_line(next, p.curtain_width_px, tmp);
        // Smoothing shrinks the variance: rescale so the amplitude is the stripes' standard deviation.
        const double gain = std::sqrt(2 * std::sqrt(3.14159265358979) * std::max(p.curtain_width_px, 0.5));
        for (int64_t x = 0; x < s.nx; ++x) {
          const double c = p.curtain_amplitude * gain * ((1 - w) * curtain[x] + w * next[x]);
          for (int64_t y = 0; y < s.ny; ++y) plane[y * s.nx + x] += c;
          if (z == 0) curtain[x] = c;
        }
        if (z == 0) {
          r.curtain_profile.resize(s.nx);
          for (int64_t x = 0; x < s.nx; ++x) r.curtain_profile[x] = static_cast<float>(curtain[x]);
        }
      }
      // Probe blur within the slice (separable).
      if (p.blur_px > 0) {
        line.resize(s.nx);
        for (int64_t y = 0; y < s.ny; ++y) {
          std::copy_n(&plane[y * s.nx], s.nx, line.begin());
          smooth_line(line, p.blur_px, tmp);
          std::copy_n(line.begin(), s.nx, &plane[y * s.nx]);
        }
        line.resize(s.ny);
        for (int64_t x = 0; x < s.nx; ++x) {
          for (int64_t y = 0; y < s.ny; ++y) line[y] = plane[y * s.nx + x];
          smooth_line(line, p.blur_px, tmp);
          for (int64_t y = 0; y < s.ny; ++y) plane[y * s.nx + x] = line[y];
        }
      }
      // Drift (content moves by +drift; edges repeat the border), then frame effects and noise.
      const int ddy = r.drift_px[z][0], ddx = r.drift_px[z][1];
      const double decay = 1.0 - p.contrast_decay * (s.nz > 1 ? static_cast<double>(z) / (s.nz - 1) : 0.0);
      for (int64_t y = 0; y < s.ny; ++y) {
        const int64_t sy = std::clamp<int64_t>(y - ddy, 0, s.ny - 1);
        const double shade = 1.0 + p.shading * ((s.ny > 1 ? static_cast<double>(y) / (s.ny - 1) : 0.5) - 0.5);
        uint8_t* out = &r.image(z, y, 0);
        for (int64_t x = 0; x < s.nx; ++x) {
          const int64_t sx = std::clamp<int64_t>(x - ddx, 0, s.nx - 1);
          double g = mean_grey + (plane[sy * s.nx + sx] - mean_grey) * decay;
          g *= shade;
          g += p.noise_sigma * hash_normal(noise_seed, static_cast<uint64_t>((z * s.ny + y) * s.nx + x));
          out[x] = static_cast<uint8_t>(std::clamp(std::round(g), 0.0, 255.0));
        }
      }
    }
  }
  Json drift = Json::array();
  for (const auto& d : r.drift_px) drift.push_back({d[0], d[1]});
  r.truth = params_json(p, fibsem_param_table());
  r.truth.update({{"modality", "fibsem"},
                  {"grey_of_phase", {{"pore", p.grey[0]}, {"NMC", p.grey[1]}, {"LFP", p.grey[2]}, {"CBD", p.grey[3]}, {"collector", p.grey[4]}}},
                  {"curtain_profile_slice0", r.curtain_profile},
                  {"drift_px", drift},
                  {"slice_axis", 0}});
  return r;
}

}  // namespace emorph::synth
