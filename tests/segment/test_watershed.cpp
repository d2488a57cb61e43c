#include <gtest/gtest.h>

#include <map>
#include <random>
#include <tuple>

#include "emorph/measure/components.hpp"
#include "emorph/segment/watershed.hpp"

namespace emorph {
namespace {

// Naive twin: an ordered set of (value, age, index) standing in for the priority queue.
Volume<uint32_t> reference_flood(const Volume<float>& relief, const Volume<uint32_t>& markers, const Volume<uint8_t>* mask,
                                 int connectivity) {
  const auto offs = neighbour_offsets(connectivity, false, "test");
  auto out = Volume<uint32_t>::filled(relief.shape(), {}, 0);
  std::map<std::tuple<float, uint64_t>, std::array<int64_t, 3>> open;
  uint64_t age = 0;
  for (int64_t z = 0; z < relief.nz(); ++z)
    for (int64_t y = 0; y < relief.ny(); ++y)
      for (int64_t x = 0; x < relief.nx(); ++x)
        if (markers(z, y, x) && (!mask || (*mask)(z, y, x))) {
          out(z, y, x) = markers(z, y, x);
          open[{relief(z, y, x), age++}] = {z, y, x};
        }
  while (!open.empty()) {
    const auto [z, y, x] = open.begin()->second;
    open.erase(open.begin());
    for (const auto& d : offs) {
      const int64_t a = z + d[0], b = y + d[1], c = x + d[2];
      if (a < 0 || b < 0 || c < 0 || a >= relief.nz() || b >= relief.ny() || c >= relief.nx()) continue;
      if (out(a, b, c) || (mask && !(*mask)(a, b, c))) continue;
      out(a, b, c) = out(z, y, x);
      open[{relief(a, b, c), age++}] = {a, b, c};
    }
  }
  return out;
}

struct Case {
  Volume<float> relief;
  Volume<uint16_t> levels;
  Volume<uint32_t> markers;
  Volume<uint8_t> mask;
};

Case random_case(Shape s, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> level(0, 20);
  std::bernoulli_distribution marker(0.01), in_mask(0.85);
  Case c{Volume<float>(s), Volume<uint16_t>(s), Volume<uint32_t>(s), Volume<uint8_t>(s)};
  uint32_t next = 0;
  for (int64_t i = 0; i < s.voxels(); ++i) {
    c.levels.data()[i] = static_cast<uint16_t>(level(rng));
    c.relief.data()[i] = c.levels.data()[i];
    c.markers.data()[i] = marker(rng) ? ++next : 0;
    c.mask.data()[i] = in_mask(rng);
  }
  return c;
}

TEST(Watershed, EqualsNaiveFloodWithAndWithoutMask) {
  for (int conn : {6, 26})
    for (uint64_t seed = 1; seed <= 3; ++seed) {
      const Case c = random_case({9, 11, 13}, seed);
      const auto got = watershed(c.relief.view(), c.markers.view(), c.mask.view(), {conn});
      const auto ref = reference_flood(c.relief, c.markers, &c.mask, conn);
      for (int64_t i = 0; i < got.size(); ++i) ASSERT_EQ(got.data()[i], ref.data()[i]);
      const auto all = watershed(c.relief.view(), c.markers.view(), VolumeView<const uint8_t>(), {conn});
      const auto ref_all = reference_flood(c.relief, c.markers, nullptr, conn);
      for (int64_t i = 0; i < got.size(); ++i) ASSERT_EQ(all.data()[i], ref_all.data()[i]);
    }
}

TEST(Watershed, BucketQueueEqualsPriorityQueueOnIntegerRelief) {
  for (int conn : {6, 18, 26})
    for (uint64_t seed = 4; seed <= 6; ++seed) {
      const Case c = random_case({10, 12, 14}, seed);
      const auto heap = watershed(c.relief.view(), c.markers.view(), c.mask.view(), {conn});
      auto labels = c.markers.clone();
      watershed_levels_inplace(c.levels.view(), c.mask.view(), labels.view(), {conn});
      for (int64_t i = 0; i < heap.size(); ++i) ASSERT_EQ(heap.data()[i], labels.data()[i]);
    }
}

TEST(Watershed, TwoBasinsSplitAtTheRidge) {
  // Relief rising towards x = 10 from both ends: each marker takes its own side.
  Volume<float> relief(Shape{3, 3, 21});
  auto markers = Volume<uint32_t>::filled(relief.shape(), {}, 0);
  for (int64_t z = 0; z < 3; ++z)
    for (int64_t y = 0; y < 3; ++y)
      for (int64_t x = 0; x < 21; ++x) relief(z, y, x) = float(10 - std::abs(x - 10));
  markers(1, 1, 0) = 5;
  markers(1, 1, 20) = 9;
  const auto r = watershed(relief.view(), markers.view(), {});
  for (int64_t x = 0; x < 10; ++x) EXPECT_EQ(r(0, 2, x), 5u);
  for (int64_t x = 11; x < 21; ++x) EXPECT_EQ(r(2, 0, x), 9u);
}

TEST(Watershed, ShapeMismatchIsInputError) {
  Volume<float> relief(Shape{3, 3, 3});
  Volume<uint32_t> markers(Shape{3, 3, 4});
  EXPECT_THROW(watershed(relief.view(), markers.view(), {}), InputError);
  Volume<uint32_t> ok = Volume<uint32_t>::filled({3, 3, 3}, {}, 0);
  EXPECT_THROW(watershed(relief.view(), ok.view(), {}, {5}), InputError);
}

}  // namespace
}  // namespace emorph
