// Scale bar for the report's slice views: round length (Heckbert's 1-2-5 "nice numbers"), label in a
// built-in 5x7 bitmap font so the PNG carries its own scale.
#include "scale_bar.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <string>

namespace emorph {
namespace {

// 5x7 glyphs, one byte per row, bit 4 = leftmost column.
const std::array<uint8_t, 7>* glyph(char ch) {
  static const std::array<uint8_t, 7> digits[10] = {
      {0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E}, {0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E},
      {0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F}, {0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E},
      {0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02}, {0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E},
      {0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E}, {0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08},
      {0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E}, {0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C}};
  static const std::array<uint8_t, 7> dot = {0, 0, 0, 0, 0, 0x0C, 0x0C};
  static const std::array<uint8_t, 7> u = {0, 0, 0x11, 0x11, 0x11, 0x13, 0x0D};
  static const std::array<uint8_t, 7> m = {0, 0, 0x1A, 0x15, 0x15, 0x11, 0x11};
  if (ch >= '0' && ch <= '9') return &digits[ch - '0'];
  if (ch == '.') return &dot;
  if (ch == 'u') return &u;
  if (ch == 'm') return &m;
  return nullptr;
}

}  // namespace

ScaleBar draw_scale_bar(std::vector<uint8_t>& rgb, int width, int height, double pixel_um) {
  if (width < 60 || height < 60 || !(pixel_um > 0) || !std::isfinite(pixel_um)) return {};
  const double target_um = 0.2 * width * pixel_um;
  const double mag = std::pow(10.0, std::floor(std::log10(target_um)));
  const double f = target_um / mag;
  ScaleBar bar;
  bar.length_um = mag * (f < 2 ? 1 : f < 5 ? 2 : 5);
  bar.length_px = static_cast<int>(std::lround(bar.length_um / pixel_um));

  char text[32];
  std::snprintf(text, sizeof text, "%g um", bar.length_um);
  const int scale = height >= 300 ? 2 : 1;  // font pixels per glyph pixel
  const std::string label(text);
  const int text_w = static_cast<int>(label.size()) * 6 * scale, text_h = 7 * scale;
  const int pad = 4, bar_h = std::max(3, height / 100);
  const int box_w = std::max(bar.length_px, text_w) + 2 * pad, box_h = text_h + bar_h + 3 * pad;
  const int x0 = 6, y0 = 6;  // top: the collector, at the bottom of the sections, stays visible
  auto put = [&](int x, int y, uint8_t v) {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    auto* p = &rgb[(static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)) * 3];
    p[0] = p[1] = p[2] = v;
  };
  for (int y = y0; y < y0 + box_h; ++y)
    for (int x = x0; x < x0 + box_w; ++x) put(x, y, 255);
  int cx = x0 + pad;
  for (char ch : label) {
    if (const auto* g = glyph(ch))
      for (int r = 0; r < 7; ++r)
        for (int c = 0; c < 5; ++c)
          if ((*g)[static_cast<std::size_t>(r)] & (0x10 >> c))
            for (int dy = 0; dy < scale; ++dy)
              for (int dx = 0; dx < scale; ++dx) put(cx + c * scale + dx, y0 + pad + r * scale + dy, 0);
    cx += 6 * scale;
  }
  const int bar_y = y0 + 2 * pad + text_h;
  for (int y = bar_y; y < bar_y + bar_h; ++y)
    for (int x = x0 + pad; x < x0 + pad + bar.length_px; ++x) put(x, y, 0);
  return bar;
}

}  // namespace emorph
