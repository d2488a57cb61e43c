// FIB/SEM pore segmentation robust to shine-through, after Prill et al. 2013 (J. Microsc. 250:77-87,
// morphological segmentation of highly porous media: marker-controlled watershed on a gradient relief);
// markers from the grey profile along the milling direction (shine-through grows towards the solid
// behind the section plane, cf. Salzer et al. 2012), see fibsem_pores.hpp.
#include "emorph/segment/fibsem_pores.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "emorph/dtype_list.hpp"
#include "emorph/error.hpp"
#include "emorph/filter/gaussian.hpp"
#include "emorph/filter/grey_modes.hpp"
#include "emorph/parallel.hpp"
#include "emorph/segment/histogram.hpp"
#include "emorph/segment/threshold.hpp"
#include "emorph/segment/watershed.hpp"

namespace emorph {

namespace {

double percentile(const Histogram& h, double q) {
  const double target = q * static_cast<double>(h.total());
  double cum = 0;
  for (int i = 0; i < h.bins(); ++i) {
    cum += static_cast<double>(h.counts[i]);
    if (cum >= target) return h.center(i);
  }
  return h.center(h.bins() - 1);
}

}  // namespace

// Central-difference gradient magnitude within the section planes (one-sided at the faces).
Volume<float> in_plane_gradient(const Volume<float>& g, int milling_axis) {
  Volume<float> out(g.shape(), g.spacing());
  const int64_t nz = g.nz(), ny = g.ny(), nx = g.nx();
#pragma omp parallel for schedule(static) num_threads(thread_count())
  for (int64_t z = 0; z < nz; ++z)
    for (int64_t y = 0; y < ny; ++y)
      for (int64_t x = 0; x < nx; ++x) {
        auto diff = [&](int64_t i, int64_t n, auto at) {
          const int64_t a = i > 0 ? i - 1 : i, b = i + 1 < n ? i + 1 : i;
          return b > a ? (at(b) - at(a)) / static_cast<float>(b - a) : 0.f;
        };
        const float dz = diff(z, nz, [&](int64_t k) { return g(k, y, x); });
        const float dy = diff(y, ny, [&](int64_t k) { return g(z, k, x); });
        const float dx = diff(x, nx, [&](int64_t k) { return g(z, y, k); });
        const float d2[3] = {dz * dz, dy * dy, dx * dx};
        out(z, y, x) = std::sqrt(d2[0] + d2[1] + d2[2] - d2[milling_axis]);
      }
  return out;
}

template <class T>
FibsemPoreResult fibsem_pores(VolumeView<const T> grey, const FibsemPoreParams& p) {
  require(p.milling_axis >= 0 && p.milling_axis <= 2, "fibsem pores: milling axis must be 0, 1 or 2");
  require(p.behind == 1 || p.behind == -1, "fibsem pores: behind must be +1 or -1");
  require(p.smoothing_sigma >= 0 && p.smoothing_sigma <= 10, "fibsem pores: smoothing sigma must be in [0, 10] voxels");
  require(p.rise_fraction > 0 && p.rise_fraction < 1, "fibsem pores: rise fraction must be in (0, 1)");
  require(grey.shape()[p.milling_axis] >= 3, "fibsem pores: the stack needs at least 3 slices along the milling axis");
  require(p.grey_classes >= 2 && p.grey_classes <= 8, "fibsem pores: grey classes must be between 2 and 8");
  GaussianParams gp;
  gp.sigma_voxels = std::array<double, 3>{p.smoothing_sigma, p.smoothing_sigma, p.smoothing_sigma};
  (*gp.sigma_voxels)[p.milling_axis] = 0.0;
  Volume<float> g = gaussian_filter<T>(grey, gp);  // sigma 0: a plain float copy
  const Shape s = g.shape();
  const int64_t n_axis = s[p.milling_axis];
  const int64_t step = p.milling_axis == 0 ? s.ny * s.nx : (p.milling_axis == 1 ? s.nx : 1);
  auto coord = [&](int64_t z, int64_t y, int64_t x) { return p.milling_axis == 0 ? z : (p.milling_axis == 1 ? y : x); };
  const float* gd = g.data();

  Histogram all = histogram<float>(g.view(), {});
  const double range = percentile(all, 0.99) - percentile(all, 0.01);
  require(range > 0, "fibsem pores: the image has no contrast (constant grey value)");
  FibsemPoreResult r;
  r.background = percentile(all, 0.01);
  r.rise_threshold = p.rise_fraction;
  const float rise_t = static_cast<float>(p.rise_fraction);
  const float bg = static_cast<float>(r.background), floor_level = static_cast<float>(0.1 * range);

  // Relative rise toward the material behind: shine-through above the background grows by a constant
  // factor exp(1/depth) per slice towards its source, whatever the source's grey level; 0 where there
  // is no voxel behind.
  auto rise = [&](int64_t i, int64_t c) -> float {
    const int64_t cb = c + p.behind;
    if (cb < 0 || cb >= n_axis) return 0.f;
    return (gd[i + p.behind * step] - gd[i]) / std::max(gd[i] - bg, floor_level);
  };
  // 0 flat, 1 ramp (pore), 2 single rise (unmarked).
  Volume<uint8_t> kind(s);
#pragma omp parallel for schedule(static) num_threads(thread_count())
  for (int64_t z = 0; z < s.nz; ++z)
    for (int64_t y = 0; y < s.ny; ++y)
      for (int64_t x = 0; x < s.nx; ++x) {
        const int64_t i = (z * s.ny + y) * s.nx + x, c = coord(z, y, x);
        uint8_t k = 0;
        if (rise(i, c) > rise_t) {
          const int64_t cf = c - p.behind;  // the voxel in front
          const bool front_rises = cf >= 0 && cf < n_axis && rise(i - p.behind * step, cf) > rise_t;
          k = front_rises ? 1 : 2;
        }
        kind(z, y, x) = k;
      }
  Volume<uint8_t> flat(s);
  for (int64_t i = 0; i < flat.size(); ++i) flat.data()[i] = kind.data()[i] == 0;
  // Grey classes on the unsmoothed values: in-plane smoothing would lift narrow gaps between bright
  // particles above the threshold.
  GaussianParams copy;
  copy.sigma = 0.0;
  const Volume<float> raw = gaussian_filter<T>(grey, copy);
  const Histogram hflat = histogram<float>(raw.view(), {}, flat.view());
  // The most classes (up to grey_classes) whose lowest threshold does not cut the pores' own peak: it
  // must lie at least half a noise sd above the pores' grey mode (below that, >= 31 % of the flat pores
  // fall on the solid side). A fixed four on a cube with fewer grey phases (preset A: pores, CB+PVdF, a
  // little NMC, no LFP) put it at or below the pores' mode and left half the pores solid. The pores'
  // mode is the darkest grey mode of the flat voxels when it lies within 3 noise sd of the darkest grey
  // (background); preset F's flat voxels often hold none (its pores are ramps and edges): four classes.
  std::vector<float> flat_sample;
  const int64_t n_flat = std::count(flat.data(), flat.data() + flat.size(), uint8_t{1});
  const int64_t stride = std::max<int64_t>(1, n_flat / (1 << 18));
  for (int64_t i = 0, seen = 0; i < flat.size(); ++i)
    if (flat.data()[i] && seen++ % stride == 0) flat_sample.push_back(raw.data()[i]);
  const double noise = pixel_noise(raw.view());
  const double mode_window = std::max(2 * noise, 0.01 * range);
  // One grey population over the whole stack: one phase fills the field (a cube inside one particle),
  // and no grey threshold or rise separates pores from it; the noise alone made the rises and split
  // the mode in two (preset A 10 and 20 nm seed 6, all NMC: 58 % "pores"). Its test: one grey mode of
  // all voxels (window two noise sd) and a grey sd at most single_population_spread pixel-noise sd.
  // The spread guards a second phase seen only as a shoulder of the first: A 10 nm seed 4, 80 % pores
  // lit by shine-through and 20 % CB+PVdF, shows one mode but a spread of 2.5-2.8 noise sd; one phase
  // under the simulator's curtains (stripes of 1.25 noise sd, constant along y, so missing from the
  // pixel noise) 1.4-1.6. No pore: which phase it is is left to the solid step.
  std::vector<float> all_sample;
  const int64_t all_stride = std::max<int64_t>(1, raw.size() / (1 << 18));
  double sum = 0, sum2 = 0;
  for (int64_t i = 0; i < raw.size(); i += all_stride) {
    const double v = raw.data()[i];
    all_sample.push_back(raw.data()[i]), sum += v, sum2 += v * v;
  }
  const double n_all = double(all_sample.size()), spread = std::sqrt(std::max(0.0, sum2 / n_all - (sum / n_all) * (sum / n_all)));
  if (spread <= p.single_population_spread * noise && grey_modes(all_sample, mode_window, p.min_mode_share).size() <= 1) {
    r.single_population = true;
    r.grey_classes = 1;
    r.solid_threshold = r.background;  // reported only: no voxel is marked pore by its grey
    r.pores = Volume<uint8_t>(s, grey.spacing(), grey.thickness_axis());
    std::fill_n(r.pores.data(), r.pores.size(), uint8_t{0});
    r.solid_markers = r.pores.size();
    return r;
  }
  const std::vector<GreyMode> modes = grey_modes(flat_sample, mode_window, p.min_mode_share);
  const bool pore_mode = !modes.empty() && modes.front().grey < r.background + 3 * noise;
  for (int classes = p.grey_classes; classes >= 2; --classes) {
    r.grey_classes = classes;
    r.solid_threshold = threshold_multiotsu(hflat, classes).thresholds[0];
    if (!pore_mode || r.solid_threshold >= modes.front().grey + 0.5 * noise) break;
  }
  const float solid_t = static_cast<float>(r.solid_threshold);

  // Voxels on an in-plane edge stay unmarked: the watershed puts the boundary on the gradient crest,
  // half-way between the two grey levels whatever the phase, instead of a grey threshold doing it.
  const Volume<float> relief = in_plane_gradient(g, p.milling_axis);
  r.edge_threshold = p.edge_fraction * range;
  const float edge_t = static_cast<float>(r.edge_threshold);
  Volume<uint32_t> markers(s);
  for (int64_t i = 0; i < markers.size(); ++i) {
    const uint8_t k = kind.data()[i];
    uint32_t m = k == 1 ? 1u : (k == 2 ? 0u : (raw.data()[i] < solid_t ? 1u : 2u));
    if (relief.data()[i] > edge_t) m = 0;
    markers.data()[i] = m;
    r.pore_markers += m == 1;
    r.solid_markers += m == 2;
    r.unmarked += m == 0;
  }
  // One watershed per section plane: each slice is a separate SEM image and the relief is its in-plane
  // gradient, so a flood must not leak across slices where no relief separates the phases.
  WatershedParams wp;
  wp.connectivity = p.connectivity;
  r.pores = Volume<uint8_t>(s, grey.spacing(), grey.thickness_axis());
  const VolumeView<uint8_t> pores_view = r.pores.view();
  int64_t pores = 0;
#pragma omp parallel for schedule(dynamic, 1) reduction(+ : pores) num_threads(thread_count())
  for (int64_t c = 0; c < n_axis; ++c) {
    Box plane{0, s.nz, 0, s.ny, 0, s.nx};
    (p.milling_axis == 0 ? plane.z0 : (p.milling_axis == 1 ? plane.y0 : plane.x0)) = c;
    (p.milling_axis == 0 ? plane.z1 : (p.milling_axis == 1 ? plane.y1 : plane.x1)) = c + 1;
    const Volume<uint32_t> basins = watershed(relief.view().crop(plane), markers.view().crop(plane), {}, wp);
    const VolumeView<uint8_t> out = pores_view.crop(plane);
    for (int64_t z = 0; z < basins.nz(); ++z)
      for (int64_t y = 0; y < basins.ny(); ++y)
        for (int64_t x = 0; x < basins.nx(); ++x) pores += out(z, y, x) = basins(z, y, x) == 1;
  }
  r.pore_fraction = static_cast<double>(pores) / static_cast<double>(r.pores.size());
  return r;
}

#define EMORPH_FIBSEM_PORES(T) template FibsemPoreResult fibsem_pores(VolumeView<const T>, const FibsemPoreParams&);
EMORPH_FOR_EACH_DTYPE(EMORPH_FIBSEM_PORES)
#undef EMORPH_FIBSEM_PORES

}  // namespace emorph
