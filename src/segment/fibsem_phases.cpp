// Solid phases of a FIB/SEM stack: grey modes of the edge-free solid voxels by mean shift (Comaniciu &
// Meer 2002) name the phases present; a marker-controlled watershed of the in-plane gradient (Beucher &
// Meyer 1993, as in fibsem_pores.cpp) places their boundaries, so blurred rims keep their particle's phase.
#include "emorph/segment/fibsem_phases.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

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

// Misfit of naming the modes of contrasts `c` (above the pores, ascending) as the phases `pick` of
// expected contrasts `e`: the largest disagreement between a measured and an expected contrast ratio,
// max_i log(c_i / e_i) - min_i log(c_i / e_i) (0 for one mode). Only ratios count: the detector's gain
// is unknown, the contrast of BSE grey between phases is not.
double naming_misfit(const std::vector<double>& c, const std::vector<double>& e, const std::vector<std::size_t>& modes,
                     const std::vector<std::size_t>& pick) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (std::size_t i = 0; i < modes.size(); ++i) {
    const double r = std::log(c[modes[i]] / e[pick[i]]);
    lo = std::min(lo, r), hi = std::max(hi, r);
  }
  return hi - lo;
}

// Every ascending choice of k of n indices, passed to visit.
template <class Visit>
void for_each_choice(std::size_t n, std::size_t k, Visit visit) {
  std::vector<bool> chosen(n, false);
  std::fill(chosen.end() - static_cast<std::ptrdiff_t>(k), chosen.end(), true);
  std::vector<std::size_t> pick;
  do {
    pick.clear();
    for (std::size_t i = 0; i < n; ++i)
      if (chosen[i]) pick.push_back(i);
    visit(pick);
  } while (std::next_permutation(chosen.begin(), chosen.end()));
}

// The phase-present rule (docs/segmentation.md): the largest set of modes that can be named by distinct
// phases, in the same order of grey, with every contrast ratio within the tolerance of the expected
// one; among sets of that size the smallest misfit. Modes left out are not phases (a second level of
// one phase, pores lit by shine-through): they join the nearest named mode.
struct Naming {
  std::vector<std::size_t> modes, names;
  double misfit = std::numeric_limits<double>::infinity();
};

Naming name_by_contrast(const std::vector<double>& contrast, const std::vector<double>& expected, double tolerance) {
  const std::size_t k = contrast.size(), m = expected.size();
  for (std::size_t j = std::min(k, m); j >= 2; --j) {
    Naming best;
    for_each_choice(k, j, [&](const std::vector<std::size_t>& modes) {
      for_each_choice(m, j, [&](const std::vector<std::size_t>& names) {
        const double f = naming_misfit(contrast, expected, modes, names);
        if (f < best.misfit) best = {modes, names, f};
      });
    });
    if (best.misfit <= tolerance) return best;
  }
  return {};
}

// Why one solid grey mode is refused, with what was seen: expected contrasts are ratios between phases
// (the detector's gain is unknown), so one level names no phase. Without pores (one population fills
// the stack) there is not even a contrast.
std::string one_solid_mode_reason(double mode_grey, double pore_grey, double noise, std::size_t pore_voxels,
                                  const std::string& phases) {
  const std::string named = "; which of " + phases + " it is cannot be told from one grey level (only the contrast "
                            "ratios between phases are known, not the detector's gain): name it with --classes pore,<phase>";
  if (pore_voxels == 0)
    return "fibsem phases: the stack shows one grey population (grey " + std::to_string(int(std::lround(mode_grey))) +
           ") and no pore: one phase fills it" + named;
  return "fibsem phases: the solid shows one grey mode, " + std::to_string(int(std::lround(mode_grey - pore_grey))) +
         " grey levels (" + std::to_string(int(std::lround((mode_grey - pore_grey) / std::max(noise, 1e-6)))) +
         " noise sd) above the pores: one solid phase is present" + named;
}

}  // namespace

template <class T>
FibsemPhaseResult fibsem_phases(VolumeView<const T> grey, VolumeView<const uint8_t> pores, const FibsemPhaseParams& p) {
  require(pores.shape() == grey.shape(), "fibsem phases: pore mask shape " + pores.shape().str() +
                                             " differs from volume shape " + grey.shape().str());
  require(p.milling_axis >= 0 && p.milling_axis <= 2, "fibsem phases: milling axis must be 0, 1 or 2");
  require(!p.names.empty() && p.names.size() == p.labels.size() && p.names.size() == p.expected_contrast.size(),
          "fibsem phases: one label and one expected contrast per named solid phase");
  require(p.min_phase_share > 0 && p.min_phase_share < 0.5, "fibsem phases: the minimum phase share must be in (0, 0.5)");
  require(p.smoothing_sigma >= 0 && p.smoothing_sigma <= 10, "fibsem phases: smoothing sigma must be in [0, 10] voxels");
  require(p.contrast_tolerance > 0, "fibsem phases: the contrast tolerance must be positive");
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

  const std::size_t m = p.names.size();
  std::string list;
  for (const auto& n : p.names) list.append(list.empty() ? "" : ",").append(n);
  bool contrasts_known = m >= 2;
  for (double e : p.expected_contrast) contrasts_known = contrasts_known && std::isfinite(e) && e > 0;
  std::vector<std::size_t> named;
  if (contrasts_known) {
    // The classes follow the phases present: the modes are named by their contrast ratios
    // (name_by_contrast, docs/segmentation.md); a mode no phase fits is no class.
    if (modes.size() < 2) {
      const auto pores_found = static_cast<std::size_t>(std::count(pore.data(), pore.data() + pore.size(), uint8_t{1}));
      throw InputError(one_solid_mode_reason(modes.front().grey, r.pore_grey, r.noise_sigma, pores_found, list));
    }
    std::vector<double> contrast;
    for (const auto& mode : modes) contrast.push_back(std::max(mode.grey - r.pore_grey, 1e-6));
    const Naming naming = name_by_contrast(contrast, p.expected_contrast, p.contrast_tolerance);
    if (naming.modes.empty()) {
      std::string found;
      for (double c : contrast) found.append(found.empty() ? "" : ", ").append(std::to_string(int(std::lround(c))));
      throw InputError("fibsem phases: the solid's grey modes (contrasts " + found + " above the pores) fit no set of the "
                       "phases " + list + " within the contrast tolerance: name the phases present with --classes");
    }
    std::vector<GreyMode> kept;
    for (std::size_t i = 0, j = 0; i < modes.size(); ++i)
      if (j < naming.modes.size() && naming.modes[j] == i) kept.push_back(modes[i]), ++j;
      else r.unnamed_mode_grey.push_back(modes[i].grey);
    modes = kept;
    named = naming.names;
    r.contrast_misfit = naming.misfit;
  } else {
    // Names without expected contrasts: one mode per name, in grey order; more modes: the fullest.
    if (modes.size() > m) {
      std::vector<GreyMode> fullest = modes;
      std::sort(fullest.begin(), fullest.end(), [](const GreyMode& a, const GreyMode& b) { return a.count > b.count; });
      fullest.resize(m);
      std::sort(fullest.begin(), fullest.end(), [](const GreyMode& a, const GreyMode& b) { return a.grey < b.grey; });
      modes = fullest;
    }
    require(modes.size() == m, "fibsem phases: " + std::to_string(modes.size()) + " grey modes for " + std::to_string(m) +
                                   " phases (" + list + ") and no expected contrast to tell which are present: name "
                                   "the present ones with --classes");
    for (std::size_t i = 0; i < m; ++i) named.push_back(i);
  }
  const std::size_t k = modes.size();
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
