// Bilateral filter (Tomasi & Manduchi 1998), brute force over the cubic window: Gaussian spatial weights
// precomputed; the Gaussian range weight looked up by |difference| for 8- and 16-bit voxels (the same float
// expression as the direct evaluation, so the same bits), evaluated per neighbour otherwise. Each voxel sums
// its window in one fixed order (z, y, x), whatever the thread count or the blocking of a row.
#include "emorph/filter/bilateral.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "emorph/error.hpp"
#include "emorph/parallel.hpp"
#include "filter_support.hpp"

namespace emorph {

using detail::reflect;

namespace {

// 8- and 16-bit voxel differences are exact integers in float and few: one exp per |difference|.
template <class T>
constexpr bool range_weight_table = std::is_integral_v<T> && sizeof(T) <= 2;

constexpr int64_t kBlock = 128;  // output voxels of a row summed side by side (per-voxel order unchanged)

}  // namespace

template <class T>
Volume<float> bilateral_filter_slices(VolumeView<const T> in, const BilateralParams& p, int64_t z_begin, int64_t z_end) {
  require(std::isfinite(p.sigma_spatial) && p.sigma_spatial > 0 && p.sigma_spatial <= 10,
          "bilateral: spatial sigma must be in (0, 10] voxels, got " + std::to_string(p.sigma_spatial));
  require(std::isfinite(p.sigma_range) && p.sigma_range > 0,
          "bilateral: range sigma must be > 0 grey units, got " + std::to_string(p.sigma_range));
  require(!in.empty(), "bilateral: the volume is empty");
  require(0 <= z_begin && z_begin <= z_end && z_end <= in.nz(), "bilateral: output slices outside the volume");
  const int r = static_cast<int>(std::ceil(2.0 * p.sigma_spatial));
  const int w = 2 * r + 1;
  std::vector<float> spatial(static_cast<std::size_t>(w) * w * w);
  for (int dz = -r; dz <= r; ++dz)
    for (int dy = -r; dy <= r; ++dy)
      for (int dx = -r; dx <= r; ++dx)
        spatial[((dz + r) * w + (dy + r)) * w + dx + r] = static_cast<float>(
            std::exp(-0.5 * (dz * dz + dy * dy + dx * dx) / (p.sigma_spatial * p.sigma_spatial)));
  const float range_coef = static_cast<float>(-0.5 / (p.sigma_range * p.sigma_range));
  std::vector<float> range_weight;  // range_weight[|d|] == std::exp(range_coef * d * d) in float, bit for bit
  if constexpr (range_weight_table<T>) {
    const int64_t max_difference = int64_t{std::numeric_limits<T>::max()} - int64_t{std::numeric_limits<T>::min()};
    range_weight.resize(static_cast<std::size_t>(max_difference + 1));
    for (int64_t i = 0; i <= max_difference; ++i) {
      const float d = static_cast<float>(i);
      range_weight[static_cast<std::size_t>(i)] = std::exp(range_coef * d * d);
    }
  }
  Volume<float> out(Shape{z_end - z_begin, in.ny(), in.nx()}, in.spacing(), in.thickness_axis());
  const int64_t nz = in.nz(), ny = in.ny(), nx = in.nx(), sx = in.strides().sx;
#pragma omp parallel num_threads(thread_count())
  {
    std::vector<const T*> rows(static_cast<std::size_t>(w) * w);
    std::vector<int64_t> xs(static_cast<std::size_t>(nx + 2 * r));  // reflected x offsets of x - r .. x + r
    for (int64_t i = -r; i < nx + r; ++i) xs[i + r] = reflect(i, nx) * sx;
    float centre[kBlock], sum_w[kBlock], sum_v[kBlock];
    int32_t centre_int[kBlock];
#pragma omp for schedule(dynamic, 16)
    for (int64_t row = z_begin * ny; row < z_end * ny; ++row) {
      const int64_t z = row / ny, y = row % ny;
      for (int dz = -r; dz <= r; ++dz)
        for (int dy = -r; dy <= r; ++dy) rows[(dz + r) * w + dy + r] = in.row(reflect(z + dz, nz), reflect(y + dy, ny));
      const T* centre_row = in.row(z, y);
      float* o = &out(z - z_begin, y, 0);
      for (int64_t x0 = 0; x0 < nx; x0 += kBlock) {
        const int64_t n = std::min(kBlock, nx - x0);
        for (int64_t i = 0; i < n; ++i) {
          const T c = centre_row[(x0 + i) * sx];
          centre[i] = static_cast<float>(c);
          if constexpr (range_weight_table<T>) centre_int[i] = static_cast<int32_t>(c);
          sum_w[i] = 0.f, sum_v[i] = 0.f;
        }
        // Whole window inside the row and x contiguous: neighbours read directly, no reflection.
        const bool inside = sx == 1 && x0 >= r && x0 + n + r <= nx;
        const float* ws = spatial.data();
        for (int k = 0; k < w * w; ++k) {
          const T* src = rows[k];
          for (int dx = 0; dx < w; ++dx, ++ws) {
            const float spatial_weight = *ws;
            auto add = [&](int64_t i, T value) {
              const float v = static_cast<float>(value);
              float wt;
              if constexpr (range_weight_table<T>) {
                wt = spatial_weight * range_weight[static_cast<std::size_t>(std::abs(static_cast<int32_t>(value) - centre_int[i]))];
              } else {
                const float d = v - centre[i];
                wt = spatial_weight * std::exp(range_coef * d * d);
              }
              sum_w[i] += wt;
              sum_v[i] += wt * v;
            };
            if (inside) {
              const T* line = src + x0 - r + dx;
              for (int64_t i = 0; i < n; ++i) add(i, line[i]);
            } else {
              const int64_t* offsets = xs.data() + x0 + dx;
              for (int64_t i = 0; i < n; ++i) add(i, src[offsets[i]]);
            }
          }
        }
        for (int64_t i = 0; i < n; ++i) o[x0 + i] = sum_v[i] / sum_w[i];  // sum_w >= 1 (the centre has weight 1)
      }
    }
  }
  return out;
}

template <class T>
Volume<float> bilateral_filter(VolumeView<const T> in, const BilateralParams& p) {
  return bilateral_filter_slices<T>(in, p, 0, in.nz());
}

#define EMORPH_BILATERAL(T)                                                                       \
  template Volume<float> bilateral_filter(VolumeView<const T>, const BilateralParams&);           \
  template Volume<float> bilateral_filter_slices(VolumeView<const T>, const BilateralParams&, int64_t, int64_t);
EMORPH_FILTER_FOR_EACH_TYPE(EMORPH_BILATERAL)

}  // namespace emorph
