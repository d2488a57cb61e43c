// Phase correlation (Kuglin & Hines 1975): the normalised cross-power spectrum of two translated images
// is a pure phase ramp whose inverse transform peaks at the translation. Weighting it by a Gaussian's
// transform shapes the peak into a sampled Gaussian, located to sub-pixel precision by a 3-point fit
// on its logarithm (exact for a Gaussian), then refined where the samples around the estimate are
// evaluated directly as Fourier sums (a targeted form of Guizar-Sicairos et al. 2008's upsampled DFT).
#include "emorph/filter/align.hpp"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <numbers>

#include "emorph/error.hpp"
#include "fftw_plan.hpp"

namespace emorph {

namespace {

// Tukey window: flat in the middle, cosine tapers over `fraction` of the length at each end.
std::vector<float> tukey_window(int64_t n, double fraction) {
  std::vector<float> w(static_cast<std::size_t>(n), 1.0f);
  const double taper = fraction * static_cast<double>(n);
  if (taper < 1.0) return w;
  for (int64_t i = 0; i < n; ++i) {
    const double d = std::min(static_cast<double>(i) + 0.5, static_cast<double>(n - i) - 0.5);
    if (d < taper) w[i] = static_cast<float>(0.5 - 0.5 * std::cos(std::numbers::pi * d / taper));
  }
  return w;
}

// Signed frequency of DFT index k for length n.
inline double signed_frequency(int64_t k, int64_t n) { return static_cast<double>(k <= n / 2 ? k : k - n); }

// Offset of a peak's maximum from its middle sample, by a parabola through the logarithms of three
// samples (exact for a Gaussian), or through the samples themselves when one is not positive.
double three_point_offset(double minus, double centre, double plus) {
  double a = minus, b = centre, c = plus;
  if (a > 0 && b > 0 && c > 0) {
    a = std::log(a);
    b = std::log(b);
    c = std::log(c);
  }
  const double curvature = a - 2 * b + c;
  if (!(curvature < 0)) return 0.0;
  return std::clamp(0.5 * (a - c) / curvature, -1.0, 1.0);
}

}  // namespace

struct PhaseCorrelator::Impl {
  int64_t ny = 0, nx = 0, nxc = 0;
  PhaseCorrelationParams params;
  std::vector<float> taper_y, taper_x;
  std::vector<float> weight;  // Gaussian weight on the half spectrum (ny x nxc)
  detail::FftwPlan forward, inverse;

  // Correlation surface around a sub-pixel position (py, px), evaluated exactly as Fourier sums over the
  // Hermitian half spectrum: values at (py + j, px) for j = -1, 0, 1 in `col`, at (py, px + j) in `row`.
  void surface_cross(const std::complex<float>* r, double py, double px, double col[3], double row[3]) const {
    const double two_pi = 2 * std::numbers::pi;
    // Columns 1..nx/2-1 (and nx/2 for odd nx) stand for their conjugate twins too: counted twice.
    std::vector<std::complex<double>> ex(static_cast<std::size_t>(3 * nxc));
    for (int j = 0; j < 3; ++j)
      for (int64_t kx = 0; kx < nxc; ++kx) {
        const bool single = kx == 0 || (nx % 2 == 0 && kx == nx / 2);
        ex[j * nxc + kx] = std::polar(single ? 1.0 : 2.0, two_pi * static_cast<double>(kx) * (px + j - 1) / nx);
      }
    for (int j = 0; j < 3; ++j) col[j] = row[j] = 0;
    for (int64_t ky = 0; ky < ny; ++ky) {
      const std::complex<float>* line = r + ky * nxc;
      std::complex<double> acc[3] = {0, 0, 0};
      for (int64_t kx = 0; kx < nxc; ++kx) {
        const std::complex<double> v(line[kx]);
        for (int j = 0; j < 3; ++j) acc[j] += v * ex[j * nxc + kx];
      }
      const double f = signed_frequency(ky, ny);
      for (int j = 0; j < 3; ++j) {
        const std::complex<double> ey = std::polar(1.0, two_pi * f * (py + j - 1) / ny);
        col[j] += (acc[1] * ey).real();
      }
      const std::complex<double> ey = std::polar(1.0, two_pi * f * py / ny);
      row[0] += (acc[0] * ey).real();
      row[2] += (acc[2] * ey).real();
    }
    row[1] = col[1];
  }
};

PhaseCorrelator::PhaseCorrelator(int64_t ny, int64_t nx, const PhaseCorrelationParams& params)
    : impl_(std::make_unique<Impl>()) {
  require(ny >= 8 && nx >= 8, "phase correlation: images must be at least 8 x 8 pixels, got " +
                                  std::to_string(ny) + " x " + std::to_string(nx));
  require(params.peak_sigma_px > 0 && params.peak_sigma_px <= 8,
          "phase correlation: peak sigma must be in (0, 8] pixels");
  require(params.taper_fraction >= 0 && params.taper_fraction <= 0.5,
          "phase correlation: taper fraction must be in [0, 0.5]");
  Impl& m = *impl_;
  m.ny = ny;
  m.nx = nx;
  m.nxc = nx / 2 + 1;
  m.params = params;
  m.taper_y = tukey_window(ny, params.taper_fraction);
  m.taper_x = tukey_window(nx, params.taper_fraction);
  // A spatial Gaussian of sigma s has the transform exp(-2 pi^2 s^2 f^2), f in cycles per pixel.
  const double c = 2 * std::numbers::pi * std::numbers::pi * params.peak_sigma_px * params.peak_sigma_px;
  std::vector<double> wy(static_cast<std::size_t>(ny)), wx(static_cast<std::size_t>(nx));
  for (int64_t k = 0; k < ny; ++k) wy[k] = std::exp(-c * std::pow(signed_frequency(k, ny) / ny, 2));
  for (int64_t k = 0; k < nx; ++k) wx[k] = std::exp(-c * std::pow(signed_frequency(k, nx) / nx, 2));
  m.weight.resize(static_cast<std::size_t>(ny * m.nxc));
  for (int64_t ky = 0; ky < ny; ++ky)
    for (int64_t kx = 0; kx < m.nxc; ++kx) m.weight[ky * m.nxc + kx] = static_cast<float>(wy[ky] * wx[kx]);

  auto real = detail::fftw_array<float>(static_cast<std::size_t>(ny * nx));
  auto spec = detail::fftw_array<std::complex<float>>(static_cast<std::size_t>(ny * m.nxc));
  std::lock_guard<std::mutex> lock(detail::fftw_planner_mutex());
  m.forward = detail::FftwPlan(fftwf_plan_dft_r2c_2d(static_cast<int>(ny), static_cast<int>(nx), real.get(),
                                                     detail::as_fftw(spec.get()), FFTW_ESTIMATE));
  m.inverse = detail::FftwPlan(fftwf_plan_dft_c2r_2d(static_cast<int>(ny), static_cast<int>(nx),
                                                     detail::as_fftw(spec.get()), real.get(), FFTW_ESTIMATE));
  if (!m.forward.get() || !m.inverse.get()) throw InternalError("phase correlation: FFTW planning failed");
}

PhaseCorrelator::~PhaseCorrelator() = default;
int64_t PhaseCorrelator::ny() const { return impl_->ny; }
int64_t PhaseCorrelator::nx() const { return impl_->nx; }

PhaseCorrelator::Spectrum PhaseCorrelator::spectrum(VolumeView<const float> image) const {
  const Impl& m = *impl_;
  require(image.nz() == 1 && image.ny() == m.ny && image.nx() == m.nx,
          "phase correlation: image is " + image.shape().str() + ", expected 1 x " + std::to_string(m.ny) +
              " x " + std::to_string(m.nx));
  auto real = detail::fftw_array<float>(static_cast<std::size_t>(m.ny * m.nx));
  double sum = 0;
  float lo = image(0, 0, 0), hi = lo;
  for (int64_t y = 0; y < m.ny; ++y)
    for (int64_t x = 0; x < m.nx; ++x) {
      const float v = image(0, y, x);
      real[y * m.nx + x] = v;
      sum += v;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  require(hi > lo, "phase correlation: the image is constant, it has no features to register");
  const float mean = static_cast<float>(sum / static_cast<double>(m.ny * m.nx));
  for (int64_t y = 0; y < m.ny; ++y)
    for (int64_t x = 0; x < m.nx; ++x) real[y * m.nx + x] = (real[y * m.nx + x] - mean) * m.taper_y[y] * m.taper_x[x];
  auto spec = detail::fftw_array<std::complex<float>>(static_cast<std::size_t>(m.ny * m.nxc));
  fftwf_execute_dft_r2c(m.forward.get(), real.get(), detail::as_fftw(spec.get()));
  return Spectrum(spec.get(), spec.get() + m.ny * m.nxc);
}

TranslationEstimate PhaseCorrelator::estimate(const Spectrum& fixed, const Spectrum& moving) const {
  return estimate_combined({{&fixed, &moving}});
}

TranslationEstimate PhaseCorrelator::estimate_combined(const std::vector<std::pair<const Spectrum*, const Spectrum*>>& pairs) const {
  const Impl& m = *impl_;
  const std::size_t n = static_cast<std::size_t>(m.ny * m.nxc);
  require(!pairs.empty(), "phase correlation: no image pair");
  auto r = detail::fftw_array<std::complex<float>>(n);
  std::fill(r.get(), r.get() + n, std::complex<float>(0, 0));
  const float whitening = static_cast<float>(m.params.whitening);
  // The surface's value at a perfect match is the sum of |r| over the full spectrum: the peak's scale.
  // Magnitudes in double (a product of two spectra can exceed float's range when squared) by plain
  // square roots: std::abs and std::pow on complex floats were half of the registration's time.
  // Several pairs (tiles of one slice pair) add their normalised cross-power spectra: one surface.
  double r_sum = 0;
  for (const auto& [fixed_spectrum, moving_spectrum] : pairs) {
    const Spectrum& fixed = *fixed_spectrum;
    const Spectrum& moving = *moving_spectrum;
    require(fixed.size() == n && moving.size() == n, "phase correlation: spectrum size mismatch");
    for (int64_t ky = 0; ky < m.ny; ++ky)
      for (int64_t kx = 0; kx < m.nxc; ++kx) {
        const std::size_t i = static_cast<std::size_t>(ky * m.nxc + kx);
        const std::complex<float> x = moving[i] * std::conj(fixed[i]);
        const double re = x.real(), im = x.imag(), mag2 = re * re + im * im;
        if (!(mag2 > 1e-60)) continue;
        const double mag = std::sqrt(mag2);
        const double denominator =
            whitening == 0.5f ? std::sqrt(mag) : whitening == 1.0f ? mag : std::pow(mag, double(whitening));
        const double scale = m.weight[i] / denominator;
        r[i] += std::complex<float>(static_cast<float>(re * scale), static_cast<float>(im * scale));
        const bool single = kx == 0 || (m.nx % 2 == 0 && kx == m.nx / 2);
        r_sum += (single ? 1.0 : 2.0) * mag * scale;
      }
  }
  // The Hermitian half spectrum is kept for the refinement: c2r overwrites its input.
  std::vector<std::complex<float>> r_kept(r.get(), r.get() + n);
  auto surface = detail::fftw_array<float>(static_cast<std::size_t>(m.ny * m.nx));
  fftwf_execute_dft_c2r(m.inverse.get(), detail::as_fftw(r.get()), surface.get());

  int64_t best = 0;
  for (int64_t i = 1; i < m.ny * m.nx; ++i)
    if (surface[i] > surface[best]) best = i;
  const int64_t iy = best / m.nx, ix = best % m.nx;
  auto at = [&](int64_t y, int64_t x) {
    return static_cast<double>(surface[((y + m.ny) % m.ny) * m.nx + (x + m.nx) % m.nx]);
  };
  double py = signed_frequency(iy, m.ny), px = signed_frequency(ix, m.nx);
  py += three_point_offset(at(iy - 1, ix), at(iy, ix), at(iy + 1, ix));
  px += three_point_offset(at(iy, ix - 1), at(iy, ix), at(iy, ix + 1));
  // Refinement: re-fit on samples one pixel either side of the current estimate, evaluated exactly as
  // Fourier sums; at convergence the fit is symmetric, which cancels the bias of a non-Gaussian peak.
  double col[3], row[3];
  for (int iteration = 0; iteration < 3; ++iteration) {
    m.surface_cross(r_kept.data(), py, px, col, row);
    const double dy = three_point_offset(col[0], col[1], col[2]);
    const double dx = three_point_offset(row[0], row[1], row[2]);
    py += dy;
    px += dx;
    if (std::abs(dy) < 1e-3 && std::abs(dx) < 1e-3) break;
  }
  TranslationEstimate e;
  e.dy = py;
  e.dx = px;
  e.peak = r_sum > 0 ? col[1] / r_sum : 0.0;
  return e;
}

TranslationEstimate phase_correlation(VolumeView<const float> fixed, VolumeView<const float> moving,
                                      const PhaseCorrelationParams& params) {
  require(fixed.shape() == moving.shape(), "phase correlation: images differ in shape (" + fixed.shape().str() +
                                               " vs " + moving.shape().str() + ")");
  PhaseCorrelator correlator(fixed.ny(), fixed.nx(), params);
  return correlator.estimate(correlator.spectrum(fixed), correlator.spectrum(moving));
}

}  // namespace emorph
