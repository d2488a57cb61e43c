#include <gtest/gtest.h>

#include "emorph/error.hpp"
#include "emorph/parse.hpp"
#include "emorph/phase_table.hpp"
#include "emorph/volume.hpp"

using namespace emorph;

TEST(Volume, IndexingAndViews) {
  Volume<uint16_t> v({4, 5, 6}, {0.5, 0.25, 0.25});
  for (int64_t i = 0; i < v.size(); ++i) v.data()[i] = static_cast<uint16_t>(i);
  EXPECT_EQ(v(1, 2, 3), (1 * 5 + 2) * 6 + 3);
  auto view = v.view();
  EXPECT_TRUE(view.is_contiguous());
  auto crop = view.crop({1, 3, 1, 4, 2, 5});
  EXPECT_FALSE(crop.is_contiguous());
  EXPECT_EQ(crop.shape(), (Shape{2, 3, 3}));
  EXPECT_EQ(crop(0, 0, 0), v(1, 1, 2));
  EXPECT_EQ(crop(1, 2, 2), v(2, 3, 4));
  EXPECT_EQ(crop.spacing(), v.spacing());
  auto copy = to_volume(crop);
  EXPECT_EQ(copy(1, 2, 2), v(2, 3, 4));
  VolumeView<const uint16_t> cview = view;  // mutable view converts to const view
  EXPECT_EQ(cview(3, 4, 5), v(3, 4, 5));
  auto slab = view.slab(2, 4);
  EXPECT_TRUE(slab.is_contiguous());
  EXPECT_EQ(slab.data(), &v(2, 0, 0));
}

TEST(Volume, SixtyFourBitIndexing) {
  // 2048 x 2048 x 1024 voxels: the linear index of the last voxel exceeds 2^32.
  VolumeView<uint8_t> big(nullptr, {1024, 2048, 2048});
  EXPECT_EQ(big.size(), int64_t{1} << 32);
  EXPECT_EQ(&big(1023, 2047, 2047) - static_cast<uint8_t*>(nullptr), (int64_t{1} << 32) - 1);
}

TEST(Volume, BadShapes) {
  EXPECT_THROW(checked_voxel_count({0, 4, 4}, 1, "shape"), InputError);
  EXPECT_THROW(checked_voxel_count({-1, 4, 4}, 1, "shape"), InputError);
  EXPECT_THROW(checked_voxel_count({1 << 30, 1 << 30, 1 << 30}, 4, "shape"), InputError);
  EXPECT_EQ(checked_voxel_count({1 << 20, 1 << 20, 1 << 10}, 4, "shape"), int64_t{1} << 50);
  Volume<uint8_t> v({2, 2, 2});
  EXPECT_THROW(v.view().crop({0, 3, 0, 1, 0, 1}), InputError);
}

TEST(AnyVolume, HoldsAndReports) {
  AnyVolume a = Volume<float>::filled({2, 3, 4}, {1, 2, 3}, 1.5f);
  EXPECT_EQ(a.dtype(), DType::f32);
  EXPECT_EQ(a.shape(), (Shape{2, 3, 4}));
  EXPECT_EQ(a.bytes(), 2u * 3 * 4 * 4);
  EXPECT_EQ(a.as<float>()(1, 2, 3), 1.5f);
  EXPECT_THROW(a.as<uint8_t>(), InputError);
}

TEST(Parse, SpacingAndBox) {
  EXPECT_EQ(parse_spacing("0.32"), (Spacing{0.32, 0.32, 0.32}));
  EXPECT_EQ(parse_spacing("0.01,0.02,0.02"), (Spacing{0.01, 0.02, 0.02}));
  EXPECT_THROW(parse_spacing("0,1,1"), InputError);
  EXPECT_THROW(parse_spacing("a"), InputError);
  EXPECT_THROW(parse_spacing("1,2"), InputError);
  Shape s{10, 20, 30};
  Box b = parse_box("1:5,:,10:", s, {});
  EXPECT_EQ(b.z0, 1);
  EXPECT_EQ(b.z1, 5);
  EXPECT_EQ(b.y1, 20);
  EXPECT_EQ(b.x0, 10);
  EXPECT_EQ(b.x1, 30);
  // 0.5 um voxels: [0, 2] um keeps voxel centres 0.25 .. 1.75, i.e. voxels 0..3.
  Box u = parse_box("0:2,0:2,1:2um", s, {0.5, 0.5, 0.5});
  EXPECT_EQ(u.z0, 0);
  EXPECT_EQ(u.z1, 4);
  EXPECT_EQ(u.x0, 2);
  EXPECT_EQ(u.x1, 4);
  EXPECT_THROW(parse_box("0:11,:,:", s, {}), InputError);
  EXPECT_THROW(parse_box("5:5,:,:", s, {}), InputError);
  EXPECT_THROW(parse_box("0:1,0:1", s, {}), InputError);
}

TEST(PhaseTable, DefaultAndOverrides) {
  auto t = PhaseTable::default_table();
  EXPECT_EQ(t.at("NMC").label, 1);
  EXPECT_EQ(t.at("CBD").label, 3);
  EXPECT_EQ(t.name_of(0), "pore");
  EXPECT_EQ(t.name_of(9), "label_9");
  auto p = PhaseTable::parse("pore=0,NMC=255");
  EXPECT_EQ(p.at("NMC").label, 255);
  EXPECT_DOUBLE_EQ(*p.at("NMC").density_g_cm3, 4.75);
  p.set_densities("NMC=4.7");
  EXPECT_DOUBLE_EQ(*p.at("NMC").density_g_cm3, 4.7);
  EXPECT_THROW(p.set_densities("LFP=3"), InputError);
  EXPECT_THROW(PhaseTable::parse("a=0,b=0"), InputError);
  EXPECT_THROW(PhaseTable::parse("a=256"), InputError);
  EXPECT_THROW(PhaseTable::parse("a"), InputError);
  EXPECT_THROW(t.at("graphite"), InputError);
}
