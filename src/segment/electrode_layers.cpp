// Collector and air beside the electrode: the half-level crossings of the slice grey standard deviation
// (grey_region.cpp) bound the electrode; an end layer is kept only when it is uniform (its slices spread
// no more than the image noise, estimated from in-slice neighbour differences), then it is the collector
// or air by where its mean grey lies between the electrode's pore grey and its mean grey.
#include "emorph/segment/electrode_layers.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "emorph/dtype_list.hpp"
#include "emorph/error.hpp"

namespace emorph {

const char* end_layer_name(EndLayer layer) {
  switch (layer) {
    case EndLayer::collector: return "collector";
    case EndLayer::air: return "air";
    default: return "none";
  }
}

namespace {

// A low quantile of the voxels of slices first..last along `axis`, from a regular sample of at most ~2^20.
template <class T>
double slab_quantile(VolumeView<const T> grey, int axis, int64_t first, int64_t last, double q) {
  const Shape s = grey.shape();
  const int64_t per_slice = grey.size() / s[axis];
  const int64_t voxels = (last - first + 1) * per_slice;
  const int64_t step = std::max<int64_t>(1, voxels >> 20);
  std::vector<double> sample;
  sample.reserve(static_cast<std::size_t>(voxels / step + 1));
  int64_t k = 0;
  for (int64_t z = 0; z < s.nz; ++z)
    for (int64_t y = 0; y < s.ny; ++y)
      for (int64_t x = 0; x < s.nx; ++x) {
        const int64_t t = axis == 0 ? z : (axis == 1 ? y : x);
        if (t < first || t > last) continue;
        if (k++ % step == 0) sample.push_back(static_cast<double>(grey(z, y, x)));
      }
  const auto at = sample.begin() + static_cast<std::ptrdiff_t>(q * static_cast<double>(sample.size() - 1));
  std::nth_element(sample.begin(), at, sample.end());
  return *at;
}

// Image noise sigma: robust spread (1.4826 MAD) of the differences between in-slice neighbours, / sqrt 2,
// from a regular sample of at most ~2^20 pairs. Most pairs lie inside one phase, so edges barely move it.
template <class T>
double noise_sigma(VolumeView<const T> grey, int axis) {
  const Shape s = grey.shape();
  const int along = axis == 2 ? 1 : 2;  // a lateral axis: y when x is the thickness axis, else x
  const int64_t pairs = grey.size() / s[along] * (s[along] - 1);
  if (pairs <= 0) return 0;
  const int64_t step = std::max<int64_t>(1, pairs >> 20);
  std::vector<double> diff;
  diff.reserve(static_cast<std::size_t>(pairs / step + 1));
  int64_t k = 0;
  for (int64_t z = 0; z < s.nz; ++z)
    for (int64_t y = 0; y < s.ny - (along == 1); ++y)
      for (int64_t x = 0; x < s.nx - (along == 2); ++x)
        if (k++ % step == 0) {
          const double next = along == 2 ? static_cast<double>(grey(z, y, x + 1)) : static_cast<double>(grey(z, y + 1, x));
          diff.push_back(next - static_cast<double>(grey(z, y, x)));
        }
  auto median = [](std::vector<double>& v) {
    const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
    std::nth_element(v.begin(), mid, v.end());
    return *mid;
  };
  const double centre = median(diff);
  for (double& d : diff) d = std::abs(d - centre);
  return 1.4826 * median(diff) / std::sqrt(2.0);
}

// Grey spread beyond the noise (quadrature difference; 0 when the noise explains it all).
double structure_std(double std, double noise) { return std::sqrt(std::max(0.0, std * std - noise * noise)); }

double median_of(const std::vector<double>& v, int64_t first, int64_t last) {
  std::vector<double> part(v.begin() + first, v.begin() + last + 1);
  const auto mid = part.begin() + static_cast<std::ptrdiff_t>(part.size() / 2);
  std::nth_element(part.begin(), mid, part.end());
  return *mid;
}

double mean_of(const std::vector<double>& v, int64_t first, int64_t last) {
  double sum = 0;
  for (int64_t s = first; s <= last; ++s) sum += v[static_cast<std::size_t>(s)];
  return sum / static_cast<double>(last - first + 1);
}

}  // namespace

template <class T>
ElectrodeLayers electrode_layers(VolumeView<const T> grey, const ElectrodeLayersParams& p) {
  require(p.collector_share > 0 && p.collector_share < 1, "electrode layers: collector_share must be in (0, 1)");
  require(p.pore_percentile >= 0 && p.pore_percentile < 0.5, "electrode layers: pore_percentile must be in [0, 0.5)");
  require(p.max_layer_structure > 0 && p.max_layer_structure < 1,
          "electrode layers: max_layer_structure must be in (0, 1)");
  GreyRegionParams gp = p.region;
  gp.axis = p.axis;
  ElectrodeLayers r;
  r.region = grey_electrode_region<T>(grey, gp);
  GreyRegion& g = r.region;
  if (!g.lower_found && !g.upper_found) return r;
  const int64_t ns = grey.shape()[p.axis];
  const double spacing = grey.spacing()[p.axis];
  r.noise_std = noise_sigma<T>(grey, p.axis);
  r.electrode_structure_std = structure_std(g.plateau_std, r.noise_std);
  r.pore_grey = slab_quantile<T>(grey, p.axis, g.first_slice, g.last_slice, p.pore_percentile);
  r.electrode_mean_grey = mean_of(g.slice_mean, g.first_slice, g.last_slice);
  const double span = r.electrode_mean_grey - r.pore_grey;
  auto classify = [&](double mean) {
    return span > 0 && (mean - r.pore_grey) > p.collector_share * span ? EndLayer::collector : EndLayer::air;
  };
  // A foil or air is uniform: its slices spread by the noise only. Electrode slices poor in the bright
  // phase (the first particle radius above a flat wall, a depleted layer) are less heterogeneous than the
  // bulk but still mixed: they stay electrode.
  auto uniform = [&](double layer_structure) {
    return layer_structure <= p.max_layer_structure * r.electrode_structure_std;
  };
  // Layer slices clear of the blurred boundary: centres at least one voxel outside it (else the outermost).
  if (g.lower_found && g.first_slice > 0) {
    const int64_t last = std::clamp<int64_t>(static_cast<int64_t>(std::floor(g.start_um / spacing - 1.5)), 0, g.first_slice - 1);
    r.lower_mean_grey = mean_of(g.slice_mean, 0, last);
    r.lower_structure_std = structure_std(median_of(g.slice_std, 0, last), r.noise_std);
    if (uniform(r.lower_structure_std)) r.lower = classify(r.lower_mean_grey);
  }
  if (g.upper_found && g.last_slice + 1 < ns) {
    const int64_t first = std::clamp<int64_t>(static_cast<int64_t>(std::ceil(g.end_um / spacing + 0.5)), g.last_slice + 1, ns - 1);
    r.upper_mean_grey = mean_of(g.slice_mean, first, ns - 1);
    r.upper_structure_std = structure_std(median_of(g.slice_std, first, ns - 1), r.noise_std);
    if (uniform(r.upper_structure_std)) r.upper = classify(r.upper_mean_grey);
  }
  // A boundary without a uniform layer beyond it is not the electrode's end: the electrode runs to the
  // volume's face on that side.
  if (r.lower == EndLayer::none && g.lower_found) {
    g.lower_found = false;
    g.start_um = 0;
    g.first_slice = 0;
  }
  if (r.upper == EndLayer::none && g.upper_found) {
    g.upper_found = false;
    g.end_um = static_cast<double>(ns) * spacing;
    g.last_slice = ns - 1;
  }
  g.thickness_um = g.end_um - g.start_um;
  if (r.lower == EndLayer::collector) r.collector_um += g.start_um;
  if (r.upper == EndLayer::collector) r.collector_um += static_cast<double>(ns) * spacing - g.end_um;
  return r;
}

#define EMORPH_INSTANTIATE_LAYERS(T) template ElectrodeLayers electrode_layers(VolumeView<const T>, const ElectrodeLayersParams&);
EMORPH_FOR_EACH_DTYPE(EMORPH_INSTANTIATE_LAYERS)
#undef EMORPH_INSTANTIATE_LAYERS

}  // namespace emorph
