// Slice pictures keep the physical aspect ratio: anisotropic voxels give square pixels in um.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <fstream>

#include "emorph/report/slice_views.hpp"
#include "support/test_support.hpp"

namespace {

// Width and height from the PNG's IHDR chunk (big-endian at bytes 16..23).
std::array<uint32_t, 2> png_size(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  unsigned char b[24] = {};
  f.read(reinterpret_cast<char*>(b), 24);
  auto be = [&](int o) { return uint32_t(b[o]) << 24 | uint32_t(b[o + 1]) << 16 | uint32_t(b[o + 2]) << 8 | uint32_t(b[o + 3]); };
  return {be(16), be(20)};
}

}  // namespace

TEST(SliceViews, AnisotropicVoxelsGiveThePhysicalAspect) {
  emorph::test::TempDir dir;
  // 10 slices of 2 um along z, 20 x 30 voxels of 1 um in-plane: a (z, y) section is 20 um x 20 um.
  auto labels = emorph::Volume<uint8_t>::filled({10, 20, 30}, {2.0, 1.0, 1.0}, 1);
  const auto table = emorph::PhaseTable::default_table();
  emorph::SliceViewParams p;
  p.upscale = 1;
  p.axis = 2;
  emorph::write_slice_view(dir / "zy.png", nullptr, &labels, table, p);
  EXPECT_EQ(png_size(dir / "zy.png"), (std::array<uint32_t, 2>{20, 20}));
  p.axis = 0;  // (y, x): isotropic, one pixel per voxel
  emorph::write_slice_view(dir / "yx.png", nullptr, &labels, table, p);
  EXPECT_EQ(png_size(dir / "yx.png"), (std::array<uint32_t, 2>{30, 20}));
  p.axis = 1;  // (z, x): 20 um tall, 30 um wide
  p.upscale = 2;
  emorph::write_slice_view(dir / "zx.png", nullptr, &labels, table, p);
  EXPECT_EQ(png_size(dir / "zx.png"), (std::array<uint32_t, 2>{60, 40}));
}
