#pragma once
// Seeded synthetic FIB/SEM stacks with known artefacts, for the preprocessing tests and benchmark:
// overlapping spheres of three solid phases (BSE-like grey levels: NMC bright, LFP mid, CBD dark, pore
// darkest) rendered slice by slice with anti-aliased edges, then a random-walk drift, a shading along
// y, a contrast change along z, vertical curtaining stripes and Gaussian noise, each recorded.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <vector>

#include "emorph/volume.hpp"

namespace emorph::test {

struct SyntheticFibsemParams {
  int64_t nz = 64, ny = 128, nx = 128;
  uint64_t seed = 1;
  double max_drift_px = 0;        // the random walk is scaled so that its largest |dy| or |dx| is this
  double particle_radius_px = 9;  // mean NMC radius; LFP and CBD are smaller
  double noise_sigma = 4;         // grey levels
  double stripe_amplitude = 0;    // grey levels; 0: no curtaining
  int stripe_count = 0;           // 0: one stripe per 8 columns
  double stripe_width_px = 1.5;   // mean Gaussian sigma across a stripe (0.5x..1.5x)
  double partial_stripe_fraction = 0.25;  // stripes starting partway down (at a feature) rather than at the top
  // Stripes drawn on the specimen's face, so they drift with the content along x (the FIB curtains of the
  // emorph simulator); false: fixed in the frame.
  bool stripes_drift = false;
  double shading_amplitude = 0;   // relative: gain 1 - a*t + 0.5*a*t^2 over t in [-1, 1] along y
  double contrast_drift = 0;      // relative gain loss from the first to the last slice
  double z_elongation = 1;        // particles are this many times longer along z (slower change between slices)
  // Rows at the top (in the reference frame) showing the protective layer with milled fiducial marks:
  // the same in every slice, so registering on them is free of the structure's change along z.
  int64_t fiducial_rows = 0;
  // Non-empty (nz entries, [dy, dx]): this drift instead of the random walk (max_drift_px is then ignored).
  std::vector<std::array<double, 2>> drift_path = {};
};

struct SyntheticFibsem {
  Volume<float> stack;            // everything
  Volume<float> without_stripes;  // everything but the stripes
  Volume<uint8_t> labels;         // phase of each imaged pixel (0 pore, 1 NMC, 2 LFP, 3 CBD), drifted like the stack
  std::vector<std::array<double, 2>> drift;  // true [dy, dx] of each slice's content, slice 0 at [0, 0]
  std::vector<double> shading;    // true gain per row
  std::vector<double> gain;       // true contrast gain per slice
};

inline constexpr float kSyntheticGrey[4] = {30.0f, 200.0f, 130.0f, 80.0f};

inline SyntheticFibsem make_synthetic_fibsem(const SyntheticFibsemParams& p) {
  std::mt19937_64 rng(p.seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::normal_distribution<double> normal(0.0, 1.0);
  SyntheticFibsem s;

  s.drift.assign(static_cast<std::size_t>(p.nz), {0.0, 0.0});
  double max_drift_px = p.max_drift_px;
  if (!p.drift_path.empty()) {
    s.drift = p.drift_path;
    s.drift.resize(static_cast<std::size_t>(p.nz), p.drift_path.back());
    max_drift_px = 0;
    for (const auto& d : s.drift) max_drift_px = std::max({max_drift_px, std::abs(d[0]), std::abs(d[1])});
  } else if (p.max_drift_px > 0) {
    double largest = 0;
    for (int64_t z = 1; z < p.nz; ++z) {
      s.drift[z] = {s.drift[z - 1][0] + normal(rng), s.drift[z - 1][1] + normal(rng)};
      largest = std::max({largest, std::abs(s.drift[z][0]), std::abs(s.drift[z][1])});
    }
    if (largest > 0)
      for (auto& d : s.drift) d = {d[0] * p.max_drift_px / largest, d[1] * p.max_drift_px / largest};
  }

  struct Sphere {
    double z, y, x, r;
    uint8_t phase;
  };
  std::vector<Sphere> spheres;
  const double margin = max_drift_px + 2 * p.particle_radius_px;
  const double world = (p.nz + 2 * p.particle_radius_px * p.z_elongation) / p.z_elongation * (p.ny + 2 * margin) *
                       (p.nx + 2 * margin);
  // Painted in this order, later phases on top: CBD, LFP, NMC, with target fractions before overlap.
  const struct { uint8_t phase; double fraction, radius; } kinds[] = {
      {3, 0.10, 0.30 * p.particle_radius_px}, {2, 0.15, 0.45 * p.particle_radius_px}, {1, 0.35, p.particle_radius_px}};
  for (const auto& k : kinds) {
    const auto count = static_cast<int64_t>(k.fraction * world / (4.0 / 3.0 * std::numbers::pi * std::pow(k.radius, 3)));
    for (int64_t i = 0; i < count; ++i) {
      Sphere sp;
      const double reach = p.particle_radius_px * p.z_elongation;
      sp.z = -reach + unit(rng) * (p.nz + 2 * reach);
      sp.y = -margin + unit(rng) * (p.ny + 2 * margin);
      sp.x = -margin + unit(rng) * (p.nx + 2 * margin);
      sp.r = k.radius * (0.6 + 0.8 * unit(rng));
      sp.phase = k.phase;
      spheres.push_back(sp);
    }
  }

  s.shading.resize(static_cast<std::size_t>(p.ny));
  for (int64_t y = 0; y < p.ny; ++y) {
    const double t = p.ny > 1 ? 2.0 * y / (p.ny - 1) - 1.0 : 0.0;
    s.shading[y] = 1.0 - p.shading_amplitude * t + 0.5 * p.shading_amplitude * t * t;
  }
  s.gain.resize(static_cast<std::size_t>(p.nz));
  for (int64_t z = 0; z < p.nz; ++z) s.gain[z] = 1.0 - p.contrast_drift * (p.nz > 1 ? double(z) / (p.nz - 1) : 0.0);

  // Curtains: stationary vertical stripes from the top or from a feature partway down.
  struct Stripe {
    double x, width, amplitude, y0;
  };
  std::vector<Stripe> stripes;
  if (p.stripe_amplitude > 0) {
    const int count = p.stripe_count > 0 ? p.stripe_count : static_cast<int>(std::max<int64_t>(1, p.nx / 8));
    for (int i = 0; i < count; ++i)
      stripes.push_back({unit(rng) * p.nx, p.stripe_width_px * (0.5 + unit(rng)),
                         p.stripe_amplitude * (0.5 + 0.5 * unit(rng)) * (unit(rng) < 0.5 ? -1 : 1),
                         unit(rng) < p.partial_stripe_fraction ? unit(rng) * 0.5 * p.ny : 0.0});
  }

  // Fiducials: dark milled dots at random positions in a bright layer (no periodic ambiguity).
  struct Dot {
    double y, x, r;
  };
  std::vector<Dot> dots;
  if (p.fiducial_rows > 0) {
    const double area = (p.fiducial_rows + margin) * (p.nx + 2 * margin);
    for (int64_t i = 0; i < static_cast<int64_t>(area / 150); ++i)
      dots.push_back({-margin + unit(rng) * (p.fiducial_rows + margin), -margin + unit(rng) * (p.nx + 2 * margin),
                      1.5 + 2.0 * unit(rng)});
  }

  std::vector<float> stripe_field(static_cast<std::size_t>(p.ny * p.nx), 0.0f);
  for (const Stripe& st : stripes)
    for (int64_t x = std::max<int64_t>(0, static_cast<int64_t>(st.x - 4 * st.width));
         x <= std::min<int64_t>(p.nx - 1, static_cast<int64_t>(st.x + 4 * st.width)); ++x) {
      const double across = (x - st.x) / st.width;
      for (int64_t y = static_cast<int64_t>(std::ceil(st.y0)); y < p.ny; ++y)
        stripe_field[y * p.nx + x] +=
            static_cast<float>(st.amplitude * std::exp(-0.5 * across * across) * std::min(1.0, (y - st.y0 + 1) / 4.0));
    }

  const Shape shape{p.nz, p.ny, p.nx};
  s.stack = Volume<float>(shape);
  s.without_stripes = Volume<float>(shape);
  s.labels = Volume<uint8_t>(shape);
#pragma omp parallel for schedule(dynamic)
  for (int64_t z = 0; z < p.nz; ++z) {
    std::vector<float> grey(static_cast<std::size_t>(p.ny * p.nx), kSyntheticGrey[0]);
    std::vector<uint8_t> label(static_cast<std::size_t>(p.ny * p.nx), 0);
    const double dy = s.drift[z][0], dx = s.drift[z][1];
    for (const Sphere& sp : spheres) {
      const double h = (z - sp.z) / p.z_elongation;
      if (std::abs(h) >= sp.r) continue;
      const double rz = std::sqrt(sp.r * sp.r - h * h);
      const double cy = sp.y + dy, cx = sp.x + dx;
      const int64_t y0 = std::max<int64_t>(0, static_cast<int64_t>(std::floor(cy - rz - 1)));
      const int64_t y1 = std::min<int64_t>(p.ny - 1, static_cast<int64_t>(std::ceil(cy + rz + 1)));
      const int64_t x0 = std::max<int64_t>(0, static_cast<int64_t>(std::floor(cx - rz - 1)));
      const int64_t x1 = std::min<int64_t>(p.nx - 1, static_cast<int64_t>(std::ceil(cx + rz + 1)));
      for (int64_t y = y0; y <= y1; ++y)
        for (int64_t x = x0; x <= x1; ++x) {
          const double coverage = std::clamp(rz - std::hypot(y - cy, x - cx) + 0.5, 0.0, 1.0);
          if (coverage <= 0) continue;
          float& g = grey[y * p.nx + x];
          g = static_cast<float>(g * (1 - coverage) + kSyntheticGrey[sp.phase] * coverage);
          if (coverage >= 0.5) label[y * p.nx + x] = sp.phase;
        }
    }
    for (int64_t y = 0; y < p.ny; ++y) {
      const double wy = y - dy;  // reference-frame row
      if (wy >= p.fiducial_rows + 0.5) continue;
      const double layer = std::clamp(p.fiducial_rows + 0.5 - wy, 0.0, 1.0);
      for (int64_t x = 0; x < p.nx; ++x) {
        const double wx = x - dx;
        double mark = 0;
        for (const Dot& d : dots)
          if (std::abs(wy - d.y) < d.r + 1 && std::abs(wx - d.x) < d.r + 1)
            mark = std::max(mark, std::clamp(d.r - std::hypot(wy - d.y, wx - d.x) + 0.5, 0.0, 1.0));
        const double fiducial = 230.0 - 170.0 * mark;
        float& g = grey[y * p.nx + x];
        g = static_cast<float>(g * (1 - layer) + fiducial * layer);
        if (layer >= 0.5) label[y * p.nx + x] = 0;
      }
    }
    std::mt19937_64 noise_rng(p.seed * 1000003u + static_cast<uint64_t>(z));
    std::normal_distribution<double> noise(0.0, p.noise_sigma);
    const double amplitude_jitter = 0.8 + 0.4 * std::uniform_real_distribution<double>(0, 1)(noise_rng);
    for (int64_t y = 0; y < p.ny; ++y)
      for (int64_t x = 0; x < p.nx; ++x) {
        double field = stripe_field[y * p.nx + x];
        if (p.stripes_drift) {  // the frame's column x shows the face's column x - dx (linear between columns)
          const double fx = std::clamp(x - dx, 0.0, double(p.nx - 1));
          const int64_t x0 = std::min<int64_t>(static_cast<int64_t>(fx), p.nx - 2);
          field = (x0 + 1 - fx) * stripe_field[y * p.nx + x0] + (fx - x0) * stripe_field[y * p.nx + x0 + 1];
        }
        const double stripe = amplitude_jitter * field;
        const double base = grey[y * p.nx + x] * s.shading[y] * s.gain[z] + (p.noise_sigma > 0 ? noise(noise_rng) : 0.0);
        s.without_stripes(z, y, x) = static_cast<float>(base);
        s.stack(z, y, x) = static_cast<float>(base + stripe);
        s.labels(z, y, x) = label[y * p.nx + x];
      }
  }
  return s;
}

// Root mean square of |measured - true| over the slices, both taken relative to slice 0.
inline double drift_rms_error(const std::vector<std::array<double, 2>>& measured,
                              const std::vector<std::array<double, 2>>& truth) {
  double sum = 0;
  for (std::size_t z = 0; z < truth.size(); ++z) {
    const double ey = (measured[z][0] - measured[0][0]) - (truth[z][0] - truth[0][0]);
    const double ex = (measured[z][1] - measured[0][1]) - (truth[z][1] - truth[0][1]);
    sum += ey * ey + ex * ex;
  }
  return std::sqrt(sum / static_cast<double>(truth.size()));
}

// Quality measures of a corrected stack against the truth.

inline Volume<float> difference(const Volume<float>& a, const Volume<float>& b) {
  Volume<float> d(a.shape());
  for (int64_t i = 0; i < a.size(); ++i) d.data()[i] = a.data()[i] - b.data()[i];
  return d;
}

// Mean gradient magnitude (central differences) on the pixels where the true phase changes.
inline double edge_gradient(const Volume<float>& v, const Volume<uint8_t>& labels) {
  double sum = 0;
  int64_t n = 0;
  for (int64_t z = 0; z < v.nz(); ++z)
    for (int64_t y = 1; y + 1 < v.ny(); ++y)
      for (int64_t x = 1; x + 1 < v.nx(); ++x) {
        if (labels(z, y, x) == labels(z, y, x + 1) && labels(z, y, x) == labels(z, y + 1, x)) continue;
        sum += std::hypot(0.5 * (v(z, y, x + 1) - v(z, y, x - 1)), 0.5 * (v(z, y + 1, x) - v(z, y - 1, x)));
        ++n;
      }
  return sum / static_cast<double>(n);
}

// Largest relative deviation from their mean of the per-band mean grey of phase `phase` (bands of 8
// rows from row y_from; bands with at most min_voxels pixels of the phase are left out).
inline double phase_variation_along_y(const Volume<float>& v, const Volume<uint8_t>& labels, uint8_t phase,
                                      int64_t y_from = 0, int64_t min_voxels = 200) {
  std::vector<double> bands;
  for (int64_t y0 = y_from; y0 + 8 <= v.ny(); y0 += 8) {
    double s = 0;
    int64_t n = 0;
    for (int64_t z = 0; z < v.nz(); ++z)
      for (int64_t y = y0; y < y0 + 8; ++y)
        for (int64_t x = 0; x < v.nx(); ++x)
          if (labels(z, y, x) == phase) s += v(z, y, x), ++n;
    if (n > min_voxels) bands.push_back(s / static_cast<double>(n));
  }
  double mean = 0, worst = 0;
  for (double b : bands) mean += b / static_cast<double>(bands.size());
  for (double b : bands) worst = std::max(worst, std::abs(b / mean - 1));
  return worst;
}

}  // namespace emorph::test
