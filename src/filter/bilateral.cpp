// Bilateral filter (Tomasi & Manduchi 1998), brute force over the cubic window: Gaussian spatial weights
// precomputed, Gaussian range weight per neighbour. One thread per output row, fixed summation order,
// so 1 and N threads give identical results.
#include "emorph/filter/bilateral.hpp"

#include <cmath>
#include <string>
#include <vector>

#include "emorph/error.hpp"
#include "emorph/parallel.hpp"
#include "filter_support.hpp"

namespace emorph {

using detail::reflect;

template <class T>
Volume<float> bilateral_filter(VolumeView<const T> in, const BilateralParams& p) {
  require(std::isfinite(p.sigma_spatial) && p.sigma_spatial > 0 && p.sigma_spatial <= 10,
          "bilateral: spatial sigma must be in (0, 10] voxels, got " + std::to_string(p.sigma_spatial));
  require(std::isfinite(p.sigma_range) && p.sigma_range > 0,
          "bilateral: range sigma must be > 0 grey units, got " + std::to_string(p.sigma_range));
  require(!in.empty(), "bilateral: the volume is empty");
  const int r = static_cast<int>(std::ceil(2.0 * p.sigma_spatial));
  const int w = 2 * r + 1;
  std::vector<float> spatial(static_cast<std::size_t>(w) * w * w);
  for (int dz = -r; dz <= r; ++dz)
    for (int dy = -r; dy <= r; ++dy)
      for (int dx = -r; dx <= r; ++dx)
        spatial[((dz + r) * w + (dy + r)) * w + dx + r] = static_cast<float>(
            std::exp(-0.5 * (dz * dz + dy * dy + dx * dx) / (p.sigma_spatial * p.sigma_spatial)));
  const float range_coef = static_cast<float>(-0.5 / (p.sigma_range * p.sigma_range));
  Volume<float> out(in.shape(), in.spacing(), in.thickness_axis());
  const int64_t nz = in.nz(), ny = in.ny(), nx = in.nx();
#pragma omp parallel num_threads(thread_count())
  {
    std::vector<const T*> rows(static_cast<std::size_t>(w) * w);
    std::vector<int64_t> xs(static_cast<std::size_t>(nx + 2 * r));
    for (int64_t i = -r; i < nx + r; ++i) xs[i + r] = reflect(i, nx) * in.strides().sx;
#pragma omp for schedule(dynamic, 16)
    for (int64_t row = 0; row < nz * ny; ++row) {
      const int64_t z = row / ny, y = row % ny;
      for (int dz = -r; dz <= r; ++dz)
        for (int dy = -r; dy <= r; ++dy) rows[(dz + r) * w + dy + r] = in.row(reflect(z + dz, nz), reflect(y + dy, ny));
      const T* centre_row = in.row(z, y);
      float* o = &out(z, y, 0);
      for (int64_t x = 0; x < nx; ++x) {
        const float c = static_cast<float>(centre_row[x * in.strides().sx]);
        float sw = 0.f, sv = 0.f;
        const float* ws = spatial.data();
        for (int k = 0; k < w * w; ++k) {
          const T* src = rows[k];
          for (int dx = 0; dx < w; ++dx, ++ws) {
            const float v = static_cast<float>(src[xs[x + dx]]);
            const float d = v - c;
            const float wt = *ws * std::exp(range_coef * d * d);
            sw += wt;
            sv += wt * v;
          }
        }
        o[x] = sv / sw;  // sw >= 1 (the centre voxel has weight 1)
      }
    }
  }
  return out;
}

#define EMORPH_BILATERAL(T) template Volume<float> bilateral_filter(VolumeView<const T>, const BilateralParams&);
EMORPH_FILTER_FOR_EACH_TYPE(EMORPH_BILATERAL)

}  // namespace emorph
