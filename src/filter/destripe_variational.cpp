// Destriping by the variational stationary-noise model of Fehrenbach, Weiss & Lorenzo (IEEE TIP 21,
// 2012; "VSNR"), Chambolle-Pock primal-dual iterations: see destripe.hpp.
#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <memory>
#include <mutex>
#include <numbers>
#include <string>
#include <vector>

#include "destripe_methods.hpp"
#include "emorph/error.hpp"
#include "fftw_plan.hpp"

namespace emorph::detail {
namespace {

using cfloat = std::complex<float>;

// Variational stationary-noise removal of one image with vertical stripes (ny x nx, contiguous), with
// one stripe source per kernel (a long one for curtains crossing the image, a short one for those that
// start at a feature): noise = sum_f psi_f * lambda_f.
class Variational : public StripeFilter {
 public:
  Variational(int64_t ny, int64_t nx, const DestripeParams& p)
      : ny_(ny), nx_(nx), nxc_(nx / 2 + 1), alpha_(p.alpha), iterations_(p.iterations) {
    const double two_pi = 2 * std::numbers::pi;
    auto freq = [](int64_t k, int64_t n) { return double(k <= n / 2 ? k : k - n) / double(n); };
    std::vector<std::complex<double>> dy(static_cast<std::size_t>(ny)), dx(static_cast<std::size_t>(nxc_));
    for (int64_t k = 0; k < ny; ++k) dy[k] = std::polar(1.0, two_pi * freq(k, ny)) - 1.0;
    for (int64_t k = 0; k < nxc_; ++k) dx[k] = std::polar(1.0, two_pi * double(k) / double(nx)) - 1.0;
    std::vector<double> lengths = {p.stripe_length_px};
    if (p.short_stripe_length_px > 0) lengths.push_back(p.short_stripe_length_px);
    const int64_t nc = ny * nxc_;
    std::vector<double> norm2(static_cast<std::size_t>(nc), 0.0);
    for (double length : lengths) {
      // Gaussian kernel: sigma `length` along y, stripe_width across, scaled to unit energy.
      std::vector<double> psi(static_cast<std::size_t>(nc));
      const double cy = 2 * std::numbers::pi * std::numbers::pi * length * length;
      const double cx = 2 * std::numbers::pi * std::numbers::pi * p.stripe_width_px * p.stripe_width_px;
      double energy = 0;
      for (int64_t ky = 0; ky < ny; ++ky)
        for (int64_t kx = 0; kx < nxc_; ++kx) {
          const double v = std::exp(-cy * std::pow(freq(ky, ny), 2) - cx * std::pow(double(kx) / nx, 2));
          psi[ky * nxc_ + kx] = v;
          const bool single = kx == 0 || (nx % 2 == 0 && kx == nx / 2);
          energy += (single ? 1 : 2) * v * v;
        }
      const double scale = std::sqrt(double(ny * nx) / energy);
      std::vector<cfloat> gy(static_cast<std::size_t>(nc)), gx(static_cast<std::size_t>(nc));
      std::vector<float> kernel(static_cast<std::size_t>(nc));
      for (int64_t ky = 0; ky < ny; ++ky)
        for (int64_t kx = 0; kx < nxc_; ++kx) {
          const int64_t i = ky * nxc_ + kx;
          const double v = psi[i] * scale;
          kernel[i] = static_cast<float>(v);
          gy[i] = cfloat(v * dy[ky]);
          gx[i] = cfloat(v * dx[kx]);
          norm2[i] += v * v * (std::norm(dy[ky]) + std::norm(dx[kx]));
        }
      psi_.push_back(std::move(kernel));
      grad_y_.push_back(std::move(gy));
      grad_x_.push_back(std::move(gx));
    }
    // The operator lambda -> grad(sum psi_f * lambda_f) is diagonal in Fourier: its norm is the
    // largest symbol, which bounds the primal-dual steps.
    step_ = 0.99 / std::sqrt(*std::max_element(norm2.begin(), norm2.end()));
    auto real = detail::fftw_array<float>(static_cast<std::size_t>(ny * nx));
    auto spec = detail::fftw_array<cfloat>(static_cast<std::size_t>(nc));
    std::lock_guard<std::mutex> lock(detail::fftw_planner_mutex());
    forward_ = detail::FftwPlan(fftwf_plan_dft_r2c_2d(static_cast<int>(ny), static_cast<int>(nx), real.get(),
                                                      detail::as_fftw(spec.get()), FFTW_ESTIMATE));
    inverse_ = detail::FftwPlan(fftwf_plan_dft_c2r_2d(static_cast<int>(ny), static_cast<int>(nx),
                                                      detail::as_fftw(spec.get()), real.get(), FFTW_ESTIMATE));
    if (!forward_.get() || !inverse_.get()) throw InternalError("destripe: FFTW planning failed");
  }

  void run(const float* in, float* out) const override {
    const int64_t n = ny_ * nx_, nc = ny_ * nxc_;
    const std::size_t kernels = psi_.size();
    double mean = 0, var = 0;
    for (int64_t i = 0; i < n; ++i) mean += in[i];
    mean /= double(n);
    for (int64_t i = 0; i < n; ++i) var += (in[i] - mean) * (in[i] - mean);
    const double sd = std::sqrt(var / double(n));
    if (!(sd > 0)) {
      std::copy_n(in, n, out);
      return;
    }
    // Gradient of the scaled image; differences across the periodic wrap are left out of the
    // total variation (their dual variables stay 0).
    std::vector<float> gy(static_cast<std::size_t>(n), 0.0f), gx(static_cast<std::size_t>(n), 0.0f);
    const float inv_sd = static_cast<float>(1.0 / sd);
    for (int64_t y = 0; y < ny_; ++y)
      for (int64_t x = 0; x < nx_; ++x) {
        if (y + 1 < ny_) gy[y * nx_ + x] = (in[(y + 1) * nx_ + x] - in[y * nx_ + x]) * inv_sd;
        if (x + 1 < nx_) gx[y * nx_ + x] = (in[y * nx_ + x + 1] - in[y * nx_ + x]) * inv_sd;
      }
    std::vector<std::vector<cfloat>> lambda(kernels, std::vector<cfloat>(static_cast<std::size_t>(nc)));
    std::vector<std::vector<cfloat>> lambda_bar = lambda;
    std::vector<float> qy(static_cast<std::size_t>(n), 0.0f), qx(static_cast<std::size_t>(n), 0.0f);
    auto spec = detail::fftw_array<cfloat>(static_cast<std::size_t>(nc));
    auto spec_x = detail::fftw_array<cfloat>(static_cast<std::size_t>(nc));
    auto wy = detail::fftw_array<float>(static_cast<std::size_t>(n));
    auto wx = detail::fftw_array<float>(static_cast<std::size_t>(n));
    const float inv_n = static_cast<float>(1.0 / double(n));
    // Accelerated primal-dual (Chambolle & Pock 2011, algorithm 2): alpha/2 ||lambda||^2 is
    // alpha-strongly convex, so the steps adapt each iteration and the error falls as 1/k^2.
    double tau = step_, sigma_step = step_;
    for (int it = 0; it < iterations_; ++it) {
      const float sigma = static_cast<float>(sigma_step);
      const double theta = 1.0 / std::sqrt(1.0 + 2.0 * alpha_ * tau);
      // Dual step: q <- projection onto |q| <= 1 of q + sigma (grad(sum psi_f * lambda_bar_f) - grad u0).
      for (int64_t i = 0; i < nc; ++i) {
        cfloat a = 0, b = 0;
        for (std::size_t f = 0; f < kernels; ++f) {
          a += lambda_bar[f][i] * grad_y_[f][i];
          b += lambda_bar[f][i] * grad_x_[f][i];
        }
        spec[i] = a;
        spec_x[i] = b;
      }
      fftwf_execute_dft_c2r(inverse_.get(), detail::as_fftw(spec.get()), wy.get());
      fftwf_execute_dft_c2r(inverse_.get(), detail::as_fftw(spec_x.get()), wx.get());
      for (int64_t y = 0; y < ny_; ++y)
        for (int64_t x = 0; x < nx_; ++x) {
          const int64_t i = y * nx_ + x;
          float a = y + 1 < ny_ ? qy[i] + sigma * (wy[i] * inv_n - gy[i]) : 0.0f;
          float b = x + 1 < nx_ ? qx[i] + sigma * (wx[i] * inv_n - gx[i]) : 0.0f;
          const float norm = std::sqrt(a * a + b * b);
          if (norm > 1) {
            a /= norm;
            b /= norm;
          }
          qy[i] = a;
          qx[i] = b;
          wy[i] = a;
          wx[i] = b;
        }
      // Primal step in the Fourier domain: lambda_f <- (lambda_f - tau A_f^T q) / (1 + tau alpha).
      fftwf_execute_dft_r2c(forward_.get(), wy.get(), detail::as_fftw(spec.get()));
      fftwf_execute_dft_r2c(forward_.get(), wx.get(), detail::as_fftw(spec_x.get()));
      const float tau_f = static_cast<float>(tau), shrink = static_cast<float>(1.0 / (1.0 + tau * alpha_)),
                  theta_f = static_cast<float>(theta);
      for (std::size_t f = 0; f < kernels; ++f) {
        const cfloat* my = grad_y_[f].data();
        const cfloat* mx = grad_x_[f].data();
        cfloat* l = lambda[f].data();
        cfloat* lb = lambda_bar[f].data();
        for (int64_t i = 0; i < nc; ++i) {
          const cfloat at_q = std::conj(my[i]) * spec[i] + std::conj(mx[i]) * spec_x[i];
          const cfloat next = (l[i] - tau_f * at_q) * shrink;
          lb[i] = next + theta_f * (next - l[i]);
          l[i] = next;
        }
      }
      tau *= theta;
      sigma_step /= theta;
    }
    for (int64_t i = 0; i < nc; ++i) {
      cfloat v = 0;
      for (std::size_t f = 0; f < kernels; ++f) v += lambda[f][i] * psi_[f][i];
      spec[i] = v;
    }
    fftwf_execute_dft_c2r(inverse_.get(), detail::as_fftw(spec.get()), wy.get());
    const float stripe_scale = static_cast<float>(sd) * inv_n;
    for (int64_t i = 0; i < n; ++i) out[i] = in[i] - stripe_scale * wy[i];
  }

 private:
  int64_t ny_, nx_, nxc_;
  double alpha_;
  int iterations_;
  double step_ = 0;
  std::vector<std::vector<float>> psi_;
  std::vector<std::vector<cfloat>> grad_y_, grad_x_;
  detail::FftwPlan forward_, inverse_;
};

}  // namespace

std::unique_ptr<StripeFilter> make_variational_filter(int64_t ny, int64_t nx, const DestripeParams& params) {
  return std::make_unique<Variational>(ny, nx, params);
}

}  // namespace emorph::detail
