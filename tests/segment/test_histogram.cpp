#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "emorph/error.hpp"
#include "emorph/parallel.hpp"
#include "emorph/segment/histogram.hpp"
#include "support/uniform_volume.hpp"

using namespace emorph;


TEST(Histogram, Uint8OneBinPerValueMatchesCountingWithMask) {
  auto v = test::uniform_volume<uint8_t>({7, 9, 11}, 20, 200, 1);
  auto m = test::uniform_volume<uint8_t>({7, 9, 11}, 0, 1, 2);
  Histogram h = histogram<uint8_t>(v.view(), {}, m.view());
  int lo = 255, hi = 0;
  for (int64_t i = 0; i < v.size(); ++i)
    if (m.data()[i]) lo = std::min<int>(lo, v.data()[i]), hi = std::max<int>(hi, v.data()[i]);
  ASSERT_EQ(h.bins(), hi - lo + 1);
  EXPECT_EQ(h.center(0), lo);
  EXPECT_EQ(h.min_value, lo);
  EXPECT_EQ(h.max_value, hi);
  std::vector<int64_t> ref(h.bins(), 0);
  for (int64_t i = 0; i < v.size(); ++i)
    if (m.data()[i]) ref[v.data()[i] - lo]++;
  EXPECT_EQ(h.counts, ref);
}

TEST(Histogram, Uint16RebinnedEdgesAreHalfWayBetweenGreyValues) {
  auto v = test::uniform_volume<uint16_t>({5, 6, 7}, 1000, 1999, 3);  // span <= 1000 -> 256 bins of width span/256
  Histogram h = histogram<uint16_t>(v.view(), {});
  ASSERT_EQ(h.bins(), 256);
  std::vector<int64_t> ref(256, 0);
  for (auto x : v) ref[h.bin_of(x)]++;  // edges lower + i*w with lower = min - 0.5
  EXPECT_EQ(h.counts, ref);
  EXPECT_EQ(h.total(), v.size());
  EXPECT_DOUBLE_EQ(h.lower, h.min_value - 0.5);
  EXPECT_DOUBLE_EQ(h.bin_width, (h.max_value - h.min_value + 1) / 256.0);
}

TEST(Histogram, FloatRangeAndNaNAreExcluded) {
  Volume<float> v({1, 1, 6});
  const float vals[6] = {0.0f, 0.25f, 0.5f, 1.0f, NAN, 2.0f};
  std::copy(vals, vals + 6, v.begin());
  HistogramParams p;
  p.bins = 4;
  p.range_min = 0.0;
  p.range_max = 1.0;
  Histogram h = histogram<float>(v.view(), p);
  EXPECT_EQ(h.counts, (std::vector<int64_t>{1, 1, 1, 1}));  // 1.0 falls in the last, closed bin
  EXPECT_EQ(h.excluded, 2);
  EXPECT_DOUBLE_EQ(h.center(0), 0.125);
}

TEST(Histogram, StridedViewEqualsCopy) {
  auto v = test::uniform_volume<int16_t>({8, 8, 8}, -300, 300, 4);
  auto crop = v.view().crop({1, 7, 2, 5, 3, 8});
  VolumeView<const int16_t> ccrop = crop;
  auto copy = to_volume(ccrop);
  EXPECT_EQ(histogram<int16_t>(ccrop, {}).counts, histogram<int16_t>(copy.view(), {}).counts);
}

TEST(Histogram, OneAndManyThreadsIdentical) {
  Volume<float> v({16, 16, 16});
  std::mt19937_64 rng(5);
  std::normal_distribution<float> d(0.f, 1.f);
  for (auto& x : v) x = d(rng);
  auto u = test::uniform_volume<uint16_t>({16, 16, 16}, 0, 65535, 6);
  set_threads(1);
  auto hf1 = histogram<float>(v.view(), {}), hu1 = histogram<uint16_t>(u.view(), {});
  set_threads(4);
  auto hf4 = histogram<float>(v.view(), {}), hu4 = histogram<uint16_t>(u.view(), {});
  set_threads(0);
  EXPECT_EQ(hf1.counts, hf4.counts);
  EXPECT_EQ(hu1.counts, hu4.counts);
  EXPECT_EQ(hf1.total(), v.size());
}

TEST(Histogram, EmptyMaskAndBadParametersAreInputErrors) {
  auto v = test::uniform_volume<uint8_t>({4, 4, 4}, 0, 255, 7);
  auto empty = Volume<uint8_t>::filled({4, 4, 4}, {}, 0);
  EXPECT_THROW(histogram<uint8_t>(v.view(), {}, empty.view()), InputError);
  auto wrong = Volume<uint8_t>::filled({4, 4, 5}, {}, 1);
  EXPECT_THROW(histogram<uint8_t>(v.view(), {}, wrong.view()), InputError);
  HistogramParams p;
  p.bins = 1;
  EXPECT_THROW(histogram<uint8_t>(v.view(), p), InputError);
  HistogramParams r;
  r.range_min = 300;
  EXPECT_THROW(histogram<uint8_t>(v.view(), r), InputError);
}
