// Size-class density profiles (Etiemble et al. 2017, Fig. 6e-h): particles ranked by volume, the
// quantile classes painted back slice by slice along the thickness axis.
#include "emorph/measure/size_class_profile.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <string>

#include <omp.h>

namespace emorph {

SizeClassProfile size_class_profile(VolumeView<const uint32_t> labels, const std::vector<int64_t>& voxels_of_label,
                                    const SizeClassProfileParams& params) {
  require(params.quantile > 0 && params.quantile <= 0.5, "size classes: --quantile must lie in (0, 0.5]");
  const int axis = params.axis < 0 ? labels.thickness_axis() : params.axis;
  require(axis >= 0 && axis <= 2, "size classes: --axis must be 0, 1 or 2");
  SizeClassProfile r;
  r.axis = axis;
  std::vector<uint32_t> present;
  for (std::size_t l = 1; l < voxels_of_label.size(); ++l)
    if (voxels_of_label[l] > 0) present.push_back(static_cast<uint32_t>(l));
  std::stable_sort(present.begin(), present.end(),
                   [&](uint32_t a, uint32_t b) { return voxels_of_label[a] < voxels_of_label[b]; });
  const auto k = static_cast<std::size_t>(std::llround(params.quantile * static_cast<double>(present.size())));
  // Class per label: 0 none, 1 small, 2 large (a particle cannot be in both since q <= 0.5).
  std::vector<uint8_t> cls(voxels_of_label.size(), 0);
  for (std::size_t i = 0; i < k; ++i) cls[present[i]] = 1;
  for (std::size_t i = present.size() - k; i < present.size(); ++i) cls[present[i]] = 2;
  r.small_count = r.large_count = static_cast<int64_t>(k);
  const double voxel_um3 = labels.spacing().voxel_volume_um3();
  if (k > 0) {
    r.small_max_volume_um3 = static_cast<double>(voxels_of_label[present[k - 1]]) * voxel_um3;
    r.large_min_volume_um3 = static_cast<double>(voxels_of_label[present[present.size() - k]]) * voxel_um3;
  }
  const int64_t slices = labels.shape()[axis];
  const Shape s = labels.shape();
  // Per slice counts of each class, integer, accumulated per z-plane row then merged: thread-independent.
  std::vector<std::array<int64_t, 3>> counts(static_cast<std::size_t>(slices), {0, 0, 0});
  const int nthreads = omp_get_max_threads();
  std::vector<std::vector<std::array<int64_t, 3>>> partial(static_cast<std::size_t>(nthreads));
  const uint32_t max_label = static_cast<uint32_t>(voxels_of_label.size() - 1);
  bool bad = false;
#pragma omp parallel num_threads(nthreads) reduction(|| : bad)
  {
    auto& c = partial[static_cast<std::size_t>(omp_get_thread_num())];
    c.assign(static_cast<std::size_t>(slices), {0, 0, 0});
#pragma omp for schedule(static)
    for (int64_t z = 0; z < s.nz; ++z)
      for (int64_t y = 0; y < s.ny; ++y) {
        const uint32_t* row = labels.row(z, y);
        for (int64_t x = 0; x < s.nx; ++x) {
          const uint32_t l = row[x * labels.strides().sx];
          if (l == 0) continue;
          if (l > max_label) {
            bad = true;
            continue;
          }
          const int64_t slice = axis == 0 ? z : axis == 1 ? y : x;
          auto& e = c[static_cast<std::size_t>(slice)];
          e[0] += 1;
          if (cls[l] == 1) e[1] += 1;
          else if (cls[l] == 2) e[2] += 1;
        }
      }
  }
  require(!bad, "size classes: label volume holds labels above the particle count");
  for (const auto& c : partial)
    for (std::size_t i = 0; i < c.size(); ++i)
      for (int j = 0; j < 3; ++j) counts[i][static_cast<std::size_t>(j)] += c[i][static_cast<std::size_t>(j)];
  const double per_slice = static_cast<double>(s.voxels() / slices);
  const double step = labels.spacing()[axis];
  for (int64_t i = 0; i < slices; ++i) {
    const auto& e = counts[static_cast<std::size_t>(i)];
    r.position_um.push_back((static_cast<double>(i) + 0.5) * step);
    r.all_fraction.push_back(static_cast<double>(e[0]) / per_slice);
    r.small_fraction.push_back(static_cast<double>(e[1]) / per_slice);
    r.large_fraction.push_back(static_cast<double>(e[2]) / per_slice);
  }
  return r;
}

}  // namespace emorph
