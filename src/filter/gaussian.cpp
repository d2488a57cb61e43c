// Separable Gaussian (scipy.ndimage.gaussian_filter semantics: kernel exp(-x^2 / 2 sigma^2) normalised,
// radius int(truncate * sigma + 0.5), 'reflect' or 'mirror' edges), one 1D pass per axis; the y and z passes run
// on whole rows so they vectorise across x. Each output value is computed by one thread in a fixed
// order, so the result does not depend on the thread count.
#include "emorph/filter/gaussian.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "emorph/error.hpp"
#include "emorph/parallel.hpp"
#include "filter_support.hpp"

namespace emorph {

namespace {

using detail::edge_index;

// Along x: each row into a reflected, padded buffer, then the dot product per voxel.
template <class T>
void pass_x(VolumeView<const T> in, Volume<float>& out, const std::vector<float>& k, bool mirrored) {
  const int64_t r = static_cast<int64_t>(k.size() / 2), nx = in.nx(), ny = in.ny();
#pragma omp parallel num_threads(thread_count())
  {
    std::vector<float> buf(nx + 2 * r);
#pragma omp for schedule(static)
    for (int64_t row = 0; row < in.nz() * ny; ++row) {
      const int64_t z = row / ny, y = row % ny;
      for (int64_t i = -r; i < nx + r; ++i) buf[i + r] = static_cast<float>(in(z, y, edge_index(i, nx, mirrored)));
      float* o = &out(z, y, 0);
      for (int64_t x = 0; x < nx; ++x) {
        float s = 0.f;
        for (int64_t j = 0; j <= 2 * r; ++j) s += k[j] * buf[x + j];
        o[x] = s;
      }
    }
  }
}

// Along an outer axis: out row = sum_j k[j] * src row (reflect(i + j - r)), with the source lines of one
// plane (y pass) or one y (z pass) copied first so the pass can run in place.
void pass_outer(Volume<float>& v, const std::vector<float>& k, bool along_z, bool mirrored) {
  const int64_t r = static_cast<int64_t>(k.size() / 2), nx = v.nx();
  const int64_t n = along_z ? v.nz() : v.ny();        // length of the filtered axis
  const int64_t m = along_z ? v.ny() : v.nz();        // independent lines
  auto row_ptr = [&](int64_t line, int64_t i) { return along_z ? &v(i, line, 0) : &v(line, i, 0); };
#pragma omp parallel num_threads(thread_count())
  {
    std::vector<float> src(n * nx);
#pragma omp for schedule(static)
    for (int64_t line = 0; line < m; ++line) {
      for (int64_t i = 0; i < n; ++i) std::memcpy(&src[i * nx], row_ptr(line, i), nx * sizeof(float));
      for (int64_t i = 0; i < n; ++i) {
        float* __restrict o = row_ptr(line, i);
        std::fill_n(o, nx, 0.f);
        for (int64_t j = 0; j <= 2 * r; ++j) {
          const float kj = k[j];
          const float* __restrict s = &src[edge_index(i + j - r, n, mirrored) * nx];
          for (int64_t x = 0; x < nx; ++x) o[x] += kj * s[x];
        }
      }
    }
  }
}

}  // namespace

std::vector<float> gaussian_kernel(double sigma, double truncate) {
  require(truncate * sigma + 0.5 < double(1 << 28), "gaussian: kernel radius " + std::to_string(truncate * sigma) + " is too large");
  const int r = static_cast<int>(truncate * sigma + 0.5);
  std::vector<double> w(2 * r + 1);
  double sum = 0;
  for (int i = -r; i <= r; ++i) sum += w[i + r] = std::exp(-0.5 * i * i / (sigma * sigma));
  std::vector<float> k(w.size());
  for (std::size_t i = 0; i < w.size(); ++i) k[i] = static_cast<float>(w[i] / sum);
  return k;
}

template <class T>
Volume<float> gaussian_filter(VolumeView<const T> in, const GaussianParams& p) {
  require(std::isfinite(p.sigma) && p.sigma >= 0, "gaussian: sigma must be >= 0, got " + std::to_string(p.sigma));
  require(std::isfinite(p.truncate) && p.truncate > 0, "gaussian: truncate must be > 0");
  require(!in.empty(), "gaussian: the volume is empty");
  double sigma[3];
  for (int a = 0; a < 3; ++a) {
    sigma[a] = p.sigma_voxels ? (*p.sigma_voxels)[a] : (p.sigma_in_um ? p.sigma / in.spacing()[a] : p.sigma);
    require(std::isfinite(sigma[a]) && sigma[a] >= 0, "gaussian: per-axis sigmas must be >= 0");
    // Far beyond the volume a kernel only averages reflections of it again and again: such a sigma
    // is a mistake (a unit mix-up), and an unbounded radius would exhaust memory (1e9 crashed).
    const int64_t limit = 16 * std::max<int64_t>({in.nz(), in.ny(), in.nx(), 16});
    if (p.truncate * sigma[a] > static_cast<double>(limit))
      throw InputError("gaussian: sigma " + std::to_string(sigma[a]) + " voxels gives a kernel radius of " +
                       std::to_string(p.truncate * sigma[a]) + " voxels, more than 16 times the volume (" +
                       in.shape().str() + ")");
  }
  Volume<float> out(in.shape(), in.spacing(), in.thickness_axis());
  // scipy filters axis 0 first; the order only changes float rounding (passes commute exactly in reals).
  pass_x(in, out, sigma[2] > 0 ? gaussian_kernel(sigma[2], p.truncate) : std::vector<float>{1.f}, p.mirror);
  if (sigma[1] > 0) pass_outer(out, gaussian_kernel(sigma[1], p.truncate), false, p.mirror);
  if (sigma[0] > 0) pass_outer(out, gaussian_kernel(sigma[0], p.truncate), true, p.mirror);
  return out;
}

#define EMORPH_GAUSSIAN(T) template Volume<float> gaussian_filter(VolumeView<const T>, const GaussianParams&);
EMORPH_FILTER_FOR_EACH_TYPE(EMORPH_GAUSSIAN)

}  // namespace emorph
