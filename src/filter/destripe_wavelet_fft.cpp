// Destriping by the combined wavelet-Fourier filter of Muench, Trtik, Marone & Stampanoni (Optics
// Express 17, 2009): see destripe.hpp.
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
class WaveletFft : public StripeFilter {
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

  void run(const float* in, float* out) const override {
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

}  // namespace

std::unique_ptr<StripeFilter> make_wavelet_fft_filter(int64_t ny, int64_t nx, const DestripeParams& params) {
  return std::make_unique<WaveletFft>(ny, nx, params);
}

}  // namespace emorph::detail
