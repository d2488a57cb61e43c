// Sub-pixel translation by separable cubic convolution (Keys 1981, a = -1/2): a pure translation uses
// the same four weights at every pixel, so each slice costs two 4-tap passes (rows, then columns).
#include "emorph/filter/shift.hpp"

#include <cmath>
#include <string>

#include "emorph/error.hpp"
#include "emorph/progress.hpp"

namespace emorph {

namespace {

// Keys' cubic kernel (a = -1/2) weights for the samples at offsets -1, 0, 1, 2 of a fraction t in [0, 1).
std::array<double, 4> keys_weights(double t) {
  const double a = -0.5;
  auto far = [a](double s) { return a * s * s * s - 5 * a * s * s + 8 * a * s - 4 * a; };  // 1 <= s < 2
  auto near = [a](double s) { return (a + 2) * s * s * s - (a + 3) * s * s + 1; };        // 0 <= s < 1
  return {far(1 + t), near(t), near(1 - t), far(2 - t)};
}

// out[i] = in at position i + shift along a line of n samples read with `stride`.
void shift_line(const float* in, int64_t stride, int64_t n, double shift, const ShiftParams& params, float* out,
                int64_t out_stride) {
  const double base = std::floor(shift);
  const auto offset = static_cast<int64_t>(base);
  const std::array<double, 4> w = keys_weights(shift - base);
  const bool exact = shift == base;
  for (int64_t i = 0; i < n; ++i) {
    double sum = 0;
    bool outside = false;
    for (int k = exact ? 1 : 0; k < (exact ? 2 : 4); ++k) {
      int64_t j = i + offset + k - 1;
      if (j < 0 || j >= n) {
        if (params.constant_fill) {
          outside = true;
          break;
        }
        j = j < 0 ? 0 : n - 1;
      }
      sum += (exact ? 1.0 : w[k]) * in[j * stride];
    }
    out[i * out_stride] = outside ? params.fill_value : static_cast<float>(sum);
  }
}

}  // namespace

Volume<float> apply_drift(VolumeView<const float> stack, const std::vector<std::array<double, 2>>& drift_px,
                          const ShiftParams& params) {
  require(static_cast<int64_t>(drift_px.size()) == stack.nz(),
          "apply drift: " + std::to_string(drift_px.size()) + " drift entries for " + std::to_string(stack.nz()) +
              " slices");
  for (const auto& d : drift_px)
    require(std::isfinite(d[0]) && std::isfinite(d[1]), "apply drift: the drift holds a non-finite value");
  const int64_t ny = stack.ny(), nx = stack.nx();
  Volume<float> out(stack.shape(), stack.spacing(), stack.thickness_axis());
  Progress progress("shift", stack.nz());
#pragma omp parallel
  {
    std::vector<float> rows(static_cast<std::size_t>(ny * nx));
#pragma omp for schedule(dynamic)
    for (int64_t z = 0; z < stack.nz(); ++z) {
      for (int64_t y = 0; y < ny; ++y)
        shift_line(stack.row(z, y), stack.strides().sx, nx, drift_px[z][1], params, rows.data() + y * nx, 1);
      float* dst = out.data() + z * ny * nx;
      for (int64_t x = 0; x < nx; ++x) shift_line(rows.data() + x, nx, ny, drift_px[z][0], params, dst + x, nx);
      progress.advance();
    }
  }
  return out;
}

}  // namespace emorph
