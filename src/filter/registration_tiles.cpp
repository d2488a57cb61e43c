// Registration tiles of a FIB/SEM slice (Shi & Tomasi 1994: track textured windows): flat pixels by the
// local energy of the y gradient against pure noise's, their 4-connected regions flooded, the large ones
// grown by a margin; a tile's share of such pixels from a summed-area table.
#include "emorph/filter/registration_tiles.hpp"

#include <algorithm>
#include <cmath>

#include "emorph/error.hpp"
#include "emorph/filter/gaussian.hpp"

namespace emorph {

namespace {

// Separable Gaussian smoothing of an ny x nx image in place, edges reflected (scipy's 'reflect').
void smooth(std::vector<double>& img, int64_t ny, int64_t nx, double sigma) {
  const std::vector<float> k = gaussian_kernel(sigma, 4.0);
  const int64_t r = static_cast<int64_t>(k.size() / 2);
  auto reflect = [](int64_t i, int64_t n) {
    while (i < 0 || i >= n) i = i < 0 ? -i - 1 : 2 * n - i - 1;
    return i;
  };
  std::vector<double> line;
  for (int pass = 0; pass < 2; ++pass) {
    const int64_t n = pass == 0 ? nx : ny, lines = pass == 0 ? ny : nx;
    const int64_t step = pass == 0 ? 1 : nx, stride = pass == 0 ? nx : 1;
    line.resize(static_cast<std::size_t>(n));
    for (int64_t l = 0; l < lines; ++l) {
      double* p = img.data() + l * stride;
      for (int64_t i = 0; i < n; ++i) line[i] = p[i * step];
      for (int64_t i = 0; i < n; ++i) {
        double acc = 0;
        for (int64_t j = -r; j <= r; ++j) acc += k[j + r] * line[reflect(i + j, n)];
        p[i * step] = acc;
      }
    }
  }
}

}  // namespace

std::vector<Box> registration_tile_grid(int64_t ny, int64_t nx, const RegistrationTileParams& p) {
  require(p.tile_px >= 0, "drift estimation: tile size must not be negative");
  require(p.max_tiles_per_axis >= 2, "drift estimation: at least 2 tiles per axis");
  const int64_t t = p.tile_px;
  if (t == 0 || ny < 2 * t || nx < 2 * t) return {Box{0, 1, 0, ny, 0, nx}};
  require(t >= 8, "drift estimation: tiles must be at least 8 pixels");
  // Origins from 0 to n - t, evenly spaced at about half a tile (more apart when they would exceed the cap).
  auto origins = [&](int64_t n) {
    const int64_t count = std::min<int64_t>(p.max_tiles_per_axis, (n - t) / (t / 2) + 1);
    std::vector<int64_t> o(static_cast<std::size_t>(count));
    for (int64_t i = 0; i < count; ++i) o[i] = count > 1 ? i * (n - t) / (count - 1) : 0;
    return o;
  };
  std::vector<Box> tiles;
  for (int64_t y : origins(ny))
    for (int64_t x : origins(nx)) tiles.push_back({0, 1, y, y + t, x, x + t});
  return tiles;
}

double stack_noise_sigma_along_y(VolumeView<const float> stack, int64_t slice_step) {
  require(slice_step >= 1, "noise estimate: slice step must be at least 1");
  std::vector<float> d;
  for (int64_t z = 0; z < stack.nz(); z += slice_step)
    for (int64_t y = 1; y < stack.ny(); ++y)
      for (int64_t x = 0; x < stack.nx(); ++x) d.push_back(stack(z, y, x) - stack(z, y - 1, x));
  if (d.empty()) return 0.0;
  auto median = [](std::vector<float>& v) {
    const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
    std::nth_element(v.begin(), mid, v.end());
    return static_cast<double>(*mid);
  };
  const double m = median(d);
  for (float& v : d) v = static_cast<float>(std::abs(v - m));
  return 1.4826 * median(d) / std::sqrt(2.0);
}

std::vector<float> large_flat_share(VolumeView<const float> slice, const std::vector<Box>& tiles, double noise_sigma,
                                    const RegistrationTileParams& p) {
  const int64_t ny = slice.ny(), nx = slice.nx();
  std::vector<float> share(tiles.size(), 0.0f);
  if (tiles.size() <= 1 || ny < 3) return share;
  // Squared y gradient (central differences of the slice smoothed by 1 px), its local mean over 2 px.
  std::vector<double> img(static_cast<std::size_t>(ny * nx));
  for (int64_t y = 0; y < ny; ++y)
    for (int64_t x = 0; x < nx; ++x) img[y * nx + x] = slice(0, y, x);
  smooth(img, ny, nx, 1.0);
  std::vector<double> energy(img.size());
  for (int64_t y = 0; y < ny; ++y)
    for (int64_t x = 0; x < nx; ++x) {
      const double g = 0.5 * (img[std::min(y + 1, ny - 1) * nx + x] - img[std::max<int64_t>(y - 1, 0) * nx + x]);
      energy[y * nx + x] = g * g;
    }
  smooth(energy, ny, nx, 2.0);
  // Pure noise's expected energy: sigma^2 times the squared norm of the filter (derivative of the
  // 1 px Gaussian along y, the Gaussian along x).
  const std::vector<float> k = gaussian_kernel(1.0, 4.0);
  const int64_t r = static_cast<int64_t>(k.size() / 2);
  double along_y = 0, along_x = 0;
  for (int64_t i = -r - 1; i <= r + 1; ++i) {
    auto at = [&](int64_t j) { return j >= -r && j <= r ? double(k[j + r]) : 0.0; };
    const double d = 0.5 * (at(i - 1) - at(i + 1));
    along_y += d * d;
  }
  for (float w : k) along_x += double(w) * w;
  const double limit = p.flat_gradient_factor * noise_sigma * noise_sigma * along_y * along_x;

  // Flood the 4-connected flat regions; those of at least large_flat_tiles tiles' area are marked.
  const int64_t tile_area = (tiles[0].y1 - tiles[0].y0) * (tiles[0].x1 - tiles[0].x0);
  const int64_t large = static_cast<int64_t>(std::ceil(p.large_flat_tiles * static_cast<double>(tile_area)));
  std::vector<uint8_t> state(img.size(), 0);  // 0 unvisited, 1 flat (small region), 2 large flat, 3 not flat
  for (std::size_t i = 0; i < img.size(); ++i)
    if (!(energy[i] < limit)) state[i] = 3;
  std::vector<int64_t> region, stack;
  for (int64_t start = 0; start < ny * nx; ++start) {
    if (state[start] != 0) continue;
    region.clear();
    stack.assign(1, start);
    state[start] = 1;
    while (!stack.empty()) {
      const int64_t i = stack.back();
      stack.pop_back();
      region.push_back(i);
      const int64_t y = i / nx, x = i % nx;
      for (const int64_t j : {y > 0 ? i - nx : -1, y + 1 < ny ? i + nx : -1, x > 0 ? i - 1 : -1, x + 1 < nx ? i + 1 : -1})
        if (j >= 0 && state[j] == 0) state[j] = 1, stack.push_back(j);
    }
    if (static_cast<int64_t>(region.size()) >= large)
      for (int64_t i : region) state[i] = 2;
  }
  // Grow by the margin (a square: rows then columns) into a summed-area table.
  const int64_t m = p.flat_margin_px;
  std::vector<uint8_t> grown(img.size(), 0), rows(img.size(), 0);
  for (int64_t y = 0; y < ny; ++y)
    for (int64_t x = 0; x < nx; ++x)
      if (state[y * nx + x] == 2)
        for (int64_t xx = std::max<int64_t>(0, x - m); xx <= std::min(nx - 1, x + m); ++xx) rows[y * nx + xx] = 1;
  for (int64_t y = 0; y < ny; ++y)
    for (int64_t x = 0; x < nx; ++x)
      if (rows[y * nx + x])
        for (int64_t yy = std::max<int64_t>(0, y - m); yy <= std::min(ny - 1, y + m); ++yy) grown[yy * nx + x] = 1;
  std::vector<int64_t> sat(static_cast<std::size_t>((ny + 1) * (nx + 1)), 0);
  for (int64_t y = 0; y < ny; ++y)
    for (int64_t x = 0; x < nx; ++x)
      sat[(y + 1) * (nx + 1) + x + 1] = grown[y * nx + x] + sat[y * (nx + 1) + x + 1] + sat[(y + 1) * (nx + 1) + x] -
                                        sat[y * (nx + 1) + x];
  for (std::size_t t = 0; t < tiles.size(); ++t) {
    const Box& b = tiles[t];
    const int64_t count = sat[b.y1 * (nx + 1) + b.x1] - sat[b.y0 * (nx + 1) + b.x1] - sat[b.y1 * (nx + 1) + b.x0] +
                          sat[b.y0 * (nx + 1) + b.x0];
    share[t] = static_cast<float>(double(count) / double((b.y1 - b.y0) * (b.x1 - b.x0)));
  }
  return share;
}

}  // namespace emorph
