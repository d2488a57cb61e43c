#include <gtest/gtest.h>

#include <deque>
#include <random>

#include "emorph/measure/components.hpp"
#include "emorph/parallel.hpp"
#include "random_mask.hpp"
#include "support/threads.hpp"

namespace emorph {
namespace {

using test::random_mask;

// Reference: breadth-first flood from each unlabelled foreground voxel in raster order.
Volume<uint32_t> bfs_labels(const Volume<uint8_t>& m, int connectivity, uint32_t& count) {
  const auto offs = neighbour_offsets(connectivity, false, "test");
  auto out = Volume<uint32_t>::filled(m.shape(), {}, 0);
  count = 0;
  for (int64_t z = 0; z < m.nz(); ++z)
    for (int64_t y = 0; y < m.ny(); ++y)
      for (int64_t x = 0; x < m.nx(); ++x) {
        if (!m(z, y, x) || out(z, y, x)) continue;
        ++count;
        std::deque<std::array<int64_t, 3>> q{{z, y, x}};
        out(z, y, x) = count;
        while (!q.empty()) {
          auto [a, b, c] = q.front();
          q.pop_front();
          for (auto& d : offs) {
            const int64_t aa = a + d[0], bb = b + d[1], cc = c + d[2];
            if (aa < 0 || bb < 0 || cc < 0 || aa >= m.nz() || bb >= m.ny() || cc >= m.nx()) continue;
            if (!m(aa, bb, cc) || out(aa, bb, cc)) continue;
            out(aa, bb, cc) = count;
            q.push_back({aa, bb, cc});
          }
        }
      }
  return out;
}

TEST(Components, EqualBreadthFirstReferenceFor6_18_26) {
  for (int conn : {6, 18, 26})
    for (uint64_t seed = 1; seed <= 4; ++seed)
      for (double p : {0.2, 0.35, 0.6}) {
        const auto m = random_mask({13, 17, 19}, p, seed);
        uint32_t ref_count = 0;
        const auto ref = bfs_labels(m, conn, ref_count);
        for (int threads : {1, 3}) {
          set_threads(threads);
          const auto r = label_components(m.view(), {conn});
          ASSERT_EQ(r.count, ref_count) << conn << " " << seed << " " << p;
          for (int64_t i = 0; i < m.size(); ++i) ASSERT_EQ(r.labels.data()[i], ref.data()[i]);
        }
        set_threads(0);
      }
}

TEST(Components, SlabBordersMergeOnTallVolumes) {
  // A helix-like chain crossing many slabs must stay one component.
  Volume<uint8_t> m = Volume<uint8_t>::filled({64, 5, 5}, {}, 0);
  for (int64_t z = 0; z < 64; ++z) m(z, (z / 3) % 5, (z / 7) % 5) = 1;
  set_threads(8);
  const auto r26 = label_components(m.view(), {26});
  set_threads(0);
  uint32_t ref_count = 0;
  const auto ref = bfs_labels(m, 26, ref_count);
  EXPECT_EQ(r26.count, ref_count);
  for (int64_t i = 0; i < m.size(); ++i) ASSERT_EQ(r26.labels.data()[i], ref.data()[i]);
}

TEST(Components, StatisticsMatchDirectCount) {
  const auto m = random_mask({20, 21, 22}, 0.3, 7);
  const auto r = label_components(m.view(), {6});
  const auto a = test::on_threads(1, [&] { return component_statistics(r.labels.view(), r.count); });
  const auto b = test::on_threads(4, [&] { return component_statistics(r.labels.view(), r.count); });
  EXPECT_EQ(a.voxels, b.voxels);
  EXPECT_EQ(a.sum, b.sum);
  EXPECT_EQ(a.bbox, b.bbox);
  EXPECT_EQ(a.touches_border, b.touches_border);
  std::vector<int64_t> count(r.count + 1, 0);
  std::vector<uint8_t> border(r.count + 1, 0);
  for (int64_t z = 0; z < m.nz(); ++z)
    for (int64_t y = 0; y < m.ny(); ++y)
      for (int64_t x = 0; x < m.nx(); ++x) {
        const uint32_t l = r.labels(z, y, x);
        count[l]++;
        if (l && (z == 0 || y == 0 || x == 0 || z == m.nz() - 1 || y == m.ny() - 1 || x == m.nx() - 1)) border[l] = 1;
      }
  for (uint32_t l = 1; l <= r.count; ++l) {
    EXPECT_EQ(a.voxels[l], count[l]);
    EXPECT_EQ(a.touches_border[l], border[l]);
  }
}

TEST(Components, BoxCentroidAndErrors) {
  Volume<uint8_t> m = Volume<uint8_t>::filled({10, 10, 10}, {}, 0);
  for (int z = 2; z < 5; ++z)
    for (int y = 3; y < 7; ++y)
      for (int x = 1; x < 2; ++x) m(z, y, x) = 1;
  const auto r = label_components(m.view());
  ASSERT_EQ(r.count, 1u);
  const auto st = component_statistics(r.labels.view(), r.count);
  EXPECT_EQ(st.voxels[1], 12);
  EXPECT_EQ(st.bbox[1], (std::array<int64_t, 6>{2, 5, 3, 7, 1, 2}));
  EXPECT_DOUBLE_EQ(st.centroid(1)[0], 3.0);
  EXPECT_DOUBLE_EQ(st.centroid(1)[1], 4.5);
  EXPECT_FALSE(st.touches_border[1]);
  EXPECT_THROW(label_components(m.view(), {8}), InputError);
  EXPECT_THROW(component_statistics(r.labels.view(), 0), InputError);
  const auto empty = label_components(Volume<uint8_t>::filled({4, 4, 4}, {}, 0).view());
  EXPECT_EQ(empty.count, 0u);
}

}  // namespace
}  // namespace emorph
