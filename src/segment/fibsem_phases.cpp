// Solid phases of a FIB/SEM stack: grey modes of the edge-free solid voxels by mean shift (Comaniciu &
// Meer 2002) name the phases present; a marker-controlled watershed of the in-plane gradient (Beucher &
// Meyer 1993, as in fibsem_pores.cpp) places their boundaries, so blurred rims keep their particle's phase.
#include "emorph/segment/fibsem_phases.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "emorph/dtype_list.hpp"
#include "emorph/error.hpp"
#include "emorph/filter/gaussian.hpp"
#include "emorph/filter/grey_modes.hpp"
#include "emorph/parallel.hpp"
#include "emorph/segment/fibsem_pores.hpp"
#include "emorph/segment/watershed.hpp"

namespace emorph {

double expected_bse_contrast(const std::string& name) {
  // BSE grey rises with the mean atomic number: carbon black + PVdF little above the pores (epoxy or
  // vacuum), LFP well above, NMC brightest (the grey levels of Etiemble et al. 2017, Figure 3, and of
  // emorph's FIB/SEM simulator: pore 25, CB+PVdF 75, LFP 140, NMC 200).
  if (name == "CBD") return 0.29;
  if (name == "LFP") return 0.66;
  if (name == "NMC") return 1.0;
  return std::numeric_limits<double>::quiet_NaN();
}

namespace {

// Every `stride`-th value of `v` where keep(i).
template <class Keep>
std::vector<float> sample_where(const Volume<float>& v, int64_t limit, Keep keep) {
  int64_t n = 0;
  for (int64_t i = 0; i < v.size(); ++i) n += keep(i);
  const int64_t stride = std::max<int64_t>(1, n / std::max<int64_t>(limit, 1));
  std::vector<float> out;
  int64_t seen = 0;
  for (int64_t i = 0; i < v.size(); ++i)
    if (keep(i) && seen++ % stride == 0) out.push_back(v.data()[i]);
  return out;
}

// The k of the m named phases (ascending index lists) whose expected contrasts best fit the modes'
// contrasts above the pores, up to one common scale: the score is sum (u c_i / e_i - 1)^2 with the
// best u, so only the ratios between the modes count.
std::vector<std::size_t> best_names(const std::vector<double>& contrast, const std::vector<double>& expected) {
  const std::size_t k = contrast.size(), m = expected.size();
  std::vector<std::size_t> pick(k), best;
  double best_score = std::numeric_limits<double>::infinity();
  // Enumerate ascending index combinations (m is small: the named solid phases).
  std::vector<bool> chosen(m, false);
  std::fill(chosen.end() - static_cast<std::ptrdiff_t>(k), chosen.end(), true);
  do {
    std::size_t j = 0;
    for (std::size_t i = 0; i < m; ++i)
      if (chosen[i]) pick[j++] = i;
    double sr = 0, srr = 0;
    for (std::size_t i = 0; i < k; ++i) {
      const double r = contrast[i] / expected[pick[i]];
      sr += r, srr += r * r;
    }
    const double u = srr > 0 ? sr / srr : 0;
    double score = 0;
    for (std::size_t i = 0; i < k; ++i) score += std::pow(u * contrast[i] / expected[pick[i]] - 1, 2);
    if (score < best_score) best_score = score, best = pick;
  } while (std::next_permutation(chosen.begin(), chosen.end()));
  return best;
}

}  // namespace

Json FibsemPhaseResult::to_json() const {
  Json j = {{"pore_grey", pore_grey},     {"noise_sigma", noise_sigma}, {"mode_grey", mode_grey},
            {"phases", phases},           {"absent", absent},           {"thresholds", thresholds},
            {"phase_voxels", phase_voxels}, {"pore_voxels", pore_voxels}};
  return j;
}

template <class T>
FibsemPhaseResult fibsem_phases(VolumeView<const T> grey, VolumeView<const uint8_t> pores, const FibsemPhaseParams& p) {
  require(pores.shape() == grey.shape(), "fibsem phases: pore mask shape " + pores.shape().str() +
                                             " differs from volume shape " + grey.shape().str());
  require(p.milling_axis >= 0 && p.milling_axis <= 2, "fibsem phases: milling axis must be 0, 1 or 2");
  require(!p.names.empty() && p.names.size() == p.labels.size() && p.names.size() == p.expected_contrast.size(),
          "fibsem phases: one label and one expected contrast per named solid phase");
  require(p.min_phase_share > 0 && p.min_phase_share < 0.5, "fibsem phases: the minimum phase share must be in (0, 0.5)");
  require(p.smoothing_sigma >= 0 && p.smoothing_sigma <= 10, "fibsem phases: smoothing sigma must be in [0, 10] voxels");
  GaussianParams smooth, copy;
  smooth.sigma_voxels = std::array<double, 3>{p.smoothing_sigma, p.smoothing_sigma, p.smoothing_sigma};
  (*smooth.sigma_voxels)[p.milling_axis] = 0.0;
  copy.sigma = 0.0;
  const Volume<float> raw = gaussian_filter<T>(grey, copy);
  const Volume<float> relief = in_plane_gradient(gaussian_filter<T>(grey, smooth), p.milling_axis);
  Volume<uint8_t> pore(grey.shape());
  for (int64_t z = 0; z < grey.nz(); ++z)
    for (int64_t y = 0; y < grey.ny(); ++y)
      for (int64_t x = 0; x < grey.nx(); ++x) pore(z, y, x) = pores(z, y, x) != 0;

  FibsemPhaseResult r;
  std::vector<float> all = sample_where(raw, 1 << 18, [](int64_t) { return true; });
  std::sort(all.begin(), all.end());
  const double range = all[all.size() * 99 / 100] - all[all.size() / 100];
  require(range > 0, "fibsem phases: the image has no contrast (constant grey value)");
  const float edge_t = static_cast<float>(p.edge_fraction * range);
  r.noise_sigma = pixel_noise(raw.view());
  const double h = std::max(2 * r.noise_sigma, 0.01 * range);
  auto flat = [&](int64_t i) { return relief.data()[i] <= edge_t; };
  const std::vector<float> solid = sample_where(raw, 1 << 18, [&](int64_t i) { return !pore.data()[i] && flat(i); });
  require(!solid.empty(), "fibsem phases: no edge-free solid voxel (the pore mask covers the solid)");
  std::vector<GreyMode> modes = grey_modes(solid, h, p.min_phase_share);
  require(!modes.empty(), "fibsem phases: the solid voxels show no grey mode");
  // The pores' level is that of the deep pores: shine-through spreads the pores' grey upwards (their
  // fullest mode lay 18 grey levels above the deep pores on the simulator's preset F), so it is read
  // from the darkest pores: their 1st percentile plus 2.33 noise standard deviations (the 1st
  // percentile of a Gaussian lies 2.33 sd below its mean).
  std::vector<float> pore_sample = sample_where(raw, 1 << 18, [&](int64_t i) { return pore.data()[i] && flat(i); });
  if (pore_sample.empty()) {
    r.pore_grey = all[all.size() / 100];
  } else {
    const auto low = pore_sample.begin() + static_cast<std::ptrdiff_t>(pore_sample.size() / 100);
    std::nth_element(pore_sample.begin(), low, pore_sample.end());
    r.pore_grey = *low + 2.326 * r.noise_sigma;
  }

  // More modes than named phases: the fullest ones are the phases.
  const std::size_t m = p.names.size();
  if (modes.size() > m) {
    std::vector<GreyMode> fullest = modes;
    std::sort(fullest.begin(), fullest.end(), [](const GreyMode& a, const GreyMode& b) { return a.count > b.count; });
    fullest.resize(m);
    std::sort(fullest.begin(), fullest.end(), [](const GreyMode& a, const GreyMode& b) { return a.grey < b.grey; });
    modes = fullest;
  }
  const std::size_t k = modes.size();
  std::vector<std::size_t> named(k);
  for (std::size_t i = 0; i < k; ++i) named[i] = i;
  if (k < m) {
    std::string list;
    for (const auto& n : p.names) list += (list.empty() ? "" : ",") + n;
    require(k >= 2, "fibsem phases: the solid shows one grey mode for the " + std::to_string(m) + " phases " + list +
                        "; which phase it is cannot be told from one level: name it with --classes pore,<phase>");
    for (double e : p.expected_contrast)
      require(std::isfinite(e) && e > 0, "fibsem phases: " + std::to_string(k) + " grey modes for " + std::to_string(m) +
                                             " phases (" + list + ") and no expected contrast to tell which are "
                                             "present: name the present ones with --classes");
    std::vector<double> contrast;
    for (const auto& mode : modes) contrast.push_back(std::max(mode.grey - r.pore_grey, 1e-6));
    named = best_names(contrast, p.expected_contrast);
  }
  std::vector<bool> present(m, false);
  for (std::size_t i = 0; i < k; ++i) {
    present[named[i]] = true;
    r.mode_grey.push_back(modes[i].grey);
    r.phases.push_back(p.names[named[i]]);
  }
  for (std::size_t i = 0; i < m; ++i)
    if (!present[i]) r.absent.push_back(p.names[i]);
  for (std::size_t i = 0; i + 1 < k; ++i) r.thresholds.push_back(0.5 * (modes[i].grey + modes[i + 1].grey));
  auto grey_class = [&](float v) {
    uint32_t c = 0;
    while (c < r.thresholds.size() && v > r.thresholds[c]) ++c;
    return c;
  };

  const Shape s = grey.shape();
  Volume<uint32_t> markers(s);
  Volume<uint8_t> solid_mask(s);
  for (int64_t i = 0; i < markers.size(); ++i) {
    const bool is_solid = !pore.data()[i];
    solid_mask.data()[i] = is_solid;
    markers.data()[i] = is_solid && flat(i) ? grey_class(raw.data()[i]) + 1 : 0;
  }
  // One watershed per section plane: each slice is a separate SEM image (as for the pores).
  WatershedParams wp;
  wp.connectivity = p.connectivity;
  r.labels = Volume<uint8_t>(s, grey.spacing(), grey.thickness_axis());
  const VolumeView<uint8_t> out = r.labels.view();
  const int64_t n_axis = s[p.milling_axis];
#pragma omp parallel for schedule(dynamic, 1) num_threads(thread_count())
  for (int64_t c = 0; c < n_axis; ++c) {
    Box plane{0, s.nz, 0, s.ny, 0, s.nx};
    (p.milling_axis == 0 ? plane.z0 : (p.milling_axis == 1 ? plane.y0 : plane.x0)) = c;
    (p.milling_axis == 0 ? plane.z1 : (p.milling_axis == 1 ? plane.y1 : plane.x1)) = c + 1;
    const Volume<uint32_t> basins =
        watershed(relief.view().crop(plane), markers.view().crop(plane), solid_mask.view().crop(plane), wp);
    const VolumeView<uint8_t> o = out.crop(plane);
    const VolumeView<const uint8_t> po = pore.view().crop(plane);
    const VolumeView<const float> g = raw.view().crop(plane);
    for (int64_t z = 0; z < basins.nz(); ++z)
      for (int64_t y = 0; y < basins.ny(); ++y)
        for (int64_t x = 0; x < basins.nx(); ++x) {
          if (po(z, y, x)) {
            o(z, y, x) = p.pore_label;
            continue;
          }
          // A solid voxel no marker reaches in its plane (an isolated rim) takes its grey class.
          const uint32_t b = basins(z, y, x);
          o(z, y, x) = p.labels[named[b > 0 ? b - 1 : grey_class(g(z, y, x))]];
        }
  }
  r.phase_voxels.assign(k, 0);
  for (int64_t i = 0; i < r.labels.size(); ++i) {
    const uint8_t l = r.labels.data()[i];
    if (pore.data()[i]) {
      ++r.pore_voxels;
      continue;
    }
    for (std::size_t c = 0; c < k; ++c)
      if (p.labels[named[c]] == l) ++r.phase_voxels[c];
  }
  return r;
}

#define EMORPH_FIBSEM_PHASES(T) \
  template FibsemPhaseResult fibsem_phases(VolumeView<const T>, VolumeView<const uint8_t>, const FibsemPhaseParams&);
EMORPH_FOR_EACH_DTYPE(EMORPH_FIBSEM_PHASES)
#undef EMORPH_FIBSEM_PHASES

}  // namespace emorph
