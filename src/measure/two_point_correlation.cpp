// Two-point correlation per axis (Torquato 2002, ch. 2.2; Berryman 1985): non-periodic autocorrelation
// of the phase indicator along each axis by zero-padded FFTW transforms of every line, normalised by
// the overlap counts.
#include "emorph/measure/two_point_correlation.hpp"

#include <omp.h>

#include <cmath>
#include <numbers>
#include <stdexcept>

#include "filter/fftw_plan.hpp"

namespace emorph {

namespace {

// Smallest n' >= n whose only prime factors are 2, 3, 5, 7 (sizes FFTW transforms fastest).
int64_t fft_size(int64_t n) {
  for (int64_t m = std::max<int64_t>(n, 1);; ++m) {
    int64_t r = m;
    for (int64_t p : {2, 3, 5, 7})
      while (r % p == 0) r /= p;
    if (r == 1) return m;
  }
}

// Power spectra of the zero-padded lines along one axis, summed over the lines of each plane.
// Planes are the sweep positions of the other axes (z for the x and y axes, y for the z axis); the
// lines of a plane run either along its rows (`along_rows`: ny rows of nx, the x axis) or across them
// (nx columns of `n` rows with stride nx).
class LineSpectra {
 public:
  LineSpectra(int64_t n, int64_t lines, int64_t padded, bool along_rows)
      : n_(n), lines_(lines), padded_(padded), freqs_(padded / 2 + 1), along_rows_(along_rows) {
    auto real = detail::fftw_array<float>(static_cast<std::size_t>(padded_ * lines_));
    auto spec = detail::fftw_array<std::complex<float>>(static_cast<std::size_t>(freqs_ * lines_));
    const int len = static_cast<int>(padded_);
    const int howmany = static_cast<int>(lines_);
    std::lock_guard<std::mutex> lock(detail::fftw_planner_mutex());
    if (along_rows_)
      plan_ = detail::FftwPlan(fftwf_plan_many_dft_r2c(1, &len, howmany, real.get(), nullptr, 1, len,
                                                       detail::as_fftw(spec.get()), nullptr, 1,
                                                       static_cast<int>(freqs_), FFTW_ESTIMATE));
    else
      plan_ = detail::FftwPlan(fftwf_plan_many_dft_r2c(1, &len, howmany, real.get(), nullptr, howmany, 1,
                                                       detail::as_fftw(spec.get()), nullptr, howmany, 1,
                                                       FFTW_ESTIMATE));
    if (!plan_.get()) throw std::runtime_error("two-point correlation: FFTW could not plan a transform");
  }
  int64_t freqs() const { return freqs_; }
  int64_t padded() const { return padded_; }

  struct Buffers {
    detail::FftwArray<float> real;
    detail::FftwArray<std::complex<float>> spec;
  };
  Buffers buffers() const {
    Buffers b{detail::fftw_array<float>(static_cast<std::size_t>(padded_ * lines_)),
              detail::fftw_array<std::complex<float>>(static_cast<std::size_t>(freqs_ * lines_))};
    // The padding stays zero: only the first n positions of each line are ever written.
    std::fill(b.real.get(), b.real.get() + padded_ * lines_, 0.0f);
    return b;
  }

  // row_at(i): the i-th row (nx bytes) of the plane, i < n (across rows) or < lines (along rows).
  template <class RowAt>
  void plane_spectrum(RowAt row_at, Buffers& b, double* power) const {
    float* real = b.real.get();
    if (along_rows_) {
      for (int64_t l = 0; l < lines_; ++l) {
        const uint8_t* row = row_at(l);
        float* line = real + l * padded_;
        for (int64_t i = 0; i < n_; ++i) line[i] = row[i] ? 1.0f : 0.0f;
      }
    } else {
      for (int64_t i = 0; i < n_; ++i) {
        const uint8_t* row = row_at(i);
        float* out = real + i * lines_;
        for (int64_t x = 0; x < lines_; ++x) out[x] = row[x] ? 1.0f : 0.0f;
      }
    }
    fftwf_execute_dft_r2c(plan_.get(), real, detail::as_fftw(b.spec.get()));
    const std::complex<float>* spec = b.spec.get();
    std::fill(power, power + freqs_, 0.0);
    if (along_rows_) {
      for (int64_t l = 0; l < lines_; ++l)
        for (int64_t k = 0; k < freqs_; ++k) power[k] += std::norm(std::complex<double>(spec[l * freqs_ + k]));
    } else {
      for (int64_t k = 0; k < freqs_; ++k) {
        double sum = 0;
        for (int64_t l = 0; l < lines_; ++l) sum += std::norm(std::complex<double>(spec[k * lines_ + l]));
        power[k] = sum;
      }
    }
  }

 private:
  int64_t n_, lines_, padded_, freqs_;
  bool along_rows_;
  detail::FftwPlan plan_;
};

// Autocorrelation at lags 0..max_lag from the summed power spectrum of real sequences padded to
// `padded`: the inverse real DFT, evaluated directly in double (the spectrum is even).
std::vector<double> autocorrelation(const std::vector<double>& power, int64_t padded, int64_t max_lag) {
  std::vector<double> c(static_cast<std::size_t>(max_lag + 1));
  const int64_t freqs = padded / 2 + 1;
  for (int64_t k = 0; k <= max_lag; ++k) {
    double sum = power[0];
    for (int64_t j = 1; j < freqs; ++j) {
      const bool nyquist = padded % 2 == 0 && j == padded / 2;
      const double angle = 2 * std::numbers::pi * static_cast<double>((j * k) % padded) / static_cast<double>(padded);
      sum += (nyquist ? 1.0 : 2.0) * power[static_cast<std::size_t>(j)] * std::cos(angle);
    }
    c[static_cast<std::size_t>(k)] = sum / static_cast<double>(padded);
  }
  return c;
}

}  // namespace

TwoPointCorrelationResult two_point_correlation(VolumeView<const uint8_t> mask, const TwoPointCorrelationParams& params) {
  if (mask.empty()) throw InputError("two-point correlation: empty volume");
  if (mask.strides().sx != 1) throw InputError("two-point correlation: rows of the volume must be contiguous");
  if (params.max_lag_um && !(*params.max_lag_um > 0 && std::isfinite(*params.max_lag_um)))
    throw InputError("two-point correlation: max lag must be a positive number of um");
  const Shape s = mask.shape();
  std::array<int64_t, 3> max_lag{};
  for (int a = 0; a < 3; ++a) {
    const int64_t lag = params.max_lag_um ? static_cast<int64_t>(std::floor(*params.max_lag_um / mask.spacing()[a] + 1e-9))
                                          : s[a] / 2;
    max_lag[a] = std::clamp<int64_t>(lag, 0, s[a] - 1);
  }
  // Padding to N + max lag keeps every lag up to max lag free of periodic wrap-around.
  const LineSpectra along_z(s.nz, s.nx, fft_size(s.nz + max_lag[0]), false);
  const LineSpectra along_y(s.ny, s.nx, fft_size(s.ny + max_lag[1]), false);
  const LineSpectra along_x(s.nx, s.ny, fft_size(s.nx + max_lag[2]), true);

  // Per-plane spectra, summed afterwards in plane order: the same result for any thread count.
  std::vector<double> power_z(static_cast<std::size_t>(s.ny * along_z.freqs()));
  std::vector<double> power_y(static_cast<std::size_t>(s.nz * along_y.freqs()));
  std::vector<double> power_x(static_cast<std::size_t>(s.nz * along_x.freqs()));
  std::vector<int64_t> plane_voxels(static_cast<std::size_t>(s.nz), 0);
#pragma omp parallel
  {
    auto bz = along_z.buffers();
    auto by = along_y.buffers();
    auto bx = along_x.buffers();
#pragma omp for schedule(static) nowait
    for (int64_t z = 0; z < s.nz; ++z) {
      const auto row_at = [&](int64_t y) { return mask.row(z, y); };
      along_y.plane_spectrum(row_at, by, &power_y[static_cast<std::size_t>(z * along_y.freqs())]);
      along_x.plane_spectrum(row_at, bx, &power_x[static_cast<std::size_t>(z * along_x.freqs())]);
      int64_t count = 0;
      for (int64_t y = 0; y < s.ny; ++y) {
        const uint8_t* row = mask.row(z, y);
        for (int64_t x = 0; x < s.nx; ++x) count += row[x] != 0;
      }
      plane_voxels[static_cast<std::size_t>(z)] = count;
    }
#pragma omp for schedule(static)
    for (int64_t y = 0; y < s.ny; ++y)
      along_z.plane_spectrum([&](int64_t z) { return mask.row(z, y); }, bz,
                             &power_z[static_cast<std::size_t>(y * along_z.freqs())]);
  }

  TwoPointCorrelationResult r;
  for (int64_t v : plane_voxels) r.phase_voxels += v;
  r.volume_fraction = static_cast<double>(r.phase_voxels) / static_cast<double>(s.voxels());
  const std::array<const LineSpectra*, 3> spectra{&along_z, &along_y, &along_x};
  const std::array<const std::vector<double>*, 3> powers{&power_z, &power_y, &power_x};
  for (int a = 0; a < 3; ++a) {
    const int64_t freqs = spectra[a]->freqs();
    std::vector<double> total(static_cast<std::size_t>(freqs), 0.0);
    const int64_t planes = static_cast<int64_t>(powers[a]->size()) / freqs;
    for (int64_t p = 0; p < planes; ++p)
      for (int64_t k = 0; k < freqs; ++k) total[k] += (*powers[a])[static_cast<std::size_t>(p * freqs + k)];
    const std::vector<double> pairs_in_phase = autocorrelation(total, spectra[a]->padded(), max_lag[a]);
    AxisCorrelation& out = r.axes[a];
    out.voxel_um = mask.spacing()[a];
    const int64_t lines = s.voxels() / s[a];
    for (int64_t k = 0; k <= max_lag[a]; ++k) {
      const int64_t pairs = (s[a] - k) * lines;
      out.r_um.push_back(static_cast<double>(k) * out.voxel_um);
      out.pairs.push_back(pairs);
      // Lag 0 pairs each phase voxel with itself: the exact count, not its transform round trip.
      const double in_phase = k == 0 ? static_cast<double>(r.phase_voxels) : pairs_in_phase[k];
      out.s2.push_back(std::clamp(in_phase / static_cast<double>(pairs), 0.0, 1.0));
    }
  }
  return r;
}

}  // namespace emorph
