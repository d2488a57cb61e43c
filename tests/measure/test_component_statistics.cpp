// component_statistics against a brute-force count: voxels, coordinate sums, boxes and border contact
// for any thread count, also when called inside a parallel region (where fewer threads run than
// omp_get_max_threads() says: per-thread partials sized by the latter were read out of bounds).
#include <gtest/gtest.h>

#include <omp.h>

#include <algorithm>
#include <limits>
#include <random>
#include <vector>

#include "emorph/error.hpp"
#include "emorph/measure/components.hpp"
#include "emorph/parallel.hpp"

namespace emorph {
namespace {

// Random labels 0..count with runs along x (so rows hold runs of one label, and a label appears in
// many slices far apart: every thread of a static schedule meets it).
Volume<uint32_t> random_labels(Shape s, uint32_t count, uint64_t seed) {
  Volume<uint32_t> v(s, {});
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<uint32_t> label(0, count);
  std::uniform_int_distribution<int> run(1, 6);
  for (int64_t i = 0; i < v.size();) {
    const uint32_t l = label(rng);
    for (int r = run(rng); r > 0 && i < v.size(); --r) v.data()[i++] = l;
  }
  return v;
}

ComponentStats brute_force(const Volume<uint32_t>& v, uint32_t count) {
  ComponentStats st;
  const std::size_t n = count + 1;
  st.voxels.assign(n, 0);
  st.sum.assign(n, {0, 0, 0});
  const int64_t big = std::numeric_limits<int64_t>::max();
  st.bbox.assign(n, {big, 0, big, 0, big, 0});
  st.touches_border.assign(n, 0);
  for (int64_t z = 0; z < v.nz(); ++z)
    for (int64_t y = 0; y < v.ny(); ++y)
      for (int64_t x = 0; x < v.nx(); ++x) {
        const uint32_t l = v(z, y, x);
        if (!l) continue;
        ++st.voxels[l];
        st.sum[l][0] += z, st.sum[l][1] += y, st.sum[l][2] += x;
        auto& b = st.bbox[l];
        b[0] = std::min(b[0], z), b[1] = std::max(b[1], z + 1), b[2] = std::min(b[2], y), b[3] = std::max(b[3], y + 1);
        b[4] = std::min(b[4], x), b[5] = std::max(b[5], x + 1);
        if (z == 0 || y == 0 || x == 0 || z == v.nz() - 1 || y == v.ny() - 1 || x == v.nx() - 1) st.touches_border[l] = 1;
      }
  for (std::size_t l = 1; l < n; ++l)
    if (!st.voxels[l]) st.bbox[l] = {0, 0, 0, 0, 0, 0};
  return st;
}

void expect_equal(const ComponentStats& a, const ComponentStats& b, const std::string& what) {
  EXPECT_EQ(a.voxels, b.voxels) << what;
  EXPECT_EQ(a.sum, b.sum) << what;
  EXPECT_EQ(a.bbox, b.bbox) << what;
  EXPECT_EQ(a.touches_border, b.touches_border) << what;
}

TEST(ComponentStatistics, EqualBruteForceForAnyThreadCount) {
  const uint32_t count = 300;  // labels 0..299 drawn: label 300 is absent (an empty box)
  const auto v = random_labels({23, 17, 29}, count - 1, 11);
  const auto truth = brute_force(v, count);
  for (int threads : {1, 2, 3, 7, 16}) {
    set_threads(threads);
    expect_equal(component_statistics(v.view(), count), truth, std::to_string(threads) + " threads");
  }
  set_threads(0);
}

TEST(ComponentStatistics, InsideAParallelRegionWithFewerThreadsThanTheMaximum) {
  const uint32_t count = 50;
  const auto v = random_labels({12, 14, 16}, count, 5);
  const auto truth = brute_force(v, count);
  set_threads(4);
  std::vector<ComponentStats> per_caller(2);
  // Nested regions run with one thread each while omp_get_max_threads() still says 4.
#pragma omp parallel num_threads(2)
  per_caller[static_cast<std::size_t>(omp_get_thread_num())] = component_statistics(v.view(), count);
  set_threads(0);
  for (const auto& st : per_caller) expect_equal(st, truth, "nested");
}

TEST(ComponentStatistics, StridedViewAndLabelsAboveTheCount) {
  const auto v = random_labels({10, 11, 24}, 40, 3);
  // Every second x: a view with stride 2 along x.
  const VolumeView<const uint32_t> strided(v.data(), Shape{10, 11, 12}, Strides{11 * 24, 24, 2}, Spacing{}, 0);
  Volume<uint32_t> copy({10, 11, 12}, {});
  for (int64_t z = 0; z < 10; ++z)
    for (int64_t y = 0; y < 11; ++y)
      for (int64_t x = 0; x < 12; ++x) copy(z, y, x) = v(z, y, 2 * x);
  expect_equal(component_statistics(strided, 40), brute_force(copy, 40), "strided");
  EXPECT_THROW(component_statistics(v.view(), 39), InputError);
}

}  // namespace
}  // namespace emorph
