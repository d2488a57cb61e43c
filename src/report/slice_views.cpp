// Slice pictures: percentile contrast stretch (0.5 / 99.5 %) of the grey slice, alpha-blended phase colours.
#include "emorph/report/slice_views.hpp"

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
  const int up = p.upscale > 0 ? p.upscale : static_cast<int>(std::clamp<int64_t>(384 / std::max<int64_t>(1, g.rows), 1, 8));
  const int W = static_cast<int>(g.cols) * up, H = static_cast<int>(g.rows) * up;
  std::vector<uint8_t> rgb(static_cast<std::size_t>(W) * static_cast<std::size_t>(H) * 3);
  const double a = grey ? p.overlay_alpha : 1.0;
  for (int64_t r = 0; r < g.rows; ++r)
    for (int64_t c = 0; c < g.cols; ++c) {
      const double gv = grey ? grey_px[static_cast<std::size_t>(r * g.cols + c)] : 0.0;
      std::array<double, 3> px = {gv, gv, gv};
      if (labels) {
        const auto q = g.at(p.axis, index, r, c);
        const auto& col = colours[(*labels)(q[0], q[1], q[2])];
        for (int k = 0; k < 3; ++k) px[static_cast<std::size_t>(k)] = (1 - a) * px[static_cast<std::size_t>(k)] + a * col[static_cast<std::size_t>(k)];
      }
      for (int dy = 0; dy < up; ++dy)
        for (int dx = 0; dx < up; ++dx) {
          const std::size_t o = (static_cast<std::size_t>(r * up + dy) * static_cast<std::size_t>(W) +
                                 static_cast<std::size_t>(c * up + dx)) * 3;
          for (int k = 0; k < 3; ++k) rgb[o + static_cast<std::size_t>(k)] = static_cast<uint8_t>(std::lround(px[static_cast<std::size_t>(k)]));
        }
    }
  write_png(path, rgb.data(), W, H, 3);
}

}  // namespace emorph
