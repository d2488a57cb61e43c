// Eroded matrix grey profile: exact EDT to the bright phases (Felzenszwalb & Huttenlocher 2012), matrix
// grey accumulated per slice and per distance shell; the blur width is where the shells' mean grey
// is the depth inside NMC from which its grey is that of the deep NMC (Etiemble et al. 2017, section 3.3:
// grey averaged in slices).
#include "emorph/measure/matrix_grey.hpp"

#include <omp.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "emorph/error.hpp"
#include "emorph/measure/edt.hpp"

namespace emorph {
namespace {

struct Accumulators {
  std::vector<double> sum;     // [slice * shells + shell]
  std::vector<int64_t> count;  // same layout
  std::vector<double> bright_sum;    // per depth shell inside the bright phases
  std::vector<int64_t> bright_count;
  std::vector<int64_t> below_low, below_mid, below_high;  // per slice
};

template <class T>
MatrixGreyProfile profile_of(VolumeView<const T> grey, VolumeView<const uint8_t> labels, const MatrixGreyParams& p) {
  std::array<bool, 256> is_matrix{}, is_bright{}, in_band{};
  for (uint8_t l : p.matrix_labels) is_matrix[l] = true;
  for (uint8_t l : p.bright_labels) is_bright[l] = true;
  for (uint8_t l : p.band_labels) in_band[l] = true;
  const Shape s = labels.shape();
  const Spacing sp = labels.spacing();
  const int axis = p.axis;
  const int64_t slices = s[axis];

  // Squared distances (um^2): of every voxel to the nearest bright voxel (+inf without any), and of every
  // bright voxel to the nearest other voxel (how deep inside NMC or the collector it lies).
  Volume<uint8_t> not_bright(s, sp), bright(s, sp);
  for (int64_t z = 0; z < s.nz; ++z)
    for (int64_t y = 0; y < s.ny; ++y)
      for (int64_t x = 0; x < s.nx; ++x) {
        const bool b = is_bright[labels(z, y, x)];
        not_bright(z, y, x) = !b;
        bright(z, y, x) = b;
      }
  const Spacing w{sp.dz * sp.dz, sp.dy * sp.dy, sp.dx * sp.dx};
  const Volume<float> d2 = squared_distance_transform(not_bright.view(), w);
  const Volume<float> depth2 = squared_distance_transform(bright.view(), w);

  const double bin_um = 0.5 * std::min({sp.dz, sp.dy, sp.dx});
  const int64_t near_shells = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(p.far_um / bin_um)));
  const int64_t shells = near_shells + 1;  // the last one: everything at least far_um away
  const bool band = p.band_thresholds.has_value();
  const double t_low = band ? (*p.band_thresholds)[0] : 0, t_mid = band ? (*p.band_thresholds)[1] : 0,
               t_high = band ? (*p.band_thresholds)[2] : 0;

  const int threads = omp_get_max_threads();
  std::vector<Accumulators> acc(static_cast<std::size_t>(threads));
#pragma omp parallel num_threads(threads)
  {
    Accumulators& a = acc[static_cast<std::size_t>(omp_get_thread_num())];
    a.sum.assign(static_cast<std::size_t>(slices * shells), 0.0);
    a.count.assign(static_cast<std::size_t>(slices * shells), 0);
    a.bright_sum.assign(static_cast<std::size_t>(shells), 0.0);
    a.bright_count.assign(static_cast<std::size_t>(shells), 0);
    a.below_low.assign(static_cast<std::size_t>(slices), 0);
    a.below_mid.assign(static_cast<std::size_t>(slices), 0);
    a.below_high.assign(static_cast<std::size_t>(slices), 0);
#pragma omp for schedule(static)
    for (int64_t z = 0; z < s.nz; ++z)
      for (int64_t y = 0; y < s.ny; ++y)
        for (int64_t x = 0; x < s.nx; ++x) {
          const uint8_t l = labels(z, y, x);
          const double g = static_cast<double>(grey(z, y, x));
          const auto slice = static_cast<std::size_t>(axis == 0 ? z : axis == 1 ? y : x);
          if (band && in_band[l]) {
            a.below_low[slice] += g <= t_low;
            a.below_mid[slice] += g <= t_mid;
            a.below_high[slice] += g <= t_high;
          }
          if (is_bright[l]) {
            const double depth = std::sqrt(static_cast<double>(depth2(z, y, x)));
            const auto k = static_cast<std::size_t>(
                depth >= p.far_um ? near_shells : std::min(near_shells - 1, static_cast<int64_t>(depth / bin_um)));
            a.bright_sum[k] += g;
            ++a.bright_count[k];
            continue;
          }
          if (!is_matrix[l]) continue;
          const double d = std::sqrt(static_cast<double>(d2(z, y, x)));
          const int64_t shell = d >= p.far_um ? near_shells : std::min(near_shells - 1, static_cast<int64_t>(d / bin_um));
          const auto i = slice * static_cast<std::size_t>(shells) + static_cast<std::size_t>(shell);
          a.sum[i] += g;
          ++a.count[i];
        }
  }
  // Deterministic reduction in thread order.
  Accumulators total = acc[0];
  for (std::size_t t = 1; t < acc.size(); ++t) {
    for (std::size_t i = 0; i < total.sum.size(); ++i) total.sum[i] += acc[t].sum[i], total.count[i] += acc[t].count[i];
    for (std::size_t i = 0; i < total.below_low.size(); ++i)
      total.below_low[i] += acc[t].below_low[i], total.below_mid[i] += acc[t].below_mid[i],
          total.below_high[i] += acc[t].below_high[i];
    for (std::size_t i = 0; i < total.bright_sum.size(); ++i)
      total.bright_sum[i] += acc[t].bright_sum[i], total.bright_count[i] += acc[t].bright_count[i];
  }

  MatrixGreyProfile r;
  r.slice_voxels = labels.size() / slices;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  // Shell statistics over all slices.
  std::vector<double> shell_sum(static_cast<std::size_t>(shells), 0.0);
  std::vector<int64_t> shell_count(static_cast<std::size_t>(shells), 0);
  for (int64_t sl = 0; sl < slices; ++sl)
    for (int64_t k = 0; k < shells; ++k) {
      const auto i = static_cast<std::size_t>(sl * shells + k);
      shell_sum[static_cast<std::size_t>(k)] += total.sum[i];
      shell_count[static_cast<std::size_t>(k)] += total.count[i];
    }
  for (int64_t k = 0; k < shells; ++k) {
    const auto kk = static_cast<std::size_t>(k);
    r.shell_distance_um.push_back(static_cast<double>(k) * bin_um);
    r.shell_voxels.push_back(shell_count[kk]);
    r.shell_mean_grey.push_back(shell_count[kk] ? shell_sum[kk] / static_cast<double>(shell_count[kk]) : nan);
  }
  // References: matrix and bright phases far from their boundary, each widened inwards until it holds
  // enough voxels for a stable mean.
  auto deep_mean = [&](const std::vector<double>& sum, const std::vector<int64_t>& count, int64_t& first) {
    first = near_shells;
    double su = sum.back();
    int64_t n = count.back();
    while (n < 1000 && first > 0) {
      --first;
      su += sum[static_cast<std::size_t>(first)];
      n += count[static_cast<std::size_t>(first)];
    }
    return n ? su / static_cast<double>(n) : nan;
  };
  int64_t first_far = 0, first_deep = 0;
  r.far_mean_grey = deep_mean(shell_sum, shell_count, first_far);
  r.bright_mean_grey = deep_mean(total.bright_sum, total.bright_count, first_deep);

  int64_t first_kept = 0;
  if (p.erosion_um) {
    first_kept = std::min(near_shells, static_cast<int64_t>(std::ceil(*p.erosion_um / bin_um - 1e-9)));
    r.erosion_um = *p.erosion_um;
  } else if (std::isfinite(r.bright_mean_grey) && std::isfinite(r.far_mean_grey)) {
    // The blur width is read inside the bright phases, which are homogeneous (the matrix is not: its
    // composition may change near NMC): the depth from which every shell has the deep grey. The point
    // spread function being symmetric, the matrix is eroded by the same distance.
    const double contrast = std::fabs(r.bright_mean_grey - r.far_mean_grey);
    const int64_t cap = std::min(first_deep, static_cast<int64_t>(std::floor(p.max_erosion_um / bin_um)));
    first_kept = cap;
    for (int64_t k = cap - 1; k >= 0; --k) {
      const auto kk = static_cast<std::size_t>(k);
      if (total.bright_count[kk] == 0) {
        first_kept = k;
        continue;
      }
      const double mean = total.bright_sum[kk] / static_cast<double>(total.bright_count[kk]);
      if (std::fabs(mean - r.bright_mean_grey) > p.tolerance * contrast) break;
      first_kept = k;
    }
    r.erosion_um = static_cast<double>(first_kept) * bin_um;
    r.erosion_measured = true;
  } else {
    r.erosion_measured = true;  // nothing bright to erode from
  }

  r.position_um.resize(static_cast<std::size_t>(slices));
  r.mean_grey.assign(static_cast<std::size_t>(slices), nan);
  r.eroded_voxels.assign(static_cast<std::size_t>(slices), 0);
  r.matrix_voxels.assign(static_cast<std::size_t>(slices), 0);
  for (int64_t sl = 0; sl < slices; ++sl) {
    const auto i = static_cast<std::size_t>(sl);
    double sum = 0;
    for (int64_t k = 0; k < shells; ++k) {
      const auto j = static_cast<std::size_t>(sl * shells + k);
      r.matrix_voxels[i] += total.count[j];
      if (k >= first_kept) sum += total.sum[j], r.eroded_voxels[i] += total.count[j];
    }
    r.position_um[i] = (static_cast<double>(sl) + 0.5) * sp[axis];
    if (r.eroded_voxels[i] > 0) r.mean_grey[i] = sum / static_cast<double>(r.eroded_voxels[i]);
  }
  if (band) r.below_low = total.below_low, r.below_mid = total.below_mid, r.below_high = total.below_high;
  return r;
}

}  // namespace

MatrixGreyProfile matrix_grey_profile(const AnyVolume& grey, VolumeView<const uint8_t> labels, const MatrixGreyParams& params) {
  require(params.axis >= 0 && params.axis <= 2, "matrix grey: axis must be 0, 1 or 2 (got " + std::to_string(params.axis) + ")");
  require(grey.shape() == labels.shape(),
          "matrix grey: grey volume shape " + grey.shape().str() + " differs from the label volume's " + labels.shape().str());
  require(labels.size() > 0, "matrix grey: empty volume");
  require(!params.matrix_labels.empty(), "matrix grey: no matrix phase to average");
  if (params.erosion_um)
    require(std::isfinite(*params.erosion_um) && *params.erosion_um >= 0, "[lfp] erosion_um must be >= 0 um");
  require(params.far_um > 0 && params.max_erosion_um >= 0 && params.tolerance > 0, "matrix grey: bad blur-width parameters");
  if (params.band_thresholds)
    require((*params.band_thresholds)[0] <= (*params.band_thresholds)[1] &&
                (*params.band_thresholds)[1] <= (*params.band_thresholds)[2],
            "matrix grey: band thresholds out of order");
  return grey.visit([&](const auto& v) { return profile_of(v.view(), labels, params); });
}

}  // namespace emorph
