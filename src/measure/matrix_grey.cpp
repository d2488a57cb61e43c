// Edge-corrected matrix grey profile: exact EDT to the bright phases (Felzenszwalb & Huttenlocher 2012),
// matrix grey accumulated per slice and per distance shell; the blur width is the depth inside NMC from
// which its grey is that of the deep NMC; shells within it lose their mean offset from the matrix beyond
// it (Etiemble et al. 2017, section 3.3: grey averaged in slices).
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
  std::vector<double> layer_sum;     // same layout, matrix voxels within far_um of a layer (collector)
  std::vector<int64_t> layer_count;
  std::vector<double> bright_sum;    // per depth shell inside the bright phases
  std::vector<int64_t> bright_count;
  std::vector<double> nmc_sum;       // per depth shell inside the bright phases that are not layers
  std::vector<int64_t> nmc_count;
  std::vector<double> slice_sum;     // per slice, over every voxel but the layers'
  std::vector<int64_t> slice_count;
  std::vector<int64_t> below_low, below_mid, below_high;  // per slice
};

template <class T>
MatrixGreyProfile profile_of(VolumeView<const T> grey, VolumeView<const uint8_t> labels, const MatrixGreyParams& p) {
  std::array<bool, 256> is_matrix{}, is_bright{}, in_band{}, is_layer{};
  for (uint8_t l : p.layer_labels) is_layer[l] = true;
  for (uint8_t l : p.matrix_labels) is_matrix[l] = true;
  for (uint8_t l : p.bright_labels) is_bright[l] = true;
  for (uint8_t l : p.band_labels) in_band[l] = true;
  const Shape s = labels.shape();
  const Spacing sp = labels.spacing();
  const int axis = p.axis;
  const int64_t slices = s[axis];

  // Squared distances (um^2): of every voxel to the nearest bright voxel (+inf without any), and of every
  // bright voxel to the nearest other voxel (how deep inside NMC or the collector it lies).
  Volume<uint8_t> not_bright(s, sp), bright(s, sp), not_layer(s, sp);
  bool any_layer = false;
  for (int64_t z = 0; z < s.nz; ++z)
    for (int64_t y = 0; y < s.ny; ++y)
      for (int64_t x = 0; x < s.nx; ++x) {
        const uint8_t l = labels(z, y, x);
        const bool b = is_bright[l];
        not_bright(z, y, x) = !b;
        bright(z, y, x) = b;
        not_layer(z, y, x) = !(b && is_layer[l]);
        any_layer = any_layer || (b && is_layer[l]);
      }
  const Spacing w{sp.dz * sp.dz, sp.dy * sp.dy, sp.dx * sp.dx};
  const Volume<float> d2 = squared_distance_transform(not_bright.view(), w);
  const Volume<float> depth2 = squared_distance_transform(bright.view(), w);
  const float far2 = static_cast<float>(p.far_um * p.far_um);
  Volume<float> layer_d2;  // to the nearest layer voxel; only where there is a layer
  if (any_layer) layer_d2 = squared_distance_transform(not_layer.view(), w);

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
    a.layer_sum.assign(static_cast<std::size_t>(slices * shells), 0.0);
    a.layer_count.assign(static_cast<std::size_t>(slices * shells), 0);
    a.bright_sum.assign(static_cast<std::size_t>(shells), 0.0);
    a.bright_count.assign(static_cast<std::size_t>(shells), 0);
    a.nmc_sum.assign(static_cast<std::size_t>(shells), 0.0);
    a.nmc_count.assign(static_cast<std::size_t>(shells), 0);
    a.slice_sum.assign(static_cast<std::size_t>(slices), 0.0);
    a.slice_count.assign(static_cast<std::size_t>(slices), 0);
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
            if (!is_layer[l]) a.nmc_sum[k] += g, ++a.nmc_count[k], a.slice_sum[slice] += g, ++a.slice_count[slice];
            continue;
          }
          a.slice_sum[slice] += g;
          ++a.slice_count[slice];
          if (!is_matrix[l]) continue;
          const double d = std::sqrt(static_cast<double>(d2(z, y, x)));
          const int64_t shell = d >= p.far_um ? near_shells : std::min(near_shells - 1, static_cast<int64_t>(d / bin_um));
          const auto i = slice * static_cast<std::size_t>(shells) + static_cast<std::size_t>(shell);
          if (any_layer && layer_d2(z, y, x) < far2) {
            a.layer_sum[i] += g;
            ++a.layer_count[i];
          } else {
            a.sum[i] += g;
            ++a.count[i];
          }
        }
  }
  // Deterministic reduction in thread order.
  Accumulators total = acc[0];
  for (std::size_t t = 1; t < acc.size(); ++t) {
    for (std::size_t i = 0; i < total.sum.size(); ++i)
      total.sum[i] += acc[t].sum[i], total.count[i] += acc[t].count[i], total.layer_sum[i] += acc[t].layer_sum[i],
          total.layer_count[i] += acc[t].layer_count[i];
    for (std::size_t i = 0; i < total.below_low.size(); ++i)
      total.below_low[i] += acc[t].below_low[i], total.below_mid[i] += acc[t].below_mid[i],
          total.below_high[i] += acc[t].below_high[i];
    for (std::size_t i = 0; i < total.bright_sum.size(); ++i)
      total.bright_sum[i] += acc[t].bright_sum[i], total.bright_count[i] += acc[t].bright_count[i],
          total.nmc_sum[i] += acc[t].nmc_sum[i], total.nmc_count[i] += acc[t].nmc_count[i];
    for (std::size_t i = 0; i < total.slice_sum.size(); ++i)
      total.slice_sum[i] += acc[t].slice_sum[i], total.slice_count[i] += acc[t].slice_count[i];
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
      shell_sum[static_cast<std::size_t>(k)] += total.sum[i] + total.layer_sum[i];
      shell_count[static_cast<std::size_t>(k)] += total.count[i] + total.layer_count[i];
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
  int64_t first_deep_nmc = 0;
  const double nmc_grey = deep_mean(total.nmc_sum, total.nmc_count, first_deep_nmc);

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

  // The eroded level and each near shell's offset from it, over the reference slices. The offset is the
  // edge's leak plus the shell's mean composition difference; what a slice's shell differs from the
  // shell's mean is that slice's composition, kept: eroding alone would sample the matrix away from NMC
  // only, whose depth trend is not the matrix's (their LFP differs near NMC, and is a smaller sample).
  int64_t ref_first = 0, ref_last = slices - 1;
  if (p.reference_slices) ref_first = std::max<int64_t>(0, (*p.reference_slices)[0]), ref_last = std::min(slices - 1, (*p.reference_slices)[1]);
  std::vector<double> ref_sum(static_cast<std::size_t>(shells), 0.0);
  std::vector<int64_t> ref_count(static_cast<std::size_t>(shells), 0);
  for (int64_t sl = ref_first; sl <= ref_last; ++sl)
    for (int64_t k = 0; k < shells; ++k) {
      const auto i = static_cast<std::size_t>(sl * shells + k);
      ref_sum[static_cast<std::size_t>(k)] += total.sum[i];
      ref_count[static_cast<std::size_t>(k)] += total.count[i];
    }
  double level_sum = 0;
  int64_t level_count = 0;
  for (int64_t sl = ref_first; sl <= ref_last; ++sl)
    for (int64_t k = first_kept; k < shells; ++k) {
      const auto i = static_cast<std::size_t>(sl * shells + k);
      level_sum += total.sum[i] + total.layer_sum[i], level_count += total.count[i] + total.layer_count[i];
    }
  const bool has_level = level_count > 0;
  // Matrix voxels sharing a face or an edge with NMC are left out: there sit the segmentation's
  // partial-volume misassignments (NMC voxels labelled matrix), in numbers that follow the particle size
  // and so the depth; no shell offset can remove them.
  const double max_spacing = std::max({sp.dz, sp.dy, sp.dx});
  const int64_t first_used =
      std::min(first_kept, static_cast<int64_t>(std::ceil(p.inner_voxels * max_spacing / bin_um - 1e-9)));
  r.shell_offset_grey.assign(static_cast<std::size_t>(shells), 0.0);
  for (int64_t k = first_used; k < first_kept && has_level; ++k) {
    const auto kk = static_cast<std::size_t>(k);
    if (ref_count[kk] > 0)
      r.shell_offset_grey[kk] = ref_sum[kk] / static_cast<double>(ref_count[kk]) - level_sum / static_cast<double>(level_count);
  }

  r.position_um.resize(static_cast<std::size_t>(slices));
  r.mean_grey.assign(static_cast<std::size_t>(slices), nan);
  r.eroded_voxels.assign(static_cast<std::size_t>(slices), 0);
  r.matrix_voxels.assign(static_cast<std::size_t>(slices), 0);
  for (int64_t sl = 0; sl < slices; ++sl) {
    const auto i = static_cast<std::size_t>(sl);
    double sum = 0;
    int64_t averaged = 0;
    for (int64_t k = 0; k < shells; ++k) {
      const auto kk = static_cast<std::size_t>(k);
      const auto j = static_cast<std::size_t>(sl * shells + k);
      r.matrix_voxels[i] += total.count[j] + total.layer_count[j];
      if (k >= first_kept) {
        r.eroded_voxels[i] += total.count[j] + total.layer_count[j];
        sum += total.layer_sum[j], averaged += total.layer_count[j];  // near a layer: eroded only
      }
      // Without a level, or for a shell absent from the reference slices, only the eroded matrix counts.
      if (k >= first_kept || (k >= first_used && has_level && ref_count[kk] > 0))
        sum += total.sum[j] - r.shell_offset_grey[kk] * static_cast<double>(total.count[j]), averaged += total.count[j];
    }
    r.position_um[i] = (static_cast<double>(sl) + 0.5) * sp[axis];
    if (averaged > 0) r.mean_grey[i] = sum / static_cast<double>(averaged);
  }
  // The matrix fraction from the grey: blurring keeps a slice's mean grey, which is NMC's grey times its
  // fraction plus the matrix's times its own (outside the layers), so it does not depend on where the
  // threshold put NMC's blurred edges.
  const bool any_nmc = std::isfinite(nmc_grey);  // NaN without NMC voxels
  if (p.unmix_matrix_fraction && any_nmc) {
    r.unmixed_matrix_fraction.assign(static_cast<std::size_t>(slices), 0.0);
    for (int64_t sl = 0; sl < slices; ++sl) {
      const auto i = static_cast<std::size_t>(sl);
      const double outside_layers = static_cast<double>(total.slice_count[i]);
      if (outside_layers == 0 || !std::isfinite(r.mean_grey[i]) || nmc_grey - r.mean_grey[i] <= 0) {
        r.unmixed_matrix_fraction[i] = static_cast<double>(r.matrix_voxels[i]) / static_cast<double>(r.slice_voxels);
        continue;
      }
      const double slice_grey = total.slice_sum[i] / outside_layers;
      const double f = std::clamp((nmc_grey - slice_grey) / (nmc_grey - r.mean_grey[i]), 0.0, 1.0);
      r.unmixed_matrix_fraction[i] = f * outside_layers / static_cast<double>(r.slice_voxels);
    }
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
  if (params.reference_slices)
    require((*params.reference_slices)[0] <= (*params.reference_slices)[1], "matrix grey: empty reference slice range");
  if (params.band_thresholds)
    require((*params.band_thresholds)[0] <= (*params.band_thresholds)[1] &&
                (*params.band_thresholds)[1] <= (*params.band_thresholds)[2],
            "matrix grey: band thresholds out of order");
  return grey.visit([&](const auto& v) { return profile_of(v.view(), labels, params); });
}

}  // namespace emorph
