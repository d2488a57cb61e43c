// Slice pictures keep the physical aspect ratio: anisotropic voxels give square pixels in um.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <vector>
#include <cstdint>
#include <fstream>

#include "emorph/report/slice_views.hpp"
#include "report/scale_bar.hpp"
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

// The scale bar: a round length of about a fifth of the width, drawn exactly length_um / pixel_um
// pixels long (black on a white box), with its label above it.
TEST(SliceViews, ScaleBarHasARoundLengthDrawnToScale) {
  for (const double pixel_um : {0.0417, 0.25, 1.3, 20.0}) {
    SCOPED_TRACE(pixel_um);
    const int W = 400, H = 300;
    std::vector<uint8_t> rgb(static_cast<std::size_t>(W * H * 3), 128);
    const emorph::ScaleBar bar = emorph::draw_scale_bar(rgb, W, H, pixel_um);
    const double mantissa = bar.length_um / std::pow(10.0, std::floor(std::log10(bar.length_um)));
    EXPECT_TRUE(std::fabs(mantissa - 1) < 1e-9 || std::fabs(mantissa - 2) < 1e-9 || std::fabs(mantissa - 5) < 1e-9) << bar.length_um;
    EXPECT_EQ(bar.length_px, std::lround(bar.length_um / pixel_um));
    EXPECT_GE(bar.length_px, W / 10);  // 1-2-5 steps below a fifth of the width: at least a tenth
    EXPECT_LE(bar.length_px, W / 5 + 1);
    // Count the black run on each row: one row band holds exactly length_px black pixels.
    int longest = 0, black_rows = 0;
    for (int y = 0; y < H; ++y) {
      int run = 0;
      for (int x = 0; x < W; ++x) run += rgb[static_cast<std::size_t>((y * W + x) * 3)] == 0;
      longest = std::max(longest, run);
      black_rows += run > 0;
    }
    EXPECT_EQ(longest, bar.length_px);
    EXPECT_GT(black_rows, 3 + 7);  // the bar and the label's glyph rows
  }
  std::vector<uint8_t> tiny(40 * 40 * 3, 128);
  EXPECT_EQ(emorph::draw_scale_bar(tiny, 40, 40, 1.0).length_px, 0);
}
