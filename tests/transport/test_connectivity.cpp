#include <gtest/gtest.h>

#include "emorph/error.hpp"
#include "emorph/parallel.hpp"
#include "emorph/transport/connectivity.hpp"
#include "reference.hpp"
#include "support/threads.hpp"

using namespace emorph;
using emorph::test::random_labels;
using emorph::test::reference_classes;

namespace {

void expect_matches_reference(const Volume<uint8_t>& v, const ConnectivityParams& p) {
  std::vector<bool> member(256, false);
  if (p.phase_labels.empty())
    for (int l = 1; l < 256; ++l) member[l] = true;
  for (uint8_t l : p.phase_labels) member[l] = true;
  const auto expected = reference_classes(v, member, p.axis, p.connectivity);
  const auto r = connectivity(v, p);
  int64_t counts[4] = {0, 0, 0, 0};
  for (int64_t i = 0; i < v.size(); ++i) {
    ASSERT_EQ(r.classes.data()[i], expected[i]) << "voxel " << i << " axis " << p.axis << " conn " << p.connectivity;
    ++counts[expected[i]];
  }
  EXPECT_EQ(r.percolating_voxels, counts[1]);
  EXPECT_EQ(r.dead_end_voxels, counts[2]);
  EXPECT_EQ(r.isolated_voxels, counts[3]);
  EXPECT_EQ(r.phase_voxels, counts[1] + counts[2] + counts[3]);
}

}  // namespace

TEST(Connectivity, ChannelBlindPoreAndIsolatedBubble) {
  Volume<uint8_t> v = Volume<uint8_t>::filled({10, 9, 9}, {}, 0);
  for (int z = 0; z < 10; ++z) v(z, 1, 1) = 1;  // straight channel along z
  for (int z = 0; z < 5; ++z) v(z, 6, 6) = 1;   // blind pore from the z = 0 face
  v(5, 4, 4) = 1;                               // bubble
  v(5, 4, 5) = 1;
  const auto r = connectivity(v, {});
  EXPECT_EQ(r.percolating_voxels, 10);
  EXPECT_EQ(r.dead_end_voxels, 5);
  EXPECT_EQ(r.isolated_voxels, 2);
  EXPECT_EQ(r.components, 3);
  EXPECT_EQ(r.percolating_components, 1);
  EXPECT_EQ(r.classes(3, 1, 1), 1);
  EXPECT_EQ(r.classes(3, 6, 6), 2);
  EXPECT_EQ(r.classes(5, 4, 5), 3);
  EXPECT_EQ(r.classes(0, 0, 0), 0);
  EXPECT_NEAR(r.percolating_fraction(), 10.0 / 17.0, 1e-15);
  // Along x nothing reaches both faces: the channel touches neither x face.
  ConnectivityParams px;
  px.axis = 2;
  const auto rx = connectivity(v, px);
  EXPECT_EQ(rx.percolating_voxels, 0);
  EXPECT_EQ(rx.isolated_voxels, 17);
}

TEST(Connectivity, DiagonalStepJoinsOnlyWith26) {
  Volume<uint8_t> v = Volume<uint8_t>::filled({4, 3, 3}, {}, 0);
  v(0, 0, 0) = v(1, 1, 1) = v(2, 2, 2) = v(3, 2, 2) = 1;  // corner-to-corner steps
  ConnectivityParams p6;
  EXPECT_EQ(connectivity(v, p6).percolating_voxels, 0);
  ConnectivityParams p26;
  p26.connectivity = 26;
  EXPECT_EQ(connectivity(v, p26).percolating_voxels, 4);
}

TEST(Connectivity, MatchesFloodFillOnRandomVolumes) {
  // Near the site-percolation thresholds (0.31 for 6, 0.10 for 26) all three classes occur.
  int seed = 1;
  for (int conn : {6, 26})
    for (int axis = 0; axis < 3; ++axis)
      for (double p : {0.25, 0.32, 0.45}) {
        const double q = conn == 26 ? p / 2.5 : p;
        auto v = random_labels({13, 11, 17}, q, seed++);
        ConnectivityParams params;
        params.axis = axis;
        params.connectivity = conn;
        expect_matches_reference(v, params);
      }
}

TEST(Connectivity, PhaseLabelsSelectTheUnion) {
  auto v = random_labels({12, 12, 12}, 0.5, 7, 3, 0);
  auto w = random_labels({12, 12, 12}, 0.3, 8, 1, 0);
  for (int64_t i = 0; i < v.size(); ++i)
    if (w.data()[i]) v.data()[i] = 1;
  ConnectivityParams p;
  p.phase_labels = {0};
  expect_matches_reference(v, p);
  p.phase_labels = {1, 3};
  expect_matches_reference(v, p);
}

TEST(Connectivity, OneAndManyThreadsGiveIdenticalClasses) {
  auto v = random_labels({61, 40, 37}, 0.33, 11);
  for (int conn : {6, 26}) {
    ConnectivityParams p;
    p.connectivity = conn;
    p.axis = 1;
    const auto a = test::on_threads(1, [&] { return connectivity(v, p); });
    const auto b = test::on_threads(5, [&] { return connectivity(v, p); });
    ASSERT_TRUE(std::equal(a.classes.begin(), a.classes.end(), b.classes.begin()));
    EXPECT_EQ(a.components, b.components);
    EXPECT_EQ(a.percolating_components, b.percolating_components);
  }
  // And both agree with the reference (5 slabs, so boundary merges are exercised).
  set_threads(5);
  ConnectivityParams p;
  expect_matches_reference(v, p);
  set_threads(0);
}

TEST(Connectivity, StridedViewAndSingleSliceAxis) {
  auto v = random_labels({9, 10, 11}, 0.5, 3);
  const auto crop = v.view().crop({1, 8, 2, 9, 3, 10});
  const auto copy = to_volume(crop);
  ConnectivityParams p;
  const auto a = connectivity(crop, p);
  const auto b = connectivity(copy, p);
  ASSERT_TRUE(std::equal(a.classes.begin(), a.classes.end(), b.classes.begin()));
  // One slice thick along the axis: every phase voxel touches both faces.
  const auto slice = to_volume(v.view().slab(4, 5));
  const auto s = connectivity(slice, p);
  EXPECT_EQ(s.percolating_voxels, s.phase_voxels);
}

TEST(Connectivity, BadParametersAreInputErrors) {
  Volume<uint8_t> v = Volume<uint8_t>::filled({2, 2, 2}, {}, 1);
  ConnectivityParams p;
  p.axis = 3;
  EXPECT_THROW(connectivity(v, p), InputError);
  p.axis = 0;
  p.connectivity = 18;
  EXPECT_THROW(connectivity(v, p), InputError);
}
