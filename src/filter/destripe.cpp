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

#include "destripe_methods.hpp"
#include "emorph/error.hpp"
#include "emorph/progress.hpp"
#include "fftw_plan.hpp"
#include "stack_checks.hpp"

namespace emorph {

namespace {

using cfloat = std::complex<float>;

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
  std::unique_ptr<detail::StripeFilter> filter;
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
    filter = detail::make_column_offsets_filter(frame.fy, frame.fx, params);
  } else if (params.method == DestripeMethod::wavelet_fft) {
    require(params.levels >= 1 && params.levels <= 10, "destripe: levels must be in 1..10");
    require(params.sigma > 0 && params.sigma <= 1000, "destripe: sigma must be in (0, 1000]");
    filter = detail::make_wavelet_fft_filter(frame.fy, frame.fx, params);
  } else {
    require(params.alpha > 0 && std::isfinite(params.alpha), "destripe: alpha must be positive");
    require(params.stripe_length_px > 0 && params.stripe_width_px > 0 && params.short_stripe_length_px >= 0,
            "destripe: stripe lengths and width must be positive");
    require(params.iterations >= 1 && params.iterations <= 100000, "destripe: iterations must be in 1..100000");
    require(frame.fy >= 8 && frame.fx >= 8, "destripe: slices must be at least 8 x 8 pixels");
    filter = detail::make_variational_filter(frame.fy, frame.fx, params);
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
      filter->run(frame_in.data(), frame_out.data());
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
