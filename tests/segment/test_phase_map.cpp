#include <gtest/gtest.h>

#include <random>

#include "emorph/error.hpp"
#include "emorph/parallel.hpp"
#include "emorph/segment/phase_map.hpp"

using namespace emorph;

TEST(PhaseMap, ClassesFollowValueAboveThresholdRuleAndTableLabels) {
  Volume<uint16_t> v({1, 1, 7});
  const uint16_t vals[7] = {0, 99, 100, 101, 199, 200, 201};
  std::copy(vals, vals + 7, v.begin());
  const auto labels = class_labels("pore,LFP,NMC", PhaseTable::default_table(), 3);
  EXPECT_EQ(labels, (std::vector<uint8_t>{0, 2, 1}));
  auto r = phase_map<uint16_t>(v.view(), {100, 200}, labels);
  // v > 100 -> class 1; v > 200 -> class 2 (a value equal to a threshold stays below it).
  EXPECT_EQ(std::vector<uint8_t>(r.labels.begin(), r.labels.end()), (std::vector<uint8_t>{0, 0, 0, 2, 2, 2, 1}));
  EXPECT_EQ(r.class_voxels, (std::vector<int64_t>{3, 3, 1}));
}

TEST(PhaseMap, MaskAndThreadsAndErrors) {
  Volume<float> v({9, 10, 11});
  Volume<uint8_t> m({9, 10, 11});
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<float> u(0, 1);
  for (auto& x : v) x = u(rng);
  for (auto& x : m) x = u(rng) < 0.5;
  set_threads(1);
  auto a = phase_map<float>(v.view(), {0.3f, 0.6f}, {0, 1, 2}, m.view(), 9);
  set_threads(4);
  auto b = phase_map<float>(v.view(), {0.3f, 0.6f}, {0, 1, 2}, m.view(), 9);
  set_threads(0);
  EXPECT_TRUE(std::equal(a.labels.begin(), a.labels.end(), b.labels.begin()));
  EXPECT_EQ(a.class_voxels, b.class_voxels);
  int64_t inside = 0;
  for (int64_t i = 0; i < v.size(); ++i) {
    if (!m.data()[i]) {
      EXPECT_EQ(a.labels.data()[i], 9);
      continue;
    }
    ++inside;
    const float x = v.data()[i];
    EXPECT_EQ(a.labels.data()[i], x > 0.6f ? 2 : (x > 0.3f ? 1 : 0));
  }
  EXPECT_EQ(a.class_voxels[0] + a.class_voxels[1] + a.class_voxels[2], inside);
  EXPECT_THROW(phase_map<float>(v.view(), {0.6f, 0.3f}, {0, 1, 2}), InputError);
  EXPECT_THROW(phase_map<float>(v.view(), {0.3f}, {0, 1, 2}), InputError);
  EXPECT_THROW(class_labels("pore,NMC", PhaseTable::default_table(), 3), InputError);
  EXPECT_THROW(class_labels("pore,Graphite", PhaseTable::default_table(), 2), InputError);
}
