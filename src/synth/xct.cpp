// X-ray CT image formation: attenuation map, Gaussian PSF (partial volume), propagation phase contrast
// as a Laplacian edge term (transport-of-intensity, Paganin-type first order), slow gain (shading,
// cupping), additive noise.
#include "emorph/synth/xct.hpp"

#include <algorithm>
#include <cmath>

#include "emorph/error.hpp"
#include "emorph/filter/gaussian.hpp"
#include "random.hpp"

namespace emorph::synth {

namespace {


template <class Out>
void form_image(const Volume<float>& mu, const XctParams& p, Volume<Out>& out) {
  const Shape s = mu.shape();
  const Spacing sp = mu.spacing();
  const double max_grey = p.bits == 8 ? 255.0 : 65535.0;
  const double scale = max_grey / (p.window_high - p.window_low);
  const int noise_kind = p.noise == "gaussian" ? 1 : p.noise == "poisson" ? 2 : 0;
  const uint64_t noise_seed = stream_seed(p.seed, 101);
#pragma omp parallel for schedule(static)
  for (int64_t z = 0; z < s.nz; ++z) {
    for (int64_t y = 0; y < s.ny; ++y) {
      const float* row = &mu(z, y, 0);
      Out* o = &out(z, y, 0);
      for (int64_t x = 0; x < s.nx; ++x) {
        double v = row[x];
        if (p.phase_contrast > 0) {
          // Neighbours mirrored at the border, as the blur.
          auto at = [&](int64_t zz, int64_t yy, int64_t xx) {
            zz = zz < 0 ? 1 : zz >= s.nz ? s.nz - 2 : zz;
            yy = yy < 0 ? 1 : yy >= s.ny ? s.ny - 2 : yy;
            xx = xx < 0 ? 1 : xx >= s.nx ? s.nx - 2 : xx;
            return static_cast<double>(mu(zz, yy, xx));
          };
          const double lap = (at(z - 1, y, x) + at(z + 1, y, x) - 2 * v) / (sp.dz * sp.dz) +
                             (at(z, y - 1, x) + at(z, y + 1, x) - 2 * v) / (sp.dy * sp.dy) +
                             (at(z, y, x - 1) + at(z, y, x + 1) - 2 * v) / (sp.dx * sp.dx);
          v -= p.phase_contrast * lap;
        }
        if (p.shading != 0 || p.cupping != 0) {
          const double ramp = s.nx > 1 ? static_cast<double>(x) / static_cast<double>(s.nx - 1) - 0.5 : 0.0;
          const double cy = 0.5 * static_cast<double>(s.ny - 1), cx = 0.5 * static_cast<double>(s.nx - 1);
          const double half_diagonal2 = std::max(cy * cy + cx * cx, 1.0);
          const double dy = static_cast<double>(y) - cy, dx = static_cast<double>(x) - cx;
          v *= (1 + p.shading * ramp) * (1 - p.cupping * (1 - (dy * dy + dx * dx) / half_diagonal2));
        }
        const uint64_t index = static_cast<uint64_t>((z * s.ny + y) * s.nx + x);
        if (noise_kind == 1) {
          v += p.noise_sigma * hash_normal(noise_seed, index);
        } else if (noise_kind == 2) {
          // Photon counting, Gaussian approximation of Poisson: variance = counts.
          const double counts = std::max(v, 0.0) * p.photons;
          v += std::sqrt(counts) / p.photons * hash_normal(noise_seed, index);
        }
        o[x] = static_cast<Out>(std::clamp(std::round((v - p.window_low) * scale), 0.0, max_grey));
      }
    }
  }
}

}  // namespace

XctResult simulate_xct(VolumeView<const uint8_t> labels, const XctParams& p) {
  require(p.bits == 8 || p.bits == 16, "xct: --bits must be 8 or 16");
  require(p.noise == "gaussian" || p.noise == "poisson" || p.noise == "none",
          "xct: --noise must be gaussian, poisson or none");
  require(std::isfinite(p.psf_sigma_um) && p.psf_sigma_um >= 0, "xct: PSF sigma must not be negative");
  require(std::isfinite(p.phase_contrast) && p.phase_contrast >= 0, "xct: phase contrast must not be negative");
  require(p.noise_sigma >= 0 && p.photons > 0, "xct: noise level must be positive");
  require(std::isfinite(p.shading) && std::abs(p.shading) < 2, "xct: shading must lie in (-2, 2)");
  require(std::isfinite(p.cupping) && p.cupping >= 0 && p.cupping < 1, "xct: cupping must lie in [0, 1)");
  require(p.window_high > p.window_low, "xct: empty grey window");
  require(labels.size() > 0, "xct: empty label volume");
  const Shape s = labels.shape();
  // Attenuation as float, then the PSF; labels beyond the table attenuate as pores.
  Volume<float> mu(s, labels.spacing());
#pragma omp parallel for schedule(static)
  for (int64_t z = 0; z < s.nz; ++z)
    for (int64_t y = 0; y < s.ny; ++y)
      for (int64_t x = 0; x < s.nx; ++x) {
        const uint8_t l = labels(z, y, x);
        mu(z, y, x) = static_cast<float>(l < p.attenuation.size() ? p.attenuation[l] : 0.0);
      }
  if (p.psf_sigma_um > 0) {
    GaussianParams g;
    g.sigma = p.psf_sigma_um;
    g.sigma_in_um = true;
    mu = gaussian_filter(VolumeView<const float>(mu.view()), g);
  }
  XctResult r;
  const double max_grey = p.bits == 8 ? 255.0 : 65535.0;
  const double scale = max_grey / (p.window_high - p.window_low);
  if (p.bits == 8) {
    Volume<uint8_t> out(s, labels.spacing());
    form_image(mu, p, out);
    r.image = std::move(out);
  } else {
    Volume<uint16_t> out(s, labels.spacing());
    form_image(mu, p, out);
    r.image = std::move(out);
  }
  static const char* names[5] = {"pore", "NMC", "LFP", "CBD", "collector"};
  Json grey = Json::object();
  for (int l = 0; l < 5; ++l) grey[names[l]] = (p.attenuation[l] - p.window_low) * scale;
  r.truth = {{"modality", "xct"},
             {"bits", p.bits},
             {"attenuation", p.attenuation},
             {"psf_sigma_um", p.psf_sigma_um},
             {"phase_contrast_um2", p.phase_contrast},
             {"shading", p.shading},
             {"cupping", p.cupping},
             {"noise", p.noise},
             {"noise_sigma", p.noise_sigma},
             {"noise_sigma_grey", p.noise == "gaussian" ? p.noise_sigma * scale : 0.0},
             {"photons", p.photons},
             {"window", {p.window_low, p.window_high}},
             {"grey_of_phase", grey},
             {"seed", p.seed}};
  return r;
}

}  // namespace emorph::synth
