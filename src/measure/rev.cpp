// Representative elementary volume and integral range (Matheron 1971; Kanit et al. 2003): variance of
// the phase fraction over cubic subvolumes of growing size, read from a summed-volume table.
#include "emorph/measure/rev.hpp"

#include <omp.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace emorph {

namespace {

// table(z, y, x) = phase voxels in [0, z) x [0, y) x [0, x), modulo 2^32: differences of it give exact
// counts of any box holding fewer than 2^32 voxels.
class SummedVolume {
 public:
  explicit SummedVolume(VolumeView<const uint8_t> m)
      : sz_((m.ny() + 1) * (m.nx() + 1)), sy_(m.nx() + 1),
        t_(static_cast<std::size_t>((m.nz() + 1) * sz_), 0u) {
    const int64_t nz = m.nz(), ny = m.ny(), nx = m.nx();
#pragma omp parallel for schedule(static)
    for (int64_t z = 0; z < nz; ++z) {
      uint32_t* plane = &t_[static_cast<std::size_t>((z + 1) * sz_)];
      for (int64_t y = 0; y < ny; ++y) {
        const uint8_t* row = m.row(z, y);
        uint32_t* out = plane + (y + 1) * sy_;
        const uint32_t* above = plane + y * sy_;
        uint32_t run = 0;
        for (int64_t x = 0; x < nx; ++x) {
          run += row[x] != 0;
          out[x + 1] = above[x + 1] + run;
        }
      }
    }
    for (int64_t z = 1; z < nz; ++z) {
      uint32_t* plane = &t_[static_cast<std::size_t>((z + 1) * sz_)];
      const uint32_t* below = plane - sz_;
#pragma omp parallel for schedule(static)
      for (int64_t i = 0; i < sz_; ++i) plane[i] += below[i];
    }
  }
  uint32_t at(int64_t z, int64_t y, int64_t x) const { return t_[static_cast<std::size_t>(z * sz_ + y * sy_ + x)]; }
  // Phase voxels in [z, z + wz) x [y, y + wy) x [x, x + wx).
  uint32_t box(int64_t z, int64_t y, int64_t x, int64_t wz, int64_t wy, int64_t wx) const {
    return at(z + wz, y + wy, x + wx) - at(z, y + wy, x + wx) - at(z + wz, y, x + wx) - at(z + wz, y + wy, x) +
           at(z, y, x + wx) + at(z, y + wy, x) + at(z + wz, y, x) - at(z, y, x);
  }

 private:
  int64_t sz_, sy_;
  std::vector<uint32_t> t_;
};

std::vector<double> default_sizes(const Shape& s, const Spacing& d) {
  const double smallest_extent = std::min({s.nz * d.dz, s.ny * d.dy, s.nx * d.dx});
  const double largest_voxel = std::max({d.dz, d.dy, d.dx});
  std::vector<double> sizes;
  for (double e = 2 * largest_voxel; e <= 0.5 * smallest_extent * (1 + 1e-9); e *= std::sqrt(2.0)) sizes.push_back(e);
  if (sizes.empty()) sizes.push_back(smallest_extent);
  return sizes;
}

// Intercept of the weighted least-squares polynomial of `degree` (1 or 2) through points (x, y, weight):
// the normal equations solved by Cramer's rule (3 x 3 at most); 0 when they are singular.
double weighted_polynomial_intercept(const std::vector<std::array<double, 3>>& points, int degree) {
  const int n = degree + 1;
  double m[3][3] = {}, v[3] = {};
  for (const auto& [x, y, w] : points) {
    const double powers[5] = {1, x, x * x, x * x * x, x * x * x * x};
    for (int i = 0; i < n; ++i) {
      v[i] += w * powers[i] * y;
      for (int j = 0; j < n; ++j) m[i][j] += w * powers[i + j];
    }
  }
  if (n == 2) {
    const double det = m[0][0] * m[1][1] - m[0][1] * m[1][0];
    return det > 0 ? (v[0] * m[1][1] - m[0][1] * v[1]) / det : 0;
  }
  auto det3 = [](const double a[3][3]) {
    return a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) +
           a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
  };
  const double det = det3(m);
  if (!(std::abs(det) > 0)) return 0;
  double m0[3][3];
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) m0[i][j] = j == 0 ? v[i] : m[i][j];
  return det3(m0) / det;
}

}  // namespace

RevResult representative_volume(VolumeView<const uint8_t> mask, const RevParams& params) {
  if (mask.empty()) throw InputError("rev: empty volume");
  if (mask.strides().sx != 1) throw InputError("rev: rows of the volume must be contiguous");
  if (mask.size() >= (int64_t{1} << 32)) throw InputError("rev: volumes of 2^32 voxels or more are not supported; crop first");
  for (double e : params.sizes_um)
    if (!(e > 0 && std::isfinite(e))) throw InputError("rev: --sizes must be positive numbers of um");
  if (!(params.fit_max_volume_share > 0 && params.fit_max_volume_share <= 1))
    throw InputError("rev: fit volume share must be in (0, 1]");
  const Shape s = mask.shape();
  const Spacing d = mask.spacing();
  const SummedVolume table(mask);

  RevResult r;
  r.phase_voxels = table.at(s.nz, s.ny, s.nx);
  r.volume_fraction = static_cast<double>(r.phase_voxels) / static_cast<double>(s.voxels());
  r.analysed_volume_um3 = static_cast<double>(s.voxels()) * d.voxel_volume_um3();
  r.sizes_um = params.sizes_um.empty() ? default_sizes(s, d) : params.sizes_um;
  std::sort(r.sizes_um.begin(), r.sizes_um.end());

  for (double edge : r.sizes_um) {
    int64_t w[3], step[3], positions[3];
    for (int a = 0; a < 3; ++a) {
      w[a] = std::clamp<int64_t>(std::llround(edge / d[a]), 1, s[a]);
      step[a] = std::max<int64_t>(1, w[a] / 4);
      positions[a] = (s[a] - w[a]) / step[a] + 1;
    }
    const double window_voxels = static_cast<double>(w[0] * w[1] * w[2]);
    // Deviations from phi, summed per z position and reduced in order: thread-count independent.
    std::vector<double> sum(static_cast<std::size_t>(positions[0])), sum_sq(sum.size());
#pragma omp parallel for schedule(static)
    for (int64_t iz = 0; iz < positions[0]; ++iz) {
      double s1 = 0, s2 = 0;
      for (int64_t iy = 0; iy < positions[1]; ++iy)
        for (int64_t ix = 0; ix < positions[2]; ++ix) {
          const double f = table.box(iz * step[0], iy * step[1], ix * step[2], w[0], w[1], w[2]) / window_voxels;
          const double dev = f - r.volume_fraction;
          s1 += dev;
          s2 += dev * dev;
        }
      sum[static_cast<std::size_t>(iz)] = s1;
      sum_sq[static_cast<std::size_t>(iz)] = s2;
    }
    double s1 = 0, s2 = 0;
    for (std::size_t i = 0; i < sum.size(); ++i) {
      s1 += sum[i];
      s2 += sum_sq[i];
    }
    const int64_t n = positions[0] * positions[1] * positions[2];
    const double mean_dev = s1 / static_cast<double>(n);
    r.volumes_um3.push_back(window_voxels * d.voxel_volume_um3());
    r.subvolumes.push_back(n);
    r.mean_fraction.push_back(r.volume_fraction + mean_dev);
    r.std_fraction.push_back(std::sqrt(std::max(0.0, s2 / static_cast<double>(n) - mean_dev * mean_dev)));
  }

  // Fit: the larger three quarters of the sizes small enough to leave many independent subvolumes.
  const double point_variance = r.volume_fraction * (1 - r.volume_fraction);
  std::vector<std::size_t> candidates;
  for (std::size_t i = 0; i < r.sizes_um.size(); ++i)
    if (r.volumes_um3[i] <= params.fit_max_volume_share * r.analysed_volume_um3) candidates.push_back(i);
  r.used_in_fit.assign(r.sizes_um.size(), false);
  // y = var V / (phi (1 - phi)) for a cube of edge L is sum_h C(h) prod (1 - |h_i| / L) / (phi (1 - phi)):
  // beyond the correlation range a cubic in 1/L, A3 - B / L + C / L^2 - D / L^3, whose intercept is A3.
  // A straight line in 1/L leaves the curvature C in the intercept (-8 % on Boolean spheres with
  // noise-free variances over cubes of 1 to 4 correlation lengths); a parabola leaves -0.3 % there.
  // Weights 1 / V: the relative error of a variance over V_total / V independent subvolumes.
  std::vector<std::array<double, 3>> points;  // x = 1 / L, y, weight
  for (std::size_t c = candidates.size() / 4; c < candidates.size() && point_variance > 0; ++c) {
    const std::size_t i = candidates[c];
    const double excess = 1 / r.volumes_um3[i] - 1 / r.analysed_volume_um3;
    if (excess <= 0) continue;
    points.push_back({1 / std::cbrt(r.volumes_um3[i]), r.std_fraction[i] * r.std_fraction[i] / (point_variance * excess),
                      1 / r.volumes_um3[i]});
    r.used_in_fit[i] = true;
  }
  const double intercept = points.size() >= 3 ? weighted_polynomial_intercept(points, 2)
                           : points.size() == 2 ? weighted_polynomial_intercept(points, 1)
                                                : 0;
  // One size, or noise making the extrapolation meaningless: the plain law's weighted mean.
  double sw = 0, sy = 0;
  for (const auto& [x, y, w] : points) {
    sw += w;
    sy += w * y;
  }
  r.integral_range_um3 = points.empty() ? std::numeric_limits<double>::quiet_NaN() : intercept > 0 ? intercept : sy / sw;
  r.volume_fraction_std = std::sqrt(point_variance * r.integral_range_um3 / r.analysed_volume_um3);
  return r;
}

}  // namespace emorph
