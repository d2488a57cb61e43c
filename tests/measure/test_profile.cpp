// Profiles, bulk statistics and the electrode region: analytic slabs and gradients, anisotropic
// spacing, brute-force moving average, bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "emorph/measure/depleted_layer.hpp"
#include "emorph/measure/electrode_region.hpp"
#include "emorph/measure/profile.hpp"
#include "emorph/measure/profile_stats.hpp"

using namespace emorph;

TEST(Profile, SlabProfileIsExactOnEveryAxisWithAnisotropicSpacing) {
  // Label 1 fills index 2..4 along the axis, label 2 one line per slice: fractions known exactly.
  const Spacing s{0.5, 2.0, 0.25};
  for (int axis = 0; axis < 3; ++axis) {
    Volume<uint8_t> v = Volume<uint8_t>::filled({8, 9, 10}, s, 0);
    for (int z = 0; z < 8; ++z)
      for (int y = 0; y < 9; ++y)
        for (int x = 0; x < 10; ++x) {
          const int i = axis == 0 ? z : axis == 1 ? y : x;
          if (i >= 2 && i <= 4) v(z, y, x) = 1;
        }
    const auto p = fraction_profile(v.view(), {axis, 1});
    ASSERT_EQ(p.position_um.size(), static_cast<std::size_t>(v.shape()[axis]));
    for (std::size_t i = 0; i < p.position_um.size(); ++i) {
      EXPECT_DOUBLE_EQ(p.position_um[i], (i + 0.5) * s[axis]);
      EXPECT_DOUBLE_EQ(p.fraction[1][i], (i >= 2 && i <= 4) ? 1.0 : 0.0);
      EXPECT_DOUBLE_EQ(p.fraction[0][i] + p.fraction[1][i], 1.0);
    }
  }
}

TEST(Profile, MovingAverageEqualsBruteForce) {
  std::mt19937_64 rng(1);
  std::vector<double> v(23);
  for (double& x : v) x = static_cast<double>(rng() % 1000) / 1000.0;
  for (int w : {1, 3, 5, 9, 51}) {
    const auto m = moving_average(v, w);
    for (int i = 0; i < 23; ++i) {
      double sum = 0;
      int n = 0;
      for (int j = i - w / 2; j <= i + w / 2; ++j)
        if (j >= 0 && j < 23) sum += v[static_cast<std::size_t>(j)], ++n;
      EXPECT_NEAR(m[static_cast<std::size_t>(i)], sum / n, 1e-12);
    }
  }
  EXPECT_THROW(moving_average(v, 2), InputError);
  EXPECT_THROW(moving_average(v, 0), InputError);
}

TEST(ProfileStats, LinearGradientSlopeIsExact) {
  // Fraction 0.6 - 0.001 * position: slope exact, zero residual, so stderr 0 (up to rounding).
  std::vector<double> pos, f;
  for (int i = 0; i < 100; ++i) {
    pos.push_back((i + 0.5) * 0.7);
    f.push_back(0.6 - 0.001 * pos.back());
  }
  const auto s = profile_stats(pos, f, {0, 99});
  EXPECT_NEAR(s.slope_per_um, -0.001, 1e-12);
  EXPECT_NEAR(s.slope_stderr_per_um, 0.0, 1e-12);
  const double mean = 0.6 - 0.001 * (49.5 + 0.5) * 0.7;
  EXPECT_NEAR(s.mean_fraction, mean, 1e-12);
  EXPECT_NEAR(s.slope_relative_percent_per_um, 100 * -0.001 / mean, 1e-9);
  EXPECT_EQ(s.slices, 100);
}

TEST(ProfileStats, KnownSmallSample) {
  // y = 1, 3, 2, 4 at x = 0..3: slope 0.8, intercept 1.3, SSR = 1.8, Sxx = 5, stderr = sqrt(0.9/5).
  const auto fit = linear_fit({0, 1, 2, 3}, {1, 3, 2, 4});
  EXPECT_NEAR(fit.slope, 0.8, 1e-12);
  EXPECT_NEAR(fit.intercept, 1.3, 1e-12);
  EXPECT_NEAR(fit.slope_stderr, std::sqrt(0.9 / 5), 1e-12);
  EXPECT_NEAR(fit.r_squared, 1 - 1.8 / 5.0, 1e-12);
  const auto s = profile_stats({0, 1, 2, 3}, {1, 3, 2, 4}, {0, 3});
  EXPECT_NEAR(s.mean_fraction, 2.5, 1e-12);
  EXPECT_NEAR(s.rsd_percent, 100 * std::sqrt(5.0 / 3) / 2.5, 1e-9);
}

TEST(ProfileStats, BulkWindowSelectsSliceCentres) {
  std::vector<double> pos;
  for (int i = 0; i < 10; ++i) pos.push_back((i + 0.5) * 2.0);  // 1, 3, ..., 19
  const auto r = bulk_slices(pos, 3.0, 9.5);
  EXPECT_EQ(r.first, 1);
  EXPECT_EQ(r.last, 4);
  EXPECT_THROW(bulk_slices(pos, 3.2, 4.8), InputError);   // no centre inside
  EXPECT_THROW(bulk_slices(pos, 30, 40), InputError);
  EXPECT_THROW(bulk_slices(pos, 9, 3), InputError);
}

TEST(ProfileStats, ImposedVoxelGradientRecovered) {
  // A 60-slice volume whose label-1 fraction falls linearly by one voxel row per slice.
  const Spacing s{0.5, 1, 1};
  Volume<uint8_t> v = Volume<uint8_t>::filled({60, 100, 100}, s, 0);
  for (int z = 0; z < 60; ++z)
    for (int y = 0; y < 80 - z; ++y)
      for (int x = 0; x < 100; ++x) v(z, y, x) = 1;
  const auto p = fraction_profile(v.view(), {0, 1});
  const auto st = profile_stats(p.position_um, p.fraction[1], {0, 59});
  EXPECT_NEAR(st.slope_per_um, -0.01 / 0.5, 1e-12);  // 1% per slice of 0.5 um
}

namespace {

enum class Layer { collector, electrode, air };

// 60 x 20 x 20 voxels whose slices along z are collector (4), air (0) or electrode: NMC (1) with
// probability 6/10 from mt19937_64(seed), drawn voxel by voxel in z, y, x order, pore otherwise.
template <class LayerOf>
Volume<uint8_t> layers_along_z(Spacing spacing, uint64_t seed, LayerOf&& layer_of) {
  Volume<uint8_t> v = Volume<uint8_t>::filled({60, 20, 20}, spacing, 0);
  std::mt19937_64 rng(seed);
  for (int z = 0; z < 60; ++z)
    for (int y = 0; y < 20; ++y)
      for (int x = 0; x < 20; ++x) {
        if (layer_of(z) == Layer::collector) v(z, y, x) = 4;
        else if (layer_of(z) == Layer::electrode) v(z, y, x) = (rng() % 10) < 6 ? 1 : 0;
      }
  return v;
}

}  // namespace

TEST(ElectrodeRegion, CollectorAndSurfaceFound) {
  // Along z: 5 slices collector (4), 40 slices electrode (60% NMC), 15 slices of air (pore).
  const Spacing s{0.5, 1, 1};
  const auto v = layers_along_z(s, 2, [](int z) { return z < 5 ? Layer::collector : z < 45 ? Layer::electrode : Layer::air; });
  const auto counts = slice_label_counts(v.view(), {0});
  const auto r = electrode_region(counts, s.dz);
  EXPECT_EQ(r.collector_slices, 5);
  EXPECT_EQ(r.first_slice, 5);
  EXPECT_EQ(r.last_slice, 44);
  EXPECT_DOUBLE_EQ(r.start_um, 2.5);
  EXPECT_DOUBLE_EQ(r.thickness_um, 20.0);

  // Without a collector label the region starts at the first solid slice.
  ElectrodeRegionParams no_collector;
  no_collector.collector_label.reset();
  const auto r2 = electrode_region(counts, s.dz, no_collector);
  EXPECT_EQ(r2.collector_slices, 0);
  EXPECT_EQ(r2.first_slice, 0);  // collector voxels count as solid when not declared
  EXPECT_EQ(r2.last_slice, 44);
}

// A flipped sample: air (pore) at the start, the collector at the far end.
TEST(ElectrodeRegion, CollectorAtTheFarEnd) {
  const Spacing s{0.5, 1, 1};
  const auto v = layers_along_z(s, 3, [](int z) { return z >= 54 ? Layer::collector : z >= 10 ? Layer::electrode : Layer::air; });
  const auto r = electrode_region(slice_label_counts(v.view(), {0}), s.dz);
  EXPECT_EQ(r.collector_slices, 0);
  EXPECT_EQ(r.upper_collector_slices, 6);
  EXPECT_DOUBLE_EQ(r.collector_um, 3.0);
  EXPECT_EQ(r.first_slice, 10);
  EXPECT_EQ(r.last_slice, 53);
  EXPECT_DOUBLE_EQ(r.thickness_um, 22.0);
}

TEST(ElectrodeRegion, BadInput) {
  Volume<uint8_t> v = Volume<uint8_t>::filled({4, 2, 2}, {}, 0);
  const auto counts = slice_label_counts(v.view(), {0});
  EXPECT_THROW(electrode_region(counts, 1.0), InputError);  // no solid
  Volume<uint8_t> c = Volume<uint8_t>::filled({4, 2, 2}, {}, 4);
  EXPECT_THROW(electrode_region(slice_label_counts(c.view(), {0}), 1.0), InputError);  // all collector
  EXPECT_THROW(electrode_region(counts, 0.0), InputError);
}

TEST(DepletedLayer, RampThenPlateau) {
  // 0.5 um slices; the fraction rises linearly from 0 to 0.5 over the first 10 um of the region
  // (slices 4..23), then stays at 0.5: the 90% level is reached at 9 um (+- one slice and the
  // smoothing's half width of 1 um, which the linear ramp leaves unbiased).
  std::vector<double> f(100, 0.0);
  for (int i = 4; i < 100; ++i) f[static_cast<std::size_t>(i)] = std::min(0.5, 0.5 * (i - 4 + 0.5) * 0.5 / 10.0);
  const auto r = detect_depleted_layer(f, {4, 95}, 0.5);
  EXPECT_DOUBLE_EQ(r.bulk_fraction, 0.5);
  EXPECT_NEAR(r.thickness_um, 9.0, 0.5);
  // No layer: flat profile.
  std::vector<double> flat(50, 0.3);
  EXPECT_EQ(detect_depleted_layer(flat, {0, 49}, 0.5).thickness_um, 0.0);
  EXPECT_THROW(detect_depleted_layer(flat, {0, 2}, 0.5), InputError);
}
