// Representative elementary volume and integral range (Matheron 1971; Kanit et al. 2003): variance of
// the phase fraction over cubic subvolumes of growing size, read from a summed-volume table.
#include "emorph/measure/rev.hpp"

#include <omp.h>

#include <algorithm>
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

  // Fit: the larger half of the sizes small enough to leave many independent subvolumes.
  const double point_variance = r.volume_fraction * (1 - r.volume_fraction);
  std::vector<std::size_t> candidates;
  for (std::size_t i = 0; i < r.sizes_um.size(); ++i)
    if (r.volumes_um3[i] <= params.fit_max_volume_share * r.analysed_volume_um3) candidates.push_back(i);
  r.used_in_fit.assign(r.sizes_um.size(), false);
  // y = var V / (phi (1 - phi)) = A3 - B / L + O(1 / L^2) for a cube of edge L beyond the correlation
  // length (the cube's covariogram is prod (1 - |h_i| / L)); a weighted straight line in 1 / L removes
  // the first-order bias (the plain law underestimates A3 by ~30 % at L = 3 correlation lengths).
  // Weights 1 / V: the relative error of a variance over V_total / V independent subvolumes.
  double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (std::size_t c = candidates.size() / 2; c < candidates.size() && point_variance > 0; ++c) {
    const std::size_t i = candidates[c];
    const double excess = 1 / r.volumes_um3[i] - 1 / r.analysed_volume_um3;
    if (excess <= 0) continue;
    const double y = r.std_fraction[i] * r.std_fraction[i] / (point_variance * excess);
    const double x = 1 / std::cbrt(r.volumes_um3[i]);
    const double w = 1 / r.volumes_um3[i];
    sw += w;
    sx += w * x;
    sy += w * y;
    sxx += w * x * x;
    sxy += w * x * y;
    r.used_in_fit[i] = true;
  }
  const int fitted = static_cast<int>(std::count(r.used_in_fit.begin(), r.used_in_fit.end(), true));
  const double denominator = sw * sxx - sx * sx;
  const double intercept = fitted >= 2 && denominator > 0 ? (sxx * sy - sx * sxy) / denominator : 0;
  // One size, or noise making the extrapolation meaningless: the plain law's weighted mean.
  r.integral_range_um3 = fitted == 0 ? std::numeric_limits<double>::quiet_NaN() : intercept > 0 ? intercept : sy / sw;
  r.volume_fraction_std = std::sqrt(point_variance * r.integral_range_um3 / r.analysed_volume_um3);
  return r;
}

}  // namespace emorph
