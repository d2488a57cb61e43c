// Masked per-slice grey means (integer-exact sums per slice for integer dtypes, double for float) and
// a least-squares linear grey -> density calibration (Beer-Lambert, Etiemble et al. 2017 Fig. S5).
#include "emorph/measure/grey_calibration.hpp"

#include <omp.h>

#include <array>
#include <cmath>
#include <limits>
#include <type_traits>

#include "emorph/dtype_list.hpp"
#include "emorph/measure/profile_stats.hpp"

namespace emorph {
namespace {

template <class T>
GreyProfileSums masked_sums(VolumeView<const T> grey, VolumeView<const uint8_t> labels, const GreyProfileParams& p) {
  std::array<bool, 256> in_mask{};
  for (uint8_t l : p.mask_labels) in_mask[l] = true;
  const int axis = p.axis;
  const int64_t slices = labels.shape()[axis];
  const int64_t nz = labels.nz(), ny = labels.ny(), nx = labels.nx();
  // Per-thread sums per slice; doubles hold integer grey sums exactly up to 2^53.
  const int threads = omp_get_max_threads();
  std::vector<std::vector<double>> sums(static_cast<std::size_t>(threads));
  std::vector<std::vector<int64_t>> counts(static_cast<std::size_t>(threads));
#pragma omp parallel num_threads(threads)
  {
    const auto t = static_cast<std::size_t>(omp_get_thread_num());
    sums[t].assign(static_cast<std::size_t>(slices), 0.0);
    counts[t].assign(static_cast<std::size_t>(slices), 0);
#pragma omp for schedule(static)
    for (int64_t z = 0; z < nz; ++z)
      for (int64_t y = 0; y < ny; ++y)
        for (int64_t x = 0; x < nx; ++x) {
          if (!in_mask[labels(z, y, x)]) continue;
          const auto s = static_cast<std::size_t>(axis == 0 ? z : axis == 1 ? y : x);
          sums[t][s] += static_cast<double>(grey(z, y, x));
          ++counts[t][s];
        }
  }
  GreyProfileSums r;
  r.axis = axis;
  r.sums.assign(static_cast<std::size_t>(slices), 0.0);
  r.voxels.assign(static_cast<std::size_t>(slices), 0);
  for (int64_t s = 0; s < slices; ++s) {
    const auto i = static_cast<std::size_t>(s);
    for (std::size_t t = 0; t < sums.size(); ++t) r.sums[i] += sums[t][i], r.voxels[i] += counts[t][i];
  }
  return r;
}

template <class T>
void check_grey_profile_inputs(VolumeView<const T> grey, VolumeView<const uint8_t> labels, const GreyProfileParams& params) {
  require(params.axis >= 0 && params.axis <= 2, "--axis must be 0, 1 or 2 (got " + std::to_string(params.axis) + ")");
  require(grey.shape() == labels.shape(), "grey volume shape " + grey.shape().str() + " differs from the label volume's " +
                                              labels.shape().str());
  require(!params.mask_labels.empty(), "grey profile: no phase to average (--grey-phases)");
}

}  // namespace

GreyProfile grey_profile(const GreyProfileSums& sums, double slice_um) {
  GreyProfile r;
  const std::size_t slices = sums.sums.size();
  r.position_um.resize(slices);
  r.mean_grey.assign(slices, 0.0);
  r.voxels = sums.voxels;
  for (std::size_t i = 0; i < slices; ++i) {
    r.position_um[i] = (static_cast<double>(i) + 0.5) * slice_um;
    r.mean_grey[i] = r.voxels[i] > 0 ? sums.sums[i] / static_cast<double>(r.voxels[i]) : std::numeric_limits<double>::quiet_NaN();
  }
  return r;
}

template <class T>
GreyProfile grey_profile(VolumeView<const T> grey, VolumeView<const uint8_t> labels, const GreyProfileParams& params) {
  check_grey_profile_inputs(grey, labels, params);
  return grey_profile(masked_sums(grey, labels, params), labels.spacing()[params.axis]);
}

template <class T>
void accumulate_grey_profile(GreyProfileSums& whole, VolumeView<const T> grey, VolumeView<const uint8_t> labels,
                             int64_t z0, const Shape& whole_shape, const GreyProfileParams& params) {
  check_grey_profile_inputs(grey, labels, params);
  require(z0 >= 0 && z0 + labels.nz() <= whole_shape.nz && labels.ny() == whole_shape.ny && labels.nx() == whole_shape.nx,
          "grey profile: the slab lies outside the volume");
  const GreyProfileSums part = masked_sums(grey, labels, params);
  if (whole.sums.empty()) {
    whole.axis = params.axis;
    whole.sums.assign(static_cast<std::size_t>(whole_shape[params.axis]), 0.0);
    whole.voxels.assign(static_cast<std::size_t>(whole_shape[params.axis]), 0);
  }
  const std::size_t offset = params.axis == 0 ? static_cast<std::size_t>(z0) : 0;
  for (std::size_t i = 0; i < part.sums.size(); ++i) {
    whole.sums[i + offset] += part.sums[i];
    whole.voxels[i + offset] += part.voxels[i];
  }
}

#define EMORPH_ACCUMULATE_GREY(T)                                                                                  \
  template void accumulate_grey_profile(GreyProfileSums&, VolumeView<const T>, VolumeView<const uint8_t>, int64_t, \
                                        const Shape&, const GreyProfileParams&);
EMORPH_FOR_EACH_DTYPE(EMORPH_ACCUMULATE_GREY)
#undef EMORPH_ACCUMULATE_GREY

#define EMORPH_INSTANTIATE_GREY_PROFILE(T) template GreyProfile grey_profile(VolumeView<const T>, VolumeView<const uint8_t>, const GreyProfileParams&);
EMORPH_FOR_EACH_DTYPE(EMORPH_INSTANTIATE_GREY_PROFILE)
#undef EMORPH_INSTANTIATE_GREY_PROFILE

GreyProfile grey_profile(const AnyVolume& grey, VolumeView<const uint8_t> labels, const GreyProfileParams& params) {
  return grey.visit([&](const auto& v) { return grey_profile(v.view(), labels, params); });
}

GreyCalibration fit_grey_calibration(const std::vector<double>& mean_grey, const std::vector<double>& density_g_cm3) {
  require(mean_grey.size() == density_g_cm3.size(), "calibration: --grey and --density need the same number of values");
  require(mean_grey.size() >= 2, "calibration: needs at least 2 (grey, density) pairs");
  for (double g : mean_grey) require(std::isfinite(g), "calibration: grey values must be finite");
  for (double d : density_g_cm3) require(std::isfinite(d) && d > 0, "calibration: densities must be positive");
  const LinearFit f = linear_fit(mean_grey, density_g_cm3);
  GreyCalibration c;
  c.samples = f.n;
  c.slope = f.slope;
  c.intercept = f.intercept;
  c.r_squared = f.r_squared;
  return c;
}

}  // namespace emorph
