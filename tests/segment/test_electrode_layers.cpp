#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "emorph/segment/electrode_layers.hpp"

using namespace emorph;

namespace {

// Along z: `below` grey over [0, a), electrode (35% voxels at 200, the rest at 60) over [a, b), `above`
// grey over [b, nz); Gaussian noise of sd 6 everywhere. Pores of the electrode are at 60, like air.
Volume<uint8_t> three_layers(int64_t nz, int64_t a, int64_t b, double below, double above, uint64_t seed) {
  Volume<uint8_t> v({nz, 40, 40}, {0.5, 0.5, 0.5});
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0, 6);
  std::uniform_real_distribution<double> u(0, 1);
  for (int64_t z = 0; z < nz; ++z)
    for (int64_t y = 0; y < 40; ++y)
      for (int64_t x = 0; x < 40; ++x) {
        const double base = z < a ? below : (z < b ? (u(rng) < 0.35 ? 200 : 60) : above);
        v(z, y, x) = static_cast<uint8_t>(std::clamp(base + noise(rng), 0.0, 255.0));
      }
  return v;
}

}  // namespace

// A collector darker than the electrode's mean but far above its pores (aluminium under NMC) is the
// collector; a layer at the pores' grey (air, epoxy) is air. Sharp faces: boundaries within half a voxel.
TEST(ElectrodeLayers, CollectorBelowAirAbove) {
  const auto v = three_layers(60, 10, 50, 95, 62, 1);  // electrode mean 60 + 0.35 x 140 = 109
  const auto r = electrode_layers<uint8_t>(v.view());
  EXPECT_EQ(r.lower, EndLayer::collector);
  EXPECT_EQ(r.upper, EndLayer::air);
  EXPECT_NEAR(r.region.start_um, 5.0, 0.25);
  EXPECT_NEAR(r.region.end_um, 25.0, 0.25);
  EXPECT_NEAR(r.collector_um, 5.0, 0.25);
}

// Flipped sample (collector on top), brighter foil (copper), and mounting medium slightly above the pores.
TEST(ElectrodeLayers, CollectorOnTopMediumBelow) {
  const auto v = three_layers(60, 6, 44, 70, 240, 2);
  const auto r = electrode_layers<uint8_t>(v.view());
  EXPECT_EQ(r.lower, EndLayer::air);
  EXPECT_EQ(r.upper, EndLayer::collector);
  EXPECT_NEAR(r.collector_um, 8.0, 0.25);
  EXPECT_NEAR(r.region.thickness_um, 19.0, 0.5);
}

// No layer: the electrode fills the volume and nothing is classified.
TEST(ElectrodeLayers, ElectrodeOnlyHasNoLayers) {
  const auto v = three_layers(40, 0, 40, 0, 0, 3);
  const auto r = electrode_layers<uint8_t>(v.view());
  EXPECT_EQ(r.lower, EndLayer::none);
  EXPECT_EQ(r.upper, EndLayer::none);
  EXPECT_EQ(r.collector_um, 0);
}
