// Electrode region on grey volumes by the half-level crossing of the per-slice grey standard deviation
// (a slice-heterogeneity profile, like the slice-wise statistics of Etiemble et al. 2017, Fig. S5).
// Per-slice sums are accumulated in a fixed order (one plane at a time), so results do not depend on
// the thread count.
#include "emorph/segment/grey_region.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "emorph/dtype_list.hpp"
#include "emorph/error.hpp"
#include "emorph/parallel.hpp"

namespace emorph {

template <class T>
GreyRegion grey_electrode_region(VolumeView<const T> grey, const GreyRegionParams& p) {
  require(p.axis >= 0 && p.axis <= 2, "--axis must be 0, 1 or 2, got " + std::to_string(p.axis));
  require(p.level > 0 && p.level < 1, "electrode region: level must be in (0, 1)");
  require(!grey.empty(), "electrode region: the volume is empty");
  const int64_t nz = grey.nz(), ny = grey.ny(), nx = grey.nx();
  const int64_t ns = grey.shape()[p.axis];
  // Per plane z: sums per slice index (for axis 0 a single entry).
  const int64_t per_plane = p.axis == 0 ? 1 : ns;
  std::vector<double> s1(nz * per_plane, 0.0), s2(nz * per_plane, 0.0);
#pragma omp parallel for schedule(static) num_threads(thread_count())
  for (int64_t z = 0; z < nz; ++z) {
    double* a = &s1[z * per_plane];
    double* b = &s2[z * per_plane];
    for (int64_t y = 0; y < ny; ++y)
      for (int64_t x = 0; x < nx; ++x) {
        const double v = static_cast<double>(grey(z, y, x));
        const int64_t s = p.axis == 0 ? 0 : (p.axis == 1 ? y : x);
        a[s] += v;
        b[s] += v * v;
      }
  }
  GreyRegion r;
  r.axis = p.axis;
  r.slice_mean.assign(ns, 0.0);
  r.slice_std.assign(ns, 0.0);
  const double per_slice = static_cast<double>(grey.size() / ns);
  for (int64_t s = 0; s < ns; ++s) {
    double a = 0, b = 0;
    if (p.axis == 0) {
      a = s1[s], b = s2[s];
    } else {
      for (int64_t z = 0; z < nz; ++z) a += s1[z * ns + s], b += s2[z * ns + s];
    }
    const double mean = a / per_slice;
    r.slice_mean[s] = mean;
    r.slice_std[s] = std::sqrt(std::max(0.0, b / per_slice - mean * mean));
  }
  const auto& h = r.slice_std;
  const double spacing = grey.spacing()[p.axis];
  r.baseline_std = *std::min_element(h.begin(), h.end());
  const double peak = *std::max_element(h.begin(), h.end());
  // Plateau: median of the slices above the half-way level between baseline and peak (robust to a few
  // very heterogeneous slices, e.g. the rough collector interface).
  std::vector<double> upper;
  for (double v : h)
    if (v >= 0.5 * (r.baseline_std + peak)) upper.push_back(v);
  std::nth_element(upper.begin(), upper.begin() + upper.size() / 2, upper.end());
  r.plateau_std = upper[upper.size() / 2];
  r.start_um = 0;
  r.end_um = static_cast<double>(ns) * spacing;
  if (r.plateau_std - r.baseline_std > p.min_contrast * r.plateau_std) {
    const double level = r.baseline_std + p.level * (r.plateau_std - r.baseline_std);
    // The run of slices above the level that contains the slice closest to the plateau value.
    int64_t seed = 0;
    for (int64_t s = 0; s < ns; ++s)
      if (std::abs(h[s] - r.plateau_std) < std::abs(h[seed] - r.plateau_std)) seed = s;
    int64_t lo = seed, hi = seed;
    while (lo > 0 && h[lo - 1] >= level) --lo;
    while (hi + 1 < ns && h[hi + 1] >= level) ++hi;
    // Slice centres at s + 0.5; crossing between centres by linear interpolation.
    double start = 0, end = static_cast<double>(ns);
    if (lo > 0) {
      r.lower_found = true;
      start = (lo - 0.5) + (level - h[lo - 1]) / (h[lo] - h[lo - 1]);
    }
    if (hi + 1 < ns) {
      r.upper_found = true;
      end = (hi + 0.5) + (h[hi] - level) / (h[hi] - h[hi + 1]);
    }
    r.start_um = start * spacing;
    r.end_um = end * spacing;
  }
  r.thickness_um = r.end_um - r.start_um;
  r.first_slice = std::clamp<int64_t>(static_cast<int64_t>(std::ceil(r.start_um / spacing - 0.5)), 0, ns - 1);
  r.last_slice = std::clamp<int64_t>(static_cast<int64_t>(std::floor(r.end_um / spacing - 0.5)), 0, ns - 1);
  return r;
}

#define EMORPH_INSTANTIATE_GREY_REGION(T) template GreyRegion grey_electrode_region(VolumeView<const T>, const GreyRegionParams&);
EMORPH_FOR_EACH_DTYPE(EMORPH_INSTANTIATE_GREY_REGION)
#undef EMORPH_INSTANTIATE_GREY_REGION

}  // namespace emorph
