// Curtaining removal. Default: robust column offsets. Vertical stripes that run the height of the image
// are an offset per column; the difference of two columns' offsets is the mode of their pixel
// differences (most pixel pairs lie in one phase, where content cancels; the mode is found by a mean
// shift from the median, Comaniciu & Meer, IEEE PAMI 24, 2002), measured at several lags and fitted by
// weighted least squares (banded Cholesky). Alternatives: the
// combined wavelet-Fourier filter of Muench, Trtik, Marone & Stampanoni (Optics Express 17, 2009): a
// Daubechies wavelet decomposition concentrates vertical stripes in each level's band that is
// high-pass across and low-pass along the stripes; there a Fourier transform along the stripes puts
// them at the lowest frequencies, which a Gaussian notch removes. And the variational stationary-noise
// model of Fehrenbach, Weiss & Lorenzo (IEEE TIP 21, 2012; "VSNR"), noise = psi * lambda, minimising
// ||grad(u0 - psi * lambda)||_1 + alpha/2 ||lambda||^2 by the primal-dual algorithm of Chambolle & Pock
// (2011) with all convolutions in the Fourier domain.
#include "emorph/filter/destripe.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <mutex>
#include <numbers>
#include <vector>

#include "emorph/banded_cholesky.hpp"
#include "emorph/error.hpp"
#include "emorph/progress.hpp"
#include "fftw_plan.hpp"
#include "stack_checks.hpp"

namespace emorph {

namespace {

using cfloat = std::complex<float>;

// Daubechies scaling filters (orthonormal, sum sqrt(2)), by number of vanishing moments.
std::vector<double> daubechies(int order) {
  switch (order) {
    case 1: return {0.7071067811865476, 0.7071067811865476};
    case 2: return {-0.12940952255126037, 0.2241438680420134, 0.8365163037378079, 0.48296291314453416};
    case 4:
      return {-0.010597401785069032, 0.0328830116668852, 0.030841381835560764, -0.18703481171909309,
              -0.027983769416859854, 0.6308807679298589, 0.7148465705529157, 0.2303778133088965};
    case 6:
      return {-0.0010773010853084796, 0.004777257510945511, 0.0005538422011614961, -0.03158203931748603,
              0.027522865530305727, 0.09750160558732304, -0.12976686756726194, -0.22626469396543983,
              0.31525035170919763, 0.7511339080210954, 0.49462389039845306, 0.11154074335010947};
    case 8:
      return {-0.00011747678412476953, 0.0006754494064505693, -0.00039174037337694705, -0.004870352993451574,
              0.008746094047405777, 0.013981027917398282, -0.044088253930794755, -0.017369301001807547,
              0.12874742662047847, 0.0004724845739132828, -0.2840155429615469, -0.015829105256349306,
              0.5853546836542067, 0.6756307362972898, 0.31287159091429995, 0.05441584224310401};
    case 10:
      return {-1.3264202894521244e-05, 9.358867032006959e-05, -0.00011646685512928545, -0.0006858566949597116,
              0.001992405295185056, 0.001395351747052901, -0.010733175483330575, 0.0036065535669561697,
              0.033212674059341, -0.029457536821875813, -0.07139414716639708, 0.09305736460357235,
              0.12736934033579325, -0.19594627437737705, -0.24984642432731538, 0.2811723436605775,
              0.6884590394536035, 0.5272011889317256, 0.1881768000776915, 0.026670057900555554};
    default:
      throw InputError("destripe: wavelet order must be 1, 2, 4, 6, 8 or 10, got " + std::to_string(order));
  }
}

// Index i of a signal of length n extended by half-sample mirroring (period 2n).
inline int64_t mirror(int64_t i, int64_t n) {
  i %= 2 * n;
  if (i < 0) i += 2 * n;
  return i < n ? i : 2 * n - 1 - i;
}

// Wavelet-FFT filter of one image with vertical stripes (ny x nx, contiguous). The image is mirrored
// beyond its bottom and right edges to a multiple of 2^levels, so the periodic wavelet transform
// (perfect reconstruction) and the Fourier transform along y see no jump at the wrap.
class WaveletFft {
 public:
  WaveletFft(int64_t ny, int64_t nx, const DestripeParams& p) : ny_(ny), nx_(nx), levels_(p.levels) {
    const std::vector<double> h = daubechies(p.wavelet_order);
    const int64_t taps = static_cast<int64_t>(h.size());
    for (int64_t k = 0; k < taps; ++k) {
      lo_.push_back(static_cast<float>(h[k]));
      hi_.push_back(static_cast<float>((k % 2 ? -1 : 1) * h[taps - 1 - k]));
    }
    const int64_t block = int64_t{1} << levels_;
    require(ny >= 2 * block && nx >= 2 * block,
            "destripe: slices of " + std::to_string(ny) + " x " + std::to_string(nx) + " are too small for " +
                std::to_string(levels_) + " wavelet levels (at least " + std::to_string(2 * block) + " pixels a side)");
    auto padded = [&](int64_t n) {
      const int64_t margin = std::min(n, taps * block);
      return (n + margin + block - 1) / block * block;
    };
    py_ = padded(ny);
    px_ = padded(nx);
    std::lock_guard<std::mutex> lock(detail::fftw_planner_mutex());
    for (int l = 0; l < levels_; ++l) {
      int m = static_cast<int>(py_ >> (l + 1));
      const int columns = static_cast<int>(px_ >> (l + 1)), mc = m / 2 + 1;
      auto real = detail::fftw_array<float>(static_cast<std::size_t>(m) * columns);
      auto spec = detail::fftw_array<cfloat>(static_cast<std::size_t>(mc) * columns);
      forward_.emplace_back(fftwf_plan_many_dft_r2c(1, &m, columns, real.get(), nullptr, 1, m,
                                                    detail::as_fftw(spec.get()), nullptr, 1, mc, FFTW_ESTIMATE));
      inverse_.emplace_back(fftwf_plan_many_dft_c2r(1, &m, columns, detail::as_fftw(spec.get()), nullptr, 1, mc,
                                                    real.get(), nullptr, 1, m, FFTW_ESTIMATE));
      if (!forward_.back().get() || !inverse_.back().get()) throw InternalError("destripe: FFTW planning failed");
      std::vector<float> damp(static_cast<std::size_t>(mc));
      for (int k = 0; k < mc; ++k)
        damp[k] = static_cast<float>((1.0 - std::exp(-double(k) * k / (2 * p.sigma * p.sigma))) / m);
      damping_.push_back(std::move(damp));
    }
  }

  void run(const float* in, float* out) const {
    std::vector<float> buf(static_cast<std::size_t>(py_ * px_)), tmp(static_cast<std::size_t>(py_ * px_));
    for (int64_t y = 0; y < py_; ++y) {
      const float* src = in + mirror(y, ny_) * nx_;
      float* dst = buf.data() + y * px_;
      for (int64_t x = 0; x < px_; ++x) dst[x] = src[mirror(x, nx_)];
    }
    for (int l = 0; l < levels_; ++l) {
      analyse_rows(buf.data(), py_ >> l, px_ >> l, tmp.data());
      analyse_columns(buf.data(), py_ >> l, px_ >> l, tmp.data());
    }
    for (int l = 0; l < levels_; ++l) damp_band(buf.data(), l);
    for (int l = levels_ - 1; l >= 0; --l) {
      synthesise_columns(buf.data(), py_ >> l, px_ >> l, tmp.data());
      synthesise_rows(buf.data(), py_ >> l, px_ >> l, tmp.data());
    }
    for (int64_t y = 0; y < ny_; ++y) std::copy_n(buf.data() + y * px_, nx_, out + y * nx_);
  }

 private:
  // One periodic analysis step of each of the first h rows over their first w samples: [low | high].
  void analyse_rows(float* buf, int64_t h, int64_t w, float* tmp) const {
    const int64_t half = w / 2, taps = static_cast<int64_t>(lo_.size());
    for (int64_t y = 0; y < h; ++y) {
      float* row = buf + y * px_;
      for (int64_t i = 0; i < half; ++i) {
        float a = 0, d = 0;
        for (int64_t k = 0; k < taps; ++k) {
          const float v = row[(2 * i + k) % w];
          a += lo_[k] * v;
          d += hi_[k] * v;
        }
        tmp[i] = a;
        tmp[half + i] = d;
      }
      std::copy_n(tmp, w, row);
    }
  }
  void synthesise_rows(float* buf, int64_t h, int64_t w, float* tmp) const {
    const int64_t half = w / 2, taps = static_cast<int64_t>(lo_.size());
    for (int64_t y = 0; y < h; ++y) {
      float* row = buf + y * px_;
      std::fill_n(tmp, w, 0.0f);
      for (int64_t i = 0; i < half; ++i)
        for (int64_t k = 0; k < taps; ++k) tmp[(2 * i + k) % w] += lo_[k] * row[i] + hi_[k] * row[half + i];
      std::copy_n(tmp, w, row);
    }
  }
  // Same along y for the first w columns, row by row so that memory is read contiguously.
  void analyse_columns(float* buf, int64_t h, int64_t w, float* tmp) const {
    const int64_t half = h / 2, taps = static_cast<int64_t>(lo_.size());
    for (int64_t i = 0; i < half; ++i) {
      float* a = tmp + i * w;
      float* d = tmp + (half + i) * w;
      std::fill_n(a, w, 0.0f);
      std::fill_n(d, w, 0.0f);
      for (int64_t k = 0; k < taps; ++k) {
        const float* src = buf + ((2 * i + k) % h) * px_;
        const float l = lo_[k], g = hi_[k];
        for (int64_t x = 0; x < w; ++x) {
          a[x] += l * src[x];
          d[x] += g * src[x];
        }
      }
    }
    for (int64_t y = 0; y < h; ++y) std::copy_n(tmp + y * w, w, buf + y * px_);
  }
  void synthesise_columns(float* buf, int64_t h, int64_t w, float* tmp) const {
    const int64_t half = h / 2, taps = static_cast<int64_t>(lo_.size());
    std::fill_n(tmp, h * w, 0.0f);
    for (int64_t i = 0; i < half; ++i) {
      const float* a = buf + i * px_;
      const float* d = buf + (half + i) * px_;
      for (int64_t k = 0; k < taps; ++k) {
        float* dst = tmp + ((2 * i + k) % h) * w;
        const float l = lo_[k], g = hi_[k];
        for (int64_t x = 0; x < w; ++x) dst[x] += l * a[x] + g * d[x];
      }
    }
    for (int64_t y = 0; y < h; ++y) std::copy_n(tmp + y * w, w, buf + y * px_);
  }
  // Level l's band high-pass in x and low-pass in y holds the vertical stripes: notch its Fourier
  // coefficients along y at the lowest frequencies.
  void damp_band(float* buf, int l) const {
    const int64_t m = py_ >> (l + 1), columns = px_ >> (l + 1), mc = m / 2 + 1;
    auto real = detail::fftw_array<float>(static_cast<std::size_t>(m * columns));
    auto spec = detail::fftw_array<cfloat>(static_cast<std::size_t>(mc * columns));
    for (int64_t y = 0; y < m; ++y) {
      const float* row = buf + y * px_ + columns;
      for (int64_t c = 0; c < columns; ++c) real[c * m + y] = row[c];
    }
    fftwf_execute_dft_r2c(forward_[l].get(), real.get(), detail::as_fftw(spec.get()));
    const std::vector<float>& damp = damping_[l];
    for (int64_t c = 0; c < columns; ++c)
      for (int64_t k = 0; k < mc; ++k) spec[c * mc + k] *= damp[k];
    fftwf_execute_dft_c2r(inverse_[l].get(), detail::as_fftw(spec.get()), real.get());
    for (int64_t y = 0; y < m; ++y) {
      float* row = buf + y * px_ + columns;
      for (int64_t c = 0; c < columns; ++c) row[c] = real[c * m + y];
    }
  }

  int64_t ny_, nx_, py_ = 0, px_ = 0;
  int levels_;
  std::vector<float> lo_, hi_;
  std::vector<detail::FftwPlan> forward_, inverse_;
  std::vector<std::vector<float>> damping_;
};

// Variational stationary-noise removal of one image with vertical stripes (ny x nx, contiguous), with
// one stripe source per kernel (a long one for curtains crossing the image, a short one for those that
// start at a feature): noise = sum_f psi_f * lambda_f.
class Variational {
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

  void run(const float* in, float* out) const {
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

// Robust column offsets of one image with vertical stripes (ny x nx, contiguous): out = in - c(x).
class ColumnOffsets {
 public:
  ColumnOffsets(int64_t ny, int64_t nx, const DestripeParams& p)
      : ny_(ny), nx_(nx), lags_(p.offset_lags), window_(p.mode_window) {
    std::sort(lags_.begin(), lags_.end());
    band_ = lags_.back();
  }

  void run(const float* in, float* out) const {
    // Columns made contiguous; noise from the vertical differences of every fourth row pair, in which
    // the stripes cancel (median absolute deviation, Gaussian-consistent).
    std::vector<float> columns(static_cast<std::size_t>(ny_ * nx_)), diff;
    for (int64_t y = 0; y < ny_; ++y)
      for (int64_t x = 0; x < nx_; ++x) columns[x * ny_ + y] = in[y * nx_ + x];
    diff.reserve(static_cast<std::size_t>((ny_ / 4 + 1) * nx_));
    for (int64_t y = 0; y + 1 < ny_; y += 4)
      for (int64_t x = 0; x < nx_; ++x) diff.push_back(in[(y + 1) * nx_ + x] - in[y * nx_ + x]);
    const double centre = median(diff);
    for (float& d : diff) d = std::abs(d - static_cast<float>(centre));
    // A difference of two pixels has sqrt(2) times a pixel's noise: half-width of the mode window.
    double scale = 0;
    for (int64_t i = 0; i < ny_ * nx_; ++i) scale = std::max(scale, double(std::abs(in[i])));
    const double half_width = std::max(window_ * 1.4826 * median(diff), 1e-6 * (scale + 1));

    // One measured offset difference per column pair and lag.
    std::vector<Pair> pairs;
    std::vector<float> values(static_cast<std::size_t>(ny_));
    for (int k : lags_)
      for (int64_t x = 0; x + k < nx_; ++x) {
        const float* a = columns.data() + x * ny_;
        const float* b = columns.data() + (x + k) * ny_;
        for (int64_t y = 0; y < ny_; ++y) values[y] = b[y] - a[y];
        Pair p{x, k, 0, 0};
        p.difference = mode(values, half_width, p.weight);
        if (p.weight > 0) pairs.push_back(p);
      }
    // Weighted least squares; a pair that disagrees with the fit by more than the mode window found
    // another cluster (somewhere a content phase pair outnumbers the same-phase pairs): the worst such
    // pairs are dropped and the fit redone until none is left.
    std::vector<double> offsets;
    for (int round = 0; round < 100; ++round) {
      offsets = fit_offsets(pairs);
      double worst = 0;
      for (const Pair& p : pairs) worst = std::max(worst, std::abs(offsets[p.x + p.k] - offsets[p.x] - p.difference));
      if (worst <= half_width) break;
      const double limit = std::max(half_width, 0.5 * worst);
      std::erase_if(pairs, [&](const Pair& p) { return std::abs(offsets[p.x + p.k] - offsets[p.x] - p.difference) > limit; });
    }
    double mean = 0;
    for (double c : offsets) mean += c / double(nx_);
    for (int64_t y = 0; y < ny_; ++y)
      for (int64_t x = 0; x < nx_; ++x) out[y * nx_ + x] = static_cast<float>(in[y * nx_ + x] - (offsets[x] - mean));
  }

 private:
  struct Pair {
    int64_t x, k;  // columns x and x + k
    double difference, weight;
  };

  // Offsets minimising sum w (c[x+k] - c[x] - difference)^2: banded normal equations,
  // band[x * (K + 1) + j] = N(x, x - j). The offsets are defined up to a constant: a tiny ridge keeps
  // the system definite, and the caller removes the mean.
  std::vector<double> fit_offsets(const std::vector<Pair>& pairs) const {
    const int64_t stride = band_ + 1;
    std::vector<double> band(static_cast<std::size_t>(nx_ * stride), 0.0), rhs(static_cast<std::size_t>(nx_), 0.0);
    for (const Pair& p : pairs) {
      band[p.x * stride] += p.weight;
      band[(p.x + p.k) * stride] += p.weight;
      band[(p.x + p.k) * stride + p.k] -= p.weight;
      rhs[p.x] -= p.weight * p.difference;
      rhs[p.x + p.k] += p.weight * p.difference;
    }
    double trace = 0;
    for (int64_t x = 0; x < nx_; ++x) trace += band[x * stride];
    for (int64_t x = 0; x < nx_; ++x) band[x * stride] += 1e-10 * trace / double(nx_) + 1e-300;
    BandedCholesky(std::move(band), nx_, band_, "destripe: column offset system").solve(rhs.data());
    return rhs;
  }

  static double median(std::vector<float>& v) {
    const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
    std::nth_element(v.begin(), mid, v.end());
    return *mid;
  }
  // Mean shift with a flat window to the mode nearest the densest window among 128 evenly spaced
  // samples (so that it starts in the largest cluster even where the content's pixel pairs outnumber
  // the same-phase ones at some grey difference); weight = pixels in the final window. Branch-free
  // float sums in 8 lanes so that the loop vectorises.
  static double mode(const std::vector<float>& d, double half_width, double& weight) {
    const std::size_t n = d.size(), step = std::max<std::size_t>(1, n / 128);
    std::vector<float> sample;
    for (std::size_t i = step / 2; i < n; i += step) sample.push_back(d[i]);
    std::sort(sample.begin(), sample.end());
    std::size_t best_first = 0, best_count = 0;
    for (std::size_t first = 0, last = 0; first < sample.size(); ++first) {
      while (last < sample.size() && sample[last] - sample[first] <= 2 * half_width) ++last;
      if (last - first > best_count) {
        best_count = last - first;
        best_first = first;
      }
    }
    double start = 0;
    for (std::size_t i = best_first; i < best_first + best_count; ++i) start += sample[i] / double(best_count);
    float m = static_cast<float>(start);
    const float h = static_cast<float>(half_width);
    weight = 0;
    for (int iteration = 0; iteration < 30; ++iteration) {
      float lane_sum[8] = {}, lane_count[8] = {};
      std::size_t i = 0;
      for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; ++j) {
          const float inside = std::abs(d[i + j] - m) < h ? 1.0f : 0.0f;
          lane_sum[j] += inside * d[i + j];
          lane_count[j] += inside;
        }
      for (; i < n; ++i) {
        const float inside = std::abs(d[i] - m) < h ? 1.0f : 0.0f;
        lane_sum[0] += inside * d[i];
        lane_count[0] += inside;
      }
      float sum = 0, count = 0;
      for (int j = 0; j < 8; ++j) {
        sum += lane_sum[j];
        count += lane_count[j];
      }
      if (count == 0) break;
      const float next = sum / count;
      weight = count;
      const bool settled = std::abs(next - m) < 1e-3f * h;
      m = next;
      if (settled) break;
    }
    return m;
  }
  int64_t ny_, nx_;
  std::vector<int> lags_;
  double window_;
  int64_t band_ = 1;
};

// Keys cubic convolution weights (a = -1/2) for offsets -1..2 of a fraction t.
std::array<float, 4> cubic_weights(double t) {
  const double a = -0.5;
  auto far = [a](double s) { return a * s * s * s - 5 * a * s * s + 8 * a * s - 4 * a; };
  auto near = [a](double s) { return (a + 2) * s * s * s - (a + 3) * s * s + 1; };
  return {static_cast<float>(far(1 + t)), static_cast<float>(near(t)), static_cast<float>(near(1 - t)),
          static_cast<float>(far(2 - t))};
}

// Bicubic sample of a contiguous h x w image at (py, px), borders replicated.
float sample_bicubic(const float* img, int64_t h, int64_t w, double py, double px) {
  const double fy = std::floor(py), fx = std::floor(px);
  const auto wy = cubic_weights(py - fy), wx = cubic_weights(px - fx);
  const auto iy = static_cast<int64_t>(fy), ix = static_cast<int64_t>(fx);
  float sum = 0;
  for (int a = 0; a < 4; ++a) {
    const float* row = img + std::clamp<int64_t>(iy + a - 1, 0, h - 1) * w;
    float s = 0;
    for (int b = 0; b < 4; ++b) s += wx[b] * row[std::clamp<int64_t>(ix + b - 1, 0, w - 1)];
    sum += wy[a] * s;
  }
  return sum;
}

// Where the stripes run vertically: the slice itself (90 degrees), its transpose (0), or a rotated
// resampling (other angles) of which only the stripe estimate is rotated back.
struct StripeFrame {
  enum Kind { identity, transpose, rotate } kind = identity;
  int64_t ny = 0, nx = 0, fy = 0, fx = 0;
  double uy = 1, ux = 0, vy = 0, vx = 1;  // frame y axis (along the stripes) and x axis, in slice coordinates

  StripeFrame(int64_t slice_ny, int64_t slice_nx, double angle_deg) : ny(slice_ny), nx(slice_nx) {
    double a = std::fmod(angle_deg, 180.0);
    if (a < 0) a += 180.0;
    if (a == 90.0) {
      kind = identity;
      fy = ny;
      fx = nx;
    } else if (a == 0.0) {
      kind = transpose;
      fy = nx;
      fx = ny;
    } else {
      kind = rotate;
      const double r = a * std::numbers::pi / 180.0;
      uy = std::sin(r);
      ux = std::cos(r);
      vy = -ux;
      vx = uy;
      fy = static_cast<int64_t>(std::ceil(std::abs(uy) * ny + std::abs(ux) * nx)) + 1;
      fx = static_cast<int64_t>(std::ceil(std::abs(vy) * ny + std::abs(vx) * nx)) + 1;
    }
  }
  void to_frame(const float* slice, float* frame) const {
    if (kind == identity) {
      std::copy_n(slice, ny * nx, frame);
    } else if (kind == transpose) {
      for (int64_t y = 0; y < ny; ++y)
        for (int64_t x = 0; x < nx; ++x) frame[x * ny + y] = slice[y * nx + x];
    } else {
      const double cy = 0.5 * (ny - 1), cx = 0.5 * (nx - 1), gy = 0.5 * (fy - 1), gx = 0.5 * (fx - 1);
      for (int64_t i = 0; i < fy; ++i)
        for (int64_t j = 0; j < fx; ++j)
          frame[i * fx + j] =
              sample_bicubic(slice, ny, nx, cy + (i - gy) * uy + (j - gx) * vy, cx + (i - gy) * ux + (j - gx) * vx);
    }
  }
  // out = the destriped slice, from the slice and its frame before and after filtering.
  void from_frame(const float* slice, const float* frame_in, const float* frame_out, float* out) const {
    if (kind == identity) {
      std::copy_n(frame_out, ny * nx, out);
    } else if (kind == transpose) {
      for (int64_t y = 0; y < ny; ++y)
        for (int64_t x = 0; x < nx; ++x) out[y * nx + x] = frame_out[x * ny + y];
    } else {
      std::vector<float> stripes(static_cast<std::size_t>(fy * fx));
      for (int64_t i = 0; i < fy * fx; ++i) stripes[i] = frame_in[i] - frame_out[i];
      const double cy = 0.5 * (ny - 1), cx = 0.5 * (nx - 1), gy = 0.5 * (fy - 1), gx = 0.5 * (fx - 1);
      for (int64_t y = 0; y < ny; ++y)
        for (int64_t x = 0; x < nx; ++x) {
          const double i = gy + (y - cy) * uy + (x - cx) * ux, j = gx + (y - cy) * vy + (x - cx) * vx;
          out[y * nx + x] = slice[y * nx + x] - sample_bicubic(stripes.data(), fy, fx, i, j);
        }
    }
  }
};

}  // namespace

DestripeMethod parse_destripe_method(const std::string& name, const std::string& option) {
  if (name == "wavelet-fft" || name == "wavelet") return DestripeMethod::wavelet_fft;
  if (name == "variational" || name == "vsnr") return DestripeMethod::variational;
  if (name == "column-offsets" || name == "offsets") return DestripeMethod::column_offsets;
  throw InputError(option + ": unknown destriping method '" + name +
                   "' (expected column-offsets, variational or wavelet-fft)");
}

Volume<float> destripe(VolumeView<const float> stack, const DestripeParams& params) {
  detail::require_finite_stack(stack, "destripe");
  require(std::isfinite(params.angle_deg), "destripe: angle must be finite");
  const StripeFrame frame(stack.ny(), stack.nx(), params.angle_deg);
  std::unique_ptr<WaveletFft> wavelet;
  std::unique_ptr<Variational> variational;
  std::unique_ptr<ColumnOffsets> offsets;
  if (params.method == DestripeMethod::column_offsets) {
    require(!params.offset_lags.empty(), "destripe: offset lags must not be empty");
    bool has_one = false;
    for (int lag : params.offset_lags) {
      require(lag >= 1 && lag < frame.fx, "destripe: offset lags must be in 1.." + std::to_string(frame.fx - 1) +
                                              " (slice width " + std::to_string(frame.fx) + "), got " + std::to_string(lag));
      has_one = has_one || lag == 1;
    }
    require(has_one, "destripe: offset lags must include 1 (every column tied to its neighbour)");
    require(params.mode_window > 0 && std::isfinite(params.mode_window), "destripe: mode window must be positive");
    require(frame.fy >= 8 && frame.fx >= 2, "destripe: slices must be at least 8 pixels along the stripes");
    offsets = std::make_unique<ColumnOffsets>(frame.fy, frame.fx, params);
  } else if (params.method == DestripeMethod::wavelet_fft) {
    require(params.levels >= 1 && params.levels <= 10, "destripe: levels must be in 1..10");
    require(params.sigma > 0 && params.sigma <= 1000, "destripe: sigma must be in (0, 1000]");
    wavelet = std::make_unique<WaveletFft>(frame.fy, frame.fx, params);
  } else {
    require(params.alpha > 0 && std::isfinite(params.alpha), "destripe: alpha must be positive");
    require(params.stripe_length_px > 0 && params.stripe_width_px > 0 && params.short_stripe_length_px >= 0,
            "destripe: stripe lengths and width must be positive");
    require(params.iterations >= 1 && params.iterations <= 100000, "destripe: iterations must be in 1..100000");
    require(frame.fy >= 8 && frame.fx >= 8, "destripe: slices must be at least 8 x 8 pixels");
    variational = std::make_unique<Variational>(frame.fy, frame.fx, params);
  }
  const int64_t ny = stack.ny(), nx = stack.nx();
  Volume<float> out(stack.shape(), stack.spacing(), stack.thickness_axis());
  Progress progress("destripe", stack.nz());
#pragma omp parallel
  {
    std::vector<float> slice(static_cast<std::size_t>(ny * nx));
    std::vector<float> frame_in(static_cast<std::size_t>(frame.fy * frame.fx)), frame_out(frame_in.size());
#pragma omp for schedule(dynamic)
    for (int64_t z = 0; z < stack.nz(); ++z) {
      for (int64_t y = 0; y < ny; ++y)
        for (int64_t x = 0; x < nx; ++x) slice[y * nx + x] = stack(z, y, x);
      frame.to_frame(slice.data(), frame_in.data());
      if (offsets) offsets->run(frame_in.data(), frame_out.data());
      else if (wavelet) wavelet->run(frame_in.data(), frame_out.data());
      else variational->run(frame_in.data(), frame_out.data());
      frame.from_frame(slice.data(), frame_in.data(), frame_out.data(), out.data() + z * ny * nx);
      progress.advance();
    }
  }
  return out;
}

double stripe_band_power(VolumeView<const float> stack, double angle_deg) {
  detail::require_finite_stack(stack, "stripe band power");
  require(std::isfinite(angle_deg), "stripe band power: angle must be finite");
  const int64_t ny = stack.ny(), nx = stack.nx(), nxc = nx / 2 + 1;
  const double r = angle_deg * std::numbers::pi / 180.0, uy = std::sin(r), ux = std::cos(r);
  const double along_length = std::abs(uy) * ny + std::abs(ux) * nx, across_length = std::abs(ux) * ny + std::abs(uy) * nx;
  detail::FftwPlan plan;
  {
    auto real = detail::fftw_array<float>(static_cast<std::size_t>(ny * nx));
    auto spec = detail::fftw_array<cfloat>(static_cast<std::size_t>(ny * nxc));
    std::lock_guard<std::mutex> lock(detail::fftw_planner_mutex());
    plan = detail::FftwPlan(fftwf_plan_dft_r2c_2d(static_cast<int>(ny), static_cast<int>(nx), real.get(),
                                                  detail::as_fftw(spec.get()), FFTW_ESTIMATE));
  }
  std::vector<double> per_slice(static_cast<std::size_t>(stack.nz()), 0.0);
#pragma omp parallel
  {
    auto real = detail::fftw_array<float>(static_cast<std::size_t>(ny * nx));
    auto spec = detail::fftw_array<cfloat>(static_cast<std::size_t>(ny * nxc));
#pragma omp for schedule(dynamic)
    for (int64_t z = 0; z < stack.nz(); ++z) {
      for (int64_t y = 0; y < ny; ++y)
        for (int64_t x = 0; x < nx; ++x) real[y * nx + x] = stack(z, y, x);
      fftwf_execute_dft_r2c(plan.get(), real.get(), detail::as_fftw(spec.get()));
      double sum = 0;
      for (int64_t ky = 0; ky < ny; ++ky) {
        const double fy = double(ky <= ny / 2 ? ky : ky - ny) / ny;
        for (int64_t kx = 0; kx < nxc; ++kx) {
          const double fx = double(kx) / nx;
          const double along = std::abs(fy * uy + fx * ux) * along_length;
          const double across = std::abs(-fy * ux + fx * uy) * across_length;
          if (along > 1.0 + 1e-9 || across < 1.0 - 1e-9) continue;
          const bool single = kx == 0 || (nx % 2 == 0 && kx == nx / 2);
          sum += (single ? 1.0 : 2.0) * std::norm(std::complex<double>(spec[ky * nxc + kx]));
        }
      }
      per_slice[z] = sum / double(ny * nx);
    }
  }
  double total = 0;
  for (double v : per_slice) total += v;
  return total;
}

}  // namespace emorph
