// Slice pictures: percentile contrast stretch (0.5 / 99.5 %) of the grey slice, alpha-blended phase colours.
#include "emorph/report/slice_views.hpp"

#include "scale_bar.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "emorph/error.hpp"
#include "emorph/io/png.hpp"

namespace emorph {
namespace {

struct SliceGeometry {
  int64_t rows = 0, cols = 0;  // image rows run along the first remaining axis, reversed for the thickness
  std::array<int64_t, 3> at(int axis, int64_t index, int64_t r, int64_t c) const {
    // axis 0: rows = y, cols = x; axis 1: rows = z (reversed), cols = x; axis 2: rows = z (reversed), cols = y.
    if (axis == 0) return {index, r, c};
    if (axis == 1) return {rows - 1 - r, index, c};
    return {rows - 1 - r, c, index};
  }
};

SliceGeometry geometry(const Shape& s, int axis) {
  if (axis == 0) return {s.ny, s.nx};
  if (axis == 1) return {s.nz, s.nx};
  return {s.nz, s.ny};
}

std::array<uint8_t, 3> parse_colour(const std::string& hex) {
  if (hex.size() != 7 || hex[0] != '#') return {200, 200, 200};
  auto byte = [&](int i) { return static_cast<uint8_t>(std::stoi(hex.substr(static_cast<std::size_t>(i), 2), nullptr, 16)); };
  return {byte(1), byte(3), byte(5)};
}

}  // namespace

void write_slice_view(const std::string& path, const AnyVolume* grey, const Volume<uint8_t>* labels,
                      const PhaseTable& table, const SliceViewParams& p) {
  require(grey || labels, "slice view: nothing to draw");
  require(p.axis >= 0 && p.axis <= 2, "slice view: axis must be 0, 1 or 2");
  const Shape shape = grey ? grey->shape() : labels->shape();
  if (grey && labels) require(grey->shape() == labels->shape(), "slice view: grey and label volumes differ in shape");
  const int64_t index = p.index < 0 ? shape[p.axis] / 2 : p.index;
  require(index < shape[p.axis], "slice view: index " + std::to_string(index) + " outside the volume");
  const SliceGeometry g = geometry(shape, p.axis);
  const int64_t n = g.rows * g.cols;

  std::vector<float> grey_px;
  if (grey) {
    grey_px.resize(static_cast<std::size_t>(n));
    grey->visit([&](const auto& v) {
      for (int64_t r = 0; r < g.rows; ++r)
        for (int64_t c = 0; c < g.cols; ++c) {
          const auto q = g.at(p.axis, index, r, c);
          grey_px[static_cast<std::size_t>(r * g.cols + c)] = static_cast<float>(v(q[0], q[1], q[2]));
        }
    });
    std::vector<float> sorted = grey_px;
    const auto lo_i = static_cast<std::size_t>(0.005 * static_cast<double>(n - 1));
    const auto hi_i = static_cast<std::size_t>(0.995 * static_cast<double>(n - 1));
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(lo_i), sorted.end());
    const float lo = sorted[lo_i];
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(hi_i), sorted.end());
    const float hi = std::max(sorted[hi_i], lo + 1e-6f);
    for (auto& v : grey_px) v = std::clamp((v - lo) / (hi - lo), 0.0f, 1.0f) * 255.0f;
  }
  std::array<std::array<uint8_t, 3>, 256> colours{};
  for (int l = 0; l < 256; ++l) {
    const Phase* ph = table.find_label(static_cast<uint8_t>(l));
    colours[static_cast<std::size_t>(l)] = ph ? parse_colour(ph->colour) : std::array<uint8_t, 3>{255, 0, 255};
  }
  // Square pixels in physical space: anisotropic voxels are stretched by nearest neighbour, so a
  // sphere looks round whatever the voxel size along each axis.
  const Spacing sp = grey ? grey->spacing() : labels->spacing();
  const double row_um = p.axis == 0 ? sp.dy : sp.dz, col_um = p.axis == 2 ? sp.dy : sp.dx;
  const double fine = std::min(row_um, col_um);
  const double rows_fine = static_cast<double>(g.rows) * row_um / fine;
  const int up = p.upscale > 0 ? p.upscale : static_cast<int>(std::clamp(384.0 / std::max(1.0, rows_fine), 1.0, 8.0));
  const double pixel_um = fine / up;
  const int W = static_cast<int>(std::lround(static_cast<double>(g.cols) * col_um / pixel_um));
  const int H = static_cast<int>(std::lround(static_cast<double>(g.rows) * row_um / pixel_um));
  std::vector<std::array<uint8_t, 3>> voxel_rgb(static_cast<std::size_t>(n));
  const double a = grey ? p.overlay_alpha : 1.0;
  for (int64_t r = 0; r < g.rows; ++r)
    for (int64_t c = 0; c < g.cols; ++c) {
      const double gv = grey ? grey_px[static_cast<std::size_t>(r * g.cols + c)] : 0.0;
      std::array<double, 3> px = {gv, gv, gv};
      if (labels) {
        const auto q = g.at(p.axis, index, r, c);
        const auto& col = colours[(*labels)(q[0], q[1], q[2])];
        for (std::size_t k = 0; k < 3; ++k) px[k] = (1 - a) * px[k] + a * col[k];
      }
      for (std::size_t k = 0; k < 3; ++k)
        voxel_rgb[static_cast<std::size_t>(r * g.cols + c)][k] = static_cast<uint8_t>(std::lround(px[k]));
    }
  std::vector<uint8_t> rgb(static_cast<std::size_t>(W) * static_cast<std::size_t>(H) * 3);
  for (int y = 0; y < H; ++y) {
    const int64_t r = std::min<int64_t>(g.rows - 1, static_cast<int64_t>((y + 0.5) * pixel_um / row_um));
    for (int x = 0; x < W; ++x) {
      const int64_t c = std::min<int64_t>(g.cols - 1, static_cast<int64_t>((x + 0.5) * pixel_um / col_um));
      const auto& v = voxel_rgb[static_cast<std::size_t>(r * g.cols + c)];
      std::copy(v.begin(), v.end(), rgb.begin() + (static_cast<std::ptrdiff_t>(y) * W + x) * 3);
    }
  }
  if (p.scale_bar) draw_scale_bar(rgb, W, H, pixel_um);
  write_png(path, rgb.data(), W, H, 3);
}

}  // namespace emorph
