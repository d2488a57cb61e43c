// Surface correction by re-imaging the segmentation: a parametric-bootstrap bias correction (Efron &
// Tibshirani 1993, ch. 10) of the Crofton surface (Ohser & Muecklich 2000) of a thresholded phase.
#include "emorph/segment/reblur_surface.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <limits>
#include <random>
#include <type_traits>
#include <vector>

#include "emorph/error.hpp"
#include "emorph/filter/denoise.hpp"
#include "emorph/filter/gaussian.hpp"
#include "emorph/measure/surface_area.hpp"

namespace emorph {
namespace {

// Central block of at most `edge` voxels per axis.
Box central_block(const Shape& s, int64_t edge) {
  auto range = [&](int64_t n) {
    const int64_t m = std::min(n, edge);
    const int64_t a = (n - m) / 2;
    return std::array<int64_t, 2>{a, a + m};
  };
  const auto z = range(s.nz), y = range(s.ny), x = range(s.nx);
  return {z[0], z[1], y[0], y[1], x[0], x[1]};
}

// Least-squares fit grey ~ dark + contrast * model; returns the residual sum of squares.
struct LinearFit {
  double dark = 0, contrast = 0, residual = 0;
};
LinearFit fit_linear(const std::vector<float>& grey, const Volume<float>& model) {
  const double n = static_cast<double>(grey.size());
  double sg = 0, sm = 0;
  for (std::size_t i = 0; i < grey.size(); ++i) sg += grey[i], sm += model.data()[i];
  const double mg = sg / n, mm = sm / n;
  double cgm = 0, cmm = 0, cgg = 0;
  for (std::size_t i = 0; i < grey.size(); ++i) {
    const double dg = grey[i] - mg, dm = model.data()[i] - mm;
    cgm += dg * dm, cmm += dm * dm, cgg += dg * dg;
  }
  LinearFit f;
  f.contrast = cmm > 0 ? cgm / cmm : 0;
  f.dark = mg - f.contrast * mm;
  f.residual = cgg - (cmm > 0 ? cgm * cgm / cmm : 0);
  return f;
}

// The fit's residual grey - dark - contrast * model split by where the voxel lies: deep inside the dark
// or the bright phase (the model within `deep` of 0 or 1: there any PSF gives the same model, so the
// residual is the noise and the phase's own grey spread), or on the interface band between.
struct ResidualSplit {
  double dark_sd = 0, bright_sd = 0, interface_rms = 0;
  int64_t dark_voxels = 0, bright_voxels = 0;
};
ResidualSplit split_residual(const std::vector<float>& grey, const Volume<float>& model, const LinearFit& fit, double deep) {
  double sd = 0, sb = 0, si = 0;
  int64_t ni = 0;
  ResidualSplit out;
  for (std::size_t i = 0; i < grey.size(); ++i) {
    const double m = model.data()[i], e = grey[i] - fit.dark - fit.contrast * m;
    if (m < deep) sd += e * e, ++out.dark_voxels;
    else if (m > 1 - deep) sb += e * e, ++out.bright_voxels;
    else si += e * e, ++ni;
  }
  if (out.dark_voxels) out.dark_sd = std::sqrt(sd / double(out.dark_voxels));
  if (out.bright_voxels) out.bright_sd = std::sqrt(sb / double(out.bright_voxels));
  if (ni) out.interface_rms = std::sqrt(si / double(ni));
  return out;
}

// White noise of one phase: x-neighbour differences where both voxels lie deep in it (model below
// `deep`, or above 1 - deep for the bright phase), 1.4826 x median |d| / sqrt(2) (the input's noise
// estimator, noise_estimate.hpp, restricted to the phase). A smooth model error (a PSF slightly off) or a
// grey spread at a larger scale than a voxel (sub-phases of a matrix class) cancels in a difference; the
// noise does not. 0 with fewer than min_pairs pairs.
double phase_noise_sd(const std::vector<float>& grey, const Volume<float>& model, bool bright, double deep, int64_t min_pairs) {
  const int64_t nx = model.shape().nx;
  auto deep_in = [&](std::size_t i) { return bright ? model.data()[i] > 1 - deep : model.data()[i] < deep; };
  std::vector<float> d;
  for (std::size_t i = 0; i + 1 < grey.size(); ++i)
    if ((static_cast<int64_t>(i) + 1) % nx != 0 && deep_in(i) && deep_in(i + 1)) d.push_back(std::abs(grey[i + 1] - grey[i]));
  if (static_cast<int64_t>(d.size()) < min_pairs) return 0;
  std::nth_element(d.begin(), d.begin() + d.size() / 2, d.end());
  return 1.4826 * d[d.size() / 2] / std::sqrt(2.0);
}

Volume<float> blurred(const Volume<float>& v, double sigma) {
  GaussianParams g;
  g.sigma = sigma;
  return gaussian_filter(v.view(), g);
}

// The phase {value > t} holding as close to `count` voxels as the ties allow.
template <class T>
Volume<uint8_t> threshold_at_count(const Volume<T>& v, int64_t count) {
  std::vector<T> sorted(v.data(), v.data() + v.size());
  const int64_t n = v.size();
  const int64_t k = std::clamp<int64_t>(count, 1, n);
  std::nth_element(sorted.begin(), sorted.begin() + (n - k), sorted.end());
  const T kth = sorted[static_cast<std::size_t>(n - k)];  // k-th largest
  int64_t at_least = 0, above = 0;
  for (const T& x : sorted) at_least += x >= kth, above += x > kth;
  const bool include_ties = at_least - k <= k - above;
  Volume<uint8_t> out(v.shape(), v.spacing());
  for (int64_t i = 0; i < n; ++i) out.data()[i] = include_ties ? v.data()[i] >= kth : v.data()[i] > kth;
  return out;
}

// The noise the second imaging adds: its variance linear in the blurred phase b, from dark_sd^2 (b = 0)
// to bright_sd^2 (b = 1). Photon counting's variance grows with the attenuation, which the fitted model
// makes affine in b (docs/validation.md "#14 stop 21"); one level (dark_sd = bright_sd) is Gaussian noise.
struct NoiseModel {
  double dark_sd = 0, bright_sd = 0;
  bool any() const { return dark_sd > 0 || bright_sd > 0; }
  double sd_at(double b) const {
    if (dark_sd == bright_sd) return dark_sd;
    const double w = std::clamp(b, 0.0, 1.0);
    return std::sqrt(dark_sd * dark_sd * (1 - w) + bright_sd * bright_sd * w);
  }
};

// The block's labels imaged again from their blur G_sigma * L: dark + contrast * blur + noise, in the
// input's dtype (rounded and clipped as a scanner's output), pre-filtered as the segmentation was,
// thresholded at L's count. Without noise the seed is not used.
template <class T>
Volume<T> reimage_grey(const Volume<float>& blurred_phase, const LinearFit& fit, const NoiseModel& noise_model, uint64_t seed) {
  Volume<T> sim(blurred_phase.shape(), blurred_phase.spacing());
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0.0, 1.0);
  const bool noisy = noise_model.any();
  for (int64_t i = 0; i < sim.size(); ++i) {
    const double b = blurred_phase.data()[i];
    double g = fit.dark + fit.contrast * b + (noisy ? noise_model.sd_at(b) * noise(rng) : 0.0);
    if constexpr (std::is_integral_v<T>)
      g = std::clamp(std::round(g), double(std::numeric_limits<T>::lowest()), double(std::numeric_limits<T>::max()));
    sim.data()[i] = static_cast<T>(g);
  }
  return sim;
}

template <class T>
Volume<uint8_t> segment_like(Volume<T> sim, int64_t phase_voxels, const std::optional<DenoiseSpec>& denoise_spec) {
  if (!denoise_spec) return threshold_at_count(sim, phase_voxels);
  const AnyVolume filtered = denoise(AnyVolume(std::move(sim)), *denoise_spec);
  return filtered.visit([&](const auto& f) { return threshold_at_count(f, phase_voxels); });
}

template <class T>
Volume<uint8_t> reimage(const Volume<float>& blurred_phase, int64_t phase_voxels, const LinearFit& fit,
                        const NoiseModel& noise_model, const std::optional<DenoiseSpec>& denoise_spec, uint64_t seed) {
  return segment_like(reimage_grey<T>(blurred_phase, fit, noise_model, seed), phase_voxels, denoise_spec);
}

// PSF: the sigma whose blur of the phase best explains the grey (least squares, golden section on log sigma).
double fit_psf(const std::vector<float>& g, const Volume<float>& phase, const ReblurSurfaceParams& params) {
  auto residual = [&](double log_sigma) { return fit_linear(g, blurred(phase, std::exp(log_sigma))).residual; };
  const double golden = (std::sqrt(5.0) - 1) / 2;
  double a = std::log(params.min_psf_voxels), b = std::log(params.max_psf_voxels);
  double c = b - golden * (b - a), d = a + golden * (b - a);
  double fc = residual(c), fd = residual(d);
  for (int it = 0; it < params.psf_iterations; ++it) {
    if (fc < fd) b = d, d = c, fd = fc, c = b - golden * (b - a), fc = residual(c);
    else a = c, c = d, fc = fd, d = a + golden * (b - a), fd = residual(d);
  }
  return std::exp((a + b) / 2);
}

double crofton_area(const Volume<uint8_t>& v) { return phase_surface_area_um2(v.view(), 1, v.spacing(), false); }

}  // namespace

std::optional<ReblurSurface> reblur_surface_correction(const AnyVolume& grey, VolumeView<const uint8_t> labels,
                                                       uint8_t bright_label, const std::optional<DenoiseSpec>& denoise,
                                                       double noise_sigma, const ReblurSurfaceParams& params,
                                                       const std::optional<std::array<double, 2>>& fraction_range) {
  if (grey.shape() != labels.shape()) throw InputError("reblur surface: grey and labels differ in shape");
  if (params.max_block < 8) throw InputError("reblur surface: max_block must be at least 8");
  const Box box = central_block(labels.shape(), params.max_block);
  const Spacing spacing = grey.spacing();
  Volume<float> phase(box.shape(), spacing);
  const VolumeView<const uint8_t> lb = labels.crop(box);
  int64_t phase_voxels = 0;
  for (int64_t z = 0, i = 0; z < lb.nz(); ++z)
    for (int64_t y = 0; y < lb.ny(); ++y)
      for (int64_t x = 0; x < lb.nx(); ++x, ++i) {
        const bool in = lb(z, y, x) == bright_label;
        phase.data()[i] = in ? 1.0f : 0.0f;
        phase_voxels += in;
      }
  if (phase_voxels == 0 || phase_voxels == phase.size()) return std::nullopt;
  std::vector<float> g(static_cast<std::size_t>(phase.size()));
  grey.visit([&](const auto& v) {
    const auto c = v.view().crop(box);
    for (int64_t z = 0, i = 0; z < c.nz(); ++z)
      for (int64_t y = 0; y < c.ny(); ++y)
        for (int64_t x = 0; x < c.nx(); ++x, ++i) g[static_cast<std::size_t>(i)] = static_cast<float>(c(z, y, x));
  });

  ReblurSurface r;
  r.psf_sigma_voxels = fit_psf(g, phase, params);
  Volume<float> fitted_blur = blurred(phase, r.psf_sigma_voxels);
  LinearFit fit = fit_linear(g, fitted_blur);
  r.dark_grey = fit.dark, r.contrast_grey = fit.contrast;
  r.noise_sigma = noise_sigma;
  if (noise_sigma > 0) r.fit_residual_ratio = std::sqrt(fit.residual / double(g.size())) / noise_sigma;
  const ResidualSplit split = split_residual(g, fitted_blur, fit, params.deep_model);
  const double dark_noise = phase_noise_sd(g, fitted_blur, false, params.deep_model, params.min_deep_voxels);
  const double bright_noise = phase_noise_sd(g, fitted_blur, true, params.deep_model, params.min_deep_voxels);
  if (dark_noise > 0 && bright_noise > 0) r.noise_level_ratio = bright_noise / dark_noise;
  // The second imaging's noise: where both phases have deep voxels, their own white-noise levels with the
  // variance linear in between (photon counting's variance grows with the attenuation, and the fitted
  // model is affine in it); else the input's estimate at one level. One level under photon counting (its
  // global estimate is the darker, majority phase's) under-estimates the roughness of the interface, whose
  // grey lies between the phases: poisson_cnr3_psf2 then over-corrects (docs/validation.md "#14 stop 21").
  NoiseModel noise_model{noise_sigma, noise_sigma};
  if (params.noise_per_phase && noise_sigma > 0 && dark_noise > 0 && bright_noise > 0) noise_model = {dark_noise, bright_noise};
  r.reimaging_noise_sigma = {noise_model.dark_sd, noise_model.bright_sd};
  // The PSF fit is biased low: the labels carry the roughness the grey's own noise gave them, so a
  // sharper blur of them follows that noise better (psf2.0 fitted 1.71 for 2.0, poisson_cnr3_psf2 1.45).
  // One parametric-bootstrap bias correction (Efron & Tibshirani 1993, ch. 10): image the labels at
  // the fitted sigma with the noise model, segment that as the input was, fit again on it (sigma');
  // the bias sigma'/sigma taken in log, sigma_c = sigma^2 / sigma'. The re-imagings below use sigma_c.
  r.psf_fit_voxels = r.psf_sigma_voxels;
  if (params.calibrate_psf && noise_model.any()) {
    grey.visit([&](const auto& v) {
      using T = typename std::decay_t<decltype(v)>::value_type;
      Volume<T> sim = reimage_grey<T>(fitted_blur, fit, noise_model, params.noise_seed + 1000);
      std::vector<float> sim_grey(static_cast<std::size_t>(sim.size()));
      for (int64_t i = 0; i < sim.size(); ++i) sim_grey[static_cast<std::size_t>(i)] = static_cast<float>(sim.data()[i]);
      const Volume<uint8_t> sim_labels = segment_like(std::move(sim), phase_voxels, denoise);
      Volume<float> sim_phase(sim_labels.shape(), spacing);
      for (int64_t i = 0; i < sim_labels.size(); ++i) sim_phase.data()[i] = sim_labels.data()[i];
      r.psf_refit_voxels = fit_psf(sim_grey, sim_phase, params);
    });
    r.psf_sigma_voxels = std::clamp(r.psf_fit_voxels * r.psf_fit_voxels / r.psf_refit_voxels, params.min_psf_voxels,
                                    params.max_psf_voxels);
    fitted_blur = blurred(phase, r.psf_sigma_voxels);
    fit = fit_linear(g, fitted_blur);
  }
  if (split.dark_voxels >= params.min_deep_voxels && split.bright_voxels >= params.min_deep_voxels) {
    r.deep_residual_ratio = split.dark_sd > 0 ? split.bright_sd / split.dark_sd : 1;
    const double deep_sd = std::sqrt((split.dark_sd * split.dark_sd * double(split.dark_voxels) +
                                      split.bright_sd * split.bright_sd * double(split.bright_voxels)) /
                                     double(split.dark_voxels + split.bright_voxels));
    if (deep_sd > 0) r.interface_residual_ratio = split.interface_rms / deep_sd;
  }

  Volume<uint8_t> block_labels(phase.shape(), spacing);
  for (int64_t i = 0; i < phase.size(); ++i) block_labels.data()[i] = phase.data()[i] > 0.5f;
  r.block_area_um2 = crofton_area(block_labels);
  // The second imaging with and without noise: their difference is the roughness the noise adds to a
  // thresholded surface (an addition, not a loss: taken off before the loss factor is applied), the
  // noise-free one the geometric loss alone. Corrected area (S - r)^2 / S0, with S the labels' area,
  // S0 the noise-free re-imaged one and r = S1 - S0 >= 0 the noisy one's excess. The noise-free imaging
  // depends on the PSF only (not on the noise seed): it is made once per sigma, the blur once per sigma.
  struct Reimaged { double factor, roughness; };
  auto factor_of = [&](double noise_free_area, double noisy_area) {
    Reimaged m{};
    m.roughness = std::clamp(noisy_area - noise_free_area, 0.0, 0.5 * r.block_area_um2);
    const double smooth = r.block_area_um2 - m.roughness;
    m.factor = noise_free_area > 0 ? smooth * smooth / (noise_free_area * r.block_area_um2) : 1.0;
    return m;
  };
  std::vector<double> seed_factors;
  double lo = 1, hi = 1;
  grey.visit([&](const auto& v) {
    using T = typename std::decay_t<decltype(v)>::value_type;
    auto area_of = [&](const Volume<float>& blur, const NoiseModel& noise, uint64_t seed) {
      return crofton_area(reimage<T>(blur, phase_voxels, fit, noise, denoise, seed));
    };
    const Volume<uint8_t> once = reimage<T>(fitted_blur, phase_voxels, fit, NoiseModel{}, denoise, params.noise_seed);
    r.reimaged_area_um2 = crofton_area(once);
    // The factor is the mean over the noise seeds (a parametric bootstrap); their spread enters the band.
    double roughness = 0;
    for (int k = 0; k < std::max(1, params.noise_seeds); ++k) {
      const uint64_t seed = params.noise_seed + static_cast<uint64_t>(k);
      const Reimaged m = factor_of(r.reimaged_area_um2, area_of(fitted_blur, noise_model, seed));
      seed_factors.push_back(m.factor);
      roughness += m.roughness;
    }
    r.factor = 0;
    for (double f : seed_factors) r.factor += f / double(seed_factors.size());
    r.noise_roughness_share = roughness / double(seed_factors.size()) / r.block_area_um2;
    // The second pass: the noise-free re-imaged labels imaged once more; its loss against the first
    // pass's shows how fast the loss shrinks once the labels are smooth (a first-order correction's residue).
    Volume<float> once_phase(once.shape(), spacing);
    for (int64_t i = 0; i < once.size(); ++i) once_phase.data()[i] = once.data()[i];
    const double twice_area = area_of(blurred(once_phase, r.psf_sigma_voxels), NoiseModel{}, params.noise_seed);
    r.first_pass_loss = r.block_area_um2 * (1 - r.noise_roughness_share) / r.reimaged_area_um2;
    r.second_pass_loss = twice_area > 0 ? r.reimaged_area_um2 / twice_area : 1.0;
    // The PSF band: the first-order factor at the fitted sigma scaled by 1 -+ psf_band (first noise seed).
    auto factor_at = [&](double sigma) {
      const Volume<float> blur = blurred(phase, sigma);
      return factor_of(area_of(blur, NoiseModel{}, params.noise_seed), area_of(blur, noise_model, params.noise_seed)).factor;
    };
    lo = factor_at(r.psf_sigma_voxels * (1 - params.psf_band));
    hi = factor_at(r.psf_sigma_voxels * (1 + params.psf_band));
  });
  // Second order: where the second pass loses less than the first (the labels' contacts and gaps are
  // already shut, so imaging them again cannot lose them twice: dense packings), the losses are taken as
  // a geometric sequence in log (log g_k = log g_0 q^k) and the imaging's own loss g_0 = g_1^(1/q)
  // extrapolated, q = log g_2 / log g_1 clamped to [min_decay, 1] (q = 1: the first-order factor).
  // Guard: where the input's noise differs between the phases (photon counting: variance ~ signal), the
  // correction stays first order. Chosen when the second imaging had one noise level (its first pass then
  // read the labels' roughness as a loss, and the extrapolation multiplied it: poisson_cnr3_psf2 +12.7 ->
  // +27.2 %, docs/validation.md "#14 stop 20"); kept with the per-phase noise and the calibrated PSF: on the
  // photon-counting cells where it still fires (cnr8, cnr20) q is 0.92-0.96, worth < 0.3 % ("#14 stop 21").
  r.first_order_factor = r.factor;
  const double log_g1 = std::log(r.first_pass_loss), log_g2 = std::log(r.second_pass_loss);
  if (log_g1 > 0 && log_g2 < log_g1) {
    if (std::max(r.noise_level_ratio, 1 / r.noise_level_ratio) > params.max_noise_level_ratio) {
      r.second_order_withheld = "the noise differs between the phases (bright / dark " +
                                std::to_string(r.noise_level_ratio).substr(0, 4) + ", limit " +
                                std::to_string(params.max_noise_level_ratio).substr(0, 4) +
                                "): there the extrapolation multiplied the labels' noise roughness (poisson_cnr3_psf2, stop 20)";
    } else {
      const double q = std::max(params.min_decay, std::max(log_g2, 0.0) / log_g1);
      r.factor *= std::exp(log_g1 / q - log_g1);
    }
  }
  const double second_order = r.factor / r.first_order_factor;  // applied to the PSF and seed factors too
  for (double& f : seed_factors) f *= second_order;
  lo *= second_order, hi *= second_order;
  // Threshold range: the surface of the pre-filtered grey thresholded at the fraction band's ends,
  // over its surface at L's own count (the same estimator, so only the threshold moves).
  if (fraction_range) {
    grey.visit([&](const auto& v) {
      using T = typename std::decay_t<decltype(v)>::value_type;
      Volume<T> block(phase.shape(), spacing);
      const auto c = v.view().crop(box);
      for (int64_t z = 0, i = 0; z < c.nz(); ++z)
        for (int64_t y = 0; y < c.ny(); ++y)
          for (int64_t x = 0; x < c.nx(); ++x, ++i) block.data()[i] = c(z, y, x);
      const AnyVolume filtered = denoise ? emorph::denoise(AnyVolume(std::move(block)), *denoise) : AnyVolume(std::move(block));
      filtered.visit([&](const auto& f) {
        auto area_at = [&](double scale) {
          return crofton_area(threshold_at_count(f, std::llround(double(phase_voxels) * scale)));
        };
        const double mid = area_at(1.0);
        if (mid <= 0) return;
        const double a0 = area_at((*fraction_range)[0]) / mid, a1 = area_at((*fraction_range)[1]) / mid;
        r.threshold_area_ratio = {std::min({a0, a1, 1.0}), std::max({a0, a1, 1.0})};
      });
    });
  }
  // The band spans the labels' own surface (factor 1), the correction applied twice (a first-order
  // correction leaves a residue of its own order: under-corrected gaps, docs/validation.md), the PSF
  // range and the noise seeds, each at every threshold the histogram model allows.
  const double twice = r.factor * r.factor;
  const auto [seed_lo, seed_hi] = std::minmax_element(seed_factors.begin(), seed_factors.end());
  const double first = r.first_order_factor;
  r.factor_band = {std::min({lo, hi, 1.0, first, twice, *seed_lo}) * r.threshold_area_ratio[0],
                   std::max({lo, hi, 1.0, first, twice, *seed_hi}) * r.threshold_area_ratio[1]};
  // Gate: withheld where the Gaussian-PSF model does not explain the grey.
  const double log_span = std::log(params.max_psf_voxels / params.min_psf_voxels);
  const double at = std::log(r.psf_fit_voxels / params.min_psf_voxels) / log_span;  // the fit itself, as chosen
  if (noise_sigma <= 0) r.withheld = "no noise estimate: the second imaging cannot be matched to the input";
  else if (r.fit_residual_ratio > params.max_residual_ratio)
    r.withheld = "the Gaussian PSF fit leaves a residual of " + std::to_string(r.fit_residual_ratio).substr(0, 4) +
                 " x the noise (limit " + std::to_string(params.max_residual_ratio).substr(0, 4) +
                 "): the grey is not a blur of the labels (phase contrast, artefacts or wrong labels)";
  else if (at < params.bound_margin || at > 1 - params.bound_margin)
    r.withheld = "the fitted PSF sigma " + std::to_string(r.psf_fit_voxels).substr(0, 4) +
                 " voxels lies at the end of its search range (" + std::to_string(params.min_psf_voxels).substr(0, 4) +
                 " to " + std::to_string(params.max_psf_voxels).substr(0, 4) + ")";
  return r;
}

}  // namespace emorph
