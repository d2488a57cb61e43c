#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "emorph/error.hpp"
#include "emorph/filter/median.hpp"
#include "emorph/parallel.hpp"
#include "support/uniform_volume.hpp"

using namespace emorph;

namespace {

int64_t reflect_ref(int64_t i, int64_t n) {  // scipy 'reflect', by repeated folding
  while (i < 0 || i >= n) i = i < 0 ? -i - 1 : 2 * n - 1 - i;
  return i;
}

// Brute force: gather the reflected window, nth_element.
template <class T>
Volume<T> median_reference(const Volume<T>& in, int r) {
  Volume<T> out(in.shape());
  std::vector<T> w;
  for (int64_t z = 0; z < in.nz(); ++z)
    for (int64_t y = 0; y < in.ny(); ++y)
      for (int64_t x = 0; x < in.nx(); ++x) {
        w.clear();
        for (int dz = -r; dz <= r; ++dz)
          for (int dy = -r; dy <= r; ++dy)
            for (int dx = -r; dx <= r; ++dx)
              w.push_back(in(reflect_ref(z + dz, in.nz()), reflect_ref(y + dy, in.ny()), reflect_ref(x + dx, in.nx())));
        std::nth_element(w.begin(), w.begin() + w.size() / 2, w.end());
        out(z, y, x) = w[w.size() / 2];
      }
  return out;
}


template <class T>
void expect_equal(const Volume<T>& a, const Volume<T>& b) {
  ASSERT_EQ(a.shape(), b.shape());
  EXPECT_TRUE(std::equal(a.begin(), a.end(), b.begin()));
}

}  // namespace

TEST(MedianNetwork, SelectsTheMedianOfRandomInputs) {
  std::mt19937_64 rng(1);
  for (int n : {27, 125}) {
    auto net = median_network(n);
    EXPECT_LT(net.ops.size(), n == 27 ? 191u : 1471u);  // pruned below the full Batcher network
    for (int trial = 0; trial < 2000; ++trial) {
      std::vector<int> v(n);
      std::uniform_int_distribution<int> d(0, trial % 2 ? 1 : 20);  // 0-1 inputs and many duplicates
      for (auto& x : v) x = d(rng);
      auto sorted = v;
      std::sort(sorted.begin(), sorted.end());
      for (const auto& op : net.ops) {
        const int lo = std::min(v[op.lo], v[op.hi]), hi = std::max(v[op.lo], v[op.hi]);
        if (op.kind != 2) v[op.lo] = lo;
        if (op.kind != 1) v[op.hi] = hi;
      }
      ASSERT_EQ(v[net.output], sorted[n / 2]) << "n=" << n << " trial " << trial;
    }
  }
}

TEST(Median, EqualsBruteForceForEachDtypeAndRadius) {
  // nx = 300 spans two x blocks of the implementation; odd sizes exercise the reflected edges.
  auto u8 = test::uniform_volume<uint8_t>({5, 7, 300}, 0, 255, 2);
  expect_equal(median_filter<uint8_t>(u8.view(), {1}), median_reference(u8, 1));
  auto u16 = test::uniform_volume<uint16_t>({6, 5, 33}, 0, 65535, 3);
  expect_equal(median_filter<uint16_t>(u16.view(), {1}), median_reference(u16, 1));
  expect_equal(median_filter<uint16_t>(u16.view(), {2}), median_reference(u16, 2));
  auto i16 = test::uniform_volume<int16_t>({4, 9, 10}, -1000, 1000, 4);
  expect_equal(median_filter<int16_t>(i16.view(), {2}), median_reference(i16, 2));
  Volume<float> f({5, 6, 7});
  std::mt19937_64 rng(5);
  std::normal_distribution<float> n01;
  for (auto& x : f) x = n01(rng);
  expect_equal(median_filter<float>(f.view(), {1}), median_reference(f, 1));
}

TEST(Median, TinyVolumesReflectLikeScipy) {
  auto one = test::uniform_volume<uint8_t>({1, 1, 1}, 0, 255, 6);
  EXPECT_EQ(median_filter<uint8_t>(one.view(), {2})(0, 0, 0), one(0, 0, 0));
  auto thin = test::uniform_volume<uint8_t>({1, 2, 3}, 0, 255, 7);
  expect_equal(median_filter<uint8_t>(thin.view(), {2}), median_reference(thin, 2));
}

TEST(Median, StridedViewAndThreadCountsGiveIdenticalResults) {
  auto v = test::uniform_volume<uint16_t>({12, 13, 40}, 0, 4000, 8);
  auto crop = VolumeView<const uint16_t>(v.view()).crop({1, 11, 2, 12, 3, 37});
  auto copy = to_volume(crop);
  set_threads(1);
  auto one = median_filter<uint16_t>(copy.view(), {1});
  set_threads(3);
  auto many = median_filter<uint16_t>(copy.view(), {1});
  auto strided = median_filter<uint16_t>(crop, {1});
  set_threads(0);
  expect_equal(one, many);
  expect_equal(one, strided);
}

TEST(Median, RemovesSaltNoiseFromAFlatVolume) {
  auto v = Volume<uint8_t>::filled({8, 8, 8}, {}, 100);
  v(4, 4, 4) = 255;
  v(2, 3, 5) = 0;
  auto m = median_filter<uint8_t>(v.view(), {1});
  EXPECT_TRUE(std::all_of(m.begin(), m.end(), [](uint8_t x) { return x == 100; }));
}

TEST(Median, BadRadiusIsAnInputError) {
  auto v = test::uniform_volume<uint8_t>({3, 3, 3}, 0, 9, 9);
  EXPECT_THROW(median_filter<uint8_t>(v.view(), {0}), InputError);
  EXPECT_THROW(median_filter<uint8_t>(v.view(), {3}), InputError);
}
