// Slice label counts and fractions: brute-force twin on every axis, strided views, thread invariance,
// exact fractions of a synthetic volume, bad input.
#include <gtest/gtest.h>

#include <random>

#include "emorph/measure/fractions.hpp"
#include "emorph/parallel.hpp"
#include "support/threads.hpp"

using namespace emorph;

namespace {

Volume<uint8_t> random_labels(Shape s, int num_labels, uint64_t seed, int runs = 1) {
  std::mt19937_64 rng(seed);
  Volume<uint8_t> v(s);
  uint8_t cur = 0;
  for (int64_t i = 0; i < v.size(); ++i) {
    if (i % runs == 0) cur = static_cast<uint8_t>(rng() % static_cast<uint64_t>(num_labels));
    v.data()[i] = cur;
  }
  return v;
}

std::vector<int64_t> brute_counts(VolumeView<const uint8_t> v, int axis, int num_labels) {
  std::vector<int64_t> c(static_cast<std::size_t>(v.shape()[axis] * num_labels), 0);
  for (int64_t z = 0; z < v.nz(); ++z)
    for (int64_t y = 0; y < v.ny(); ++y)
      for (int64_t x = 0; x < v.nx(); ++x) {
        const int64_t s = axis == 0 ? z : axis == 1 ? y : x;
        ++c[static_cast<std::size_t>(s * num_labels + v(z, y, x))];
      }
  return c;
}

}  // namespace

TEST(Fractions, SliceCountsEqualBruteForceOnEveryAxis) {
  // Few labels (vectorised path), many labels (table path), long runs (dependency-prone case).
  for (int num_labels : {3, 8, 200}) {
    for (int runs : {1, 37}) {
      auto v = random_labels({11, 13, 70}, num_labels, 42 + num_labels, runs);
      v.data()[5] = static_cast<uint8_t>(num_labels - 1);  // make sure the max label is present
      for (int axis = 0; axis < 3; ++axis) {
        const auto c = slice_label_counts(v.view(), {axis});
        ASSERT_EQ(c.num_labels, num_labels);
        ASSERT_EQ(c.slices, v.shape()[axis]);
        EXPECT_EQ(c.counts, brute_counts(v.view(), axis, num_labels)) << "axis " << axis << " labels " << num_labels;
      }
    }
  }
}

TEST(Fractions, StridedViewEqualsCopy) {
  auto v = random_labels({10, 12, 14}, 5, 9);
  VolumeView<const uint8_t> strided(v.data() + 1, Shape{10, 12, 7}, Strides{12 * 14, 14, 2}, Spacing{}, 0);
  const auto copy = to_volume(strided);
  for (int axis = 0; axis < 3; ++axis)
    EXPECT_EQ(slice_label_counts(strided, {axis}).counts, slice_label_counts(copy.view(), {axis}).counts);
}

TEST(Fractions, ThreadCountDoesNotChangeTheResult) {
  auto v = random_labels({33, 41, 29}, 5, 3, 5);
  const int before = thread_count();
  for (int axis = 0; axis < 3; ++axis) {
    const auto one = test::on_threads(1, [&] { return slice_label_counts(v.view(), {axis}); });
    const auto many = test::on_threads(3, [&] { return slice_label_counts(v.view(), {axis}); });
    EXPECT_EQ(one.counts, many.counts);
  }
  set_threads(before);
}

TEST(Fractions, ExactFractionsOfAKnownVolume) {
  // 10 x 20 x 30 volume: label 1 in z < 3 (1800 voxels), label 3 in one column (10), rest pore.
  Volume<uint8_t> v = Volume<uint8_t>::filled({10, 20, 30}, {}, 0);
  for (int z = 0; z < 3; ++z)
    for (int y = 0; y < 20; ++y)
      for (int x = 0; x < 30; ++x) v(z, y, x) = 1;
  for (int z = 0; z < 10; ++z) v(z, 5, 5) = 3;
  const auto f = phase_fractions(v.view());
  ASSERT_EQ(f.voxels.size(), 4u);
  EXPECT_EQ(f.total, 6000);
  EXPECT_EQ(f.count(1), 1800 - 3);
  EXPECT_EQ(f.count(3), 10);
  EXPECT_EQ(f.count(2), 0);
  EXPECT_EQ(f.count(0), 6000 - 1797 - 10);
  EXPECT_DOUBLE_EQ(f.fraction(3), 10.0 / 6000.0);
  // Inside slices 3..9 only.
  const auto counts = slice_label_counts(v.view(), {0});
  const auto inner = phase_fractions(counts, 3, 9);
  EXPECT_EQ(inner.total, 7 * 600);
  EXPECT_EQ(inner.count(1), 0);
  EXPECT_EQ(inner.count(3), 7);
}

TEST(Fractions, BadInput) {
  Volume<uint8_t> v = Volume<uint8_t>::filled({2, 2, 2}, {}, 0);
  EXPECT_THROW(slice_label_counts(v.view(), {3}), InputError);
  EXPECT_THROW(slice_label_counts(v.view(), {-1}), InputError);
  const auto c = slice_label_counts(v.view(), {0});
  EXPECT_THROW(c.totals(1, 0), InputError);
  EXPECT_THROW(c.totals(0, 2), InputError);
}
