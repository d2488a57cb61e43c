// Two-point correlation per axis (Torquato 2002, ch. 2.2; Berryman 1985): non-periodic autocorrelation
// of the phase indicator along each axis, by exact bitwise pair counts or zero-padded FFTW transforms of
// every line, normalised by the overlap counts.
#include "emorph/measure/two_point_correlation.hpp"

#include <omp.h>

#include <bit>
#include <cmath>
#include <cstring>
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

// The phase as bit rows, twice: `rows` with row (z, y) = `words` 64-bit words, bit x = voxel x, and
// `columns` (each plane transposed) with row (z, x) = `column_words` words, bit y = voxel y; zero beyond
// the extent. The transposed copy makes the pairs along x, like those along y and z, one long AND +
// popcount over contiguous words (instead of shifted words per row and lag).
struct BitPlanes {
  int64_t ny = 0, nx = 0, words = 0, column_words = 0;
  std::vector<uint64_t> rows, columns;
  const uint64_t* row(int64_t z, int64_t y) const { return &rows[static_cast<std::size_t>((z * ny + y) * words)]; }
  const uint64_t* column(int64_t z, int64_t x) const {
    return &columns[static_cast<std::size_t>((z * nx + x) * column_words)];
  }
};

// 8 mask bytes (nonzero = phase) -> 8 bits, byte j to bit j: fold each byte onto its lowest bit, then
// gather the lowest bits with one multiplication (no carries: each product term lands on its own bit).
inline uint64_t byte_bits(uint64_t v) {
  v |= (v >> 4) & 0x0F0F0F0F0F0F0F0FULL;
  v |= (v >> 2) & 0x0303030303030303ULL;
  v |= (v >> 1) & 0x0101010101010101ULL;
  return ((v & 0x0101010101010101ULL) * 0x0102040810204080ULL) >> 56;
}

// Transposes a 64 x 64 bit matrix in place: bit c of a[r] <-> bit r of a[c] (Warren, Hacker's Delight,
// 7-3: swap blocks of 32, 16, .. 1 bits).
void transpose64(uint64_t a[64]) {
  uint64_t m = 0x00000000FFFFFFFFULL;
  for (int j = 32; j; j >>= 1, m ^= m << j)
    for (int k = 0; k < 64; k = ((k | j) + 1) & ~j) {
      const uint64_t t = ((a[k] >> j) ^ a[k | j]) & m;
      a[k | j] ^= t;
      a[k] ^= t << j;
    }
}

BitPlanes pack_bits(VolumeView<const uint8_t> m) {
  static_assert(std::endian::native == std::endian::little, "byte_bits assumes little-endian loads");
  BitPlanes b;
  b.ny = m.ny();
  b.nx = m.nx();
  b.words = (m.nx() + 63) / 64;
  b.column_words = (m.ny() + 63) / 64;
  b.rows.assign(static_cast<std::size_t>(m.nz() * m.ny() * b.words), 0);
  b.columns.assign(static_cast<std::size_t>(m.nz() * m.nx() * b.column_words), 0);
  const int64_t nx = m.nx(), ny = m.ny();
#pragma omp parallel for schedule(static)
  for (int64_t z = 0; z < m.nz(); ++z) {
    for (int64_t y = 0; y < ny; ++y) {
      const uint8_t* row = m.row(z, y);
      uint64_t* out = &b.rows[static_cast<std::size_t>((z * ny + y) * b.words)];
      int64_t x = 0;
      for (; x + 8 <= nx; x += 8) {
        uint64_t v;
        std::memcpy(&v, row + x, 8);
        out[x >> 6] |= byte_bits(v) << (x & 63);
      }
      for (; x < nx; ++x) out[x >> 6] |= static_cast<uint64_t>(row[x] != 0) << (x & 63);
    }
    // Blocks of 64 rows x 64 columns: word wx of rows 64 wy .. 64 wy + 63 -> word wy of columns 64 wx ...
    uint64_t block[64];
    for (int64_t wy = 0; wy < b.column_words; ++wy)
      for (int64_t wx = 0; wx < b.words; ++wx) {
        for (int64_t i = 0; i < 64; ++i) block[i] = 64 * wy + i < ny ? b.row(z, 64 * wy + i)[wx] : 0;
        transpose64(block);
        for (int64_t i = 0; i < 64 && 64 * wx + i < nx; ++i)
          b.columns[static_cast<std::size_t>((z * nx + 64 * wx + i) * b.column_words + wy)] = block[i];
      }
  }
  return b;
}

using LagCounts = std::array<std::vector<int64_t>, 3>;

// The pairs of plane z with itself (along x and y) and with the planes above it (along z), added to
// counts. Always inlined into the entry points below so that each compiles std::popcount for its
// target: POPCNT, or AVX-512 VPOPCNTQ on 8 words at once (the default x86-64 target has neither and
// falls back to ~15 instructions per word).
[[gnu::always_inline]] inline void plane_pair_counts_impl(const BitPlanes& b, int64_t z, int64_t nz,
                                                          const std::array<int64_t, 3>& max_lag, LagCounts& counts) {
  const auto and_count = [](const uint64_t* a, const uint64_t* c, int64_t words) {
    int64_t n = 0;
    for (int64_t w = 0; w < words; ++w) n += std::popcount(a[w] & c[w]);
    return n;
  };
  // Rows are contiguous, so the pairs of plane z with plane z + k (z axis), of rows y with rows y + k
  // (y axis) and of columns x with columns x + k (x axis) are each one long AND + popcount.
  const int64_t W = b.words, CW = b.column_words, ny = b.ny, nx = b.nx;
  for (int64_t k = 0; k <= max_lag[0] && z + k < nz; ++k) counts[0][k] += and_count(b.row(z, 0), b.row(z + k, 0), ny * W);
  for (int64_t k = 0; k <= max_lag[1] && k < ny; ++k) counts[1][k] += and_count(b.row(z, 0), b.row(z, k), (ny - k) * W);
  for (int64_t k = 0; k <= max_lag[2] && k < nx; ++k)
    counts[2][k] += and_count(b.column(z, 0), b.column(z, k), (nx - k) * CW);
}

#if defined(__x86_64__)
[[gnu::target("popcnt")]] void plane_pair_counts_popcnt(const BitPlanes& b, int64_t z, int64_t nz,
                                                        const std::array<int64_t, 3>& max_lag, LagCounts& counts) {
  plane_pair_counts_impl(b, z, nz, max_lag, counts);
}
[[gnu::target("popcnt,avx512f,avx512vpopcntdq")]] void plane_pair_counts_avx512(const BitPlanes& b, int64_t z, int64_t nz,
                                                                                const std::array<int64_t, 3>& max_lag,
                                                                                LagCounts& counts) {
  plane_pair_counts_impl(b, z, nz, max_lag, counts);
}
#endif

bool has_avx512_popcount() {
#if defined(__x86_64__)
  static const bool has = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vpopcntdq");
  return has;
#else
  return false;
#endif
}

void plane_pair_counts(const BitPlanes& b, int64_t z, int64_t nz, const std::array<int64_t, 3>& max_lag, LagCounts& counts) {
#if defined(__x86_64__)
  static const bool has_popcnt = __builtin_cpu_supports("popcnt");
  if (has_avx512_popcount()) return plane_pair_counts_avx512(b, z, nz, max_lag, counts);
  if (has_popcnt) return plane_pair_counts_popcnt(b, z, nz, max_lag, counts);
#endif
  plane_pair_counts_impl(b, z, nz, max_lag, counts);
}

// Exact pair counts by AND + popcount of bit rows: along each axis the rows (or columns, or planes) k
// apart. Integer sums per thread, merged in order: deterministic.
std::array<std::vector<double>, 3> direct_pair_counts(VolumeView<const uint8_t> m, const std::array<int64_t, 3>& max_lag) {
  const BitPlanes b = pack_bits(m);
  const int64_t nz = m.nz();
  const int threads = omp_get_max_threads();
  std::vector<LagCounts> partial(static_cast<std::size_t>(threads));
#pragma omp parallel num_threads(threads)
  {
    auto& counts = partial[static_cast<std::size_t>(omp_get_thread_num())];
    for (int a = 0; a < 3; ++a) counts[a].assign(static_cast<std::size_t>(max_lag[a] + 1), 0);
    // Dynamic: low planes pair with more planes above them than high ones.
#pragma omp for schedule(dynamic, 1)
    for (int64_t z = 0; z < nz; ++z) plane_pair_counts(b, z, nz, max_lag, counts);
  }
  std::array<std::vector<double>, 3> out;
  for (int a = 0; a < 3; ++a) {
    std::vector<int64_t> total(static_cast<std::size_t>(max_lag[a] + 1), 0);
    for (const auto& p : partial)
      for (std::size_t k = 0; k < total.size(); ++k) total[k] += p[a][k];
    out[a].assign(total.begin(), total.end());
  }
  return out;
}

// Pair counts from zero-padded line spectra (FFTW): padding to N + max lag keeps every lag up to max lag
// free of periodic wrap-around.
std::array<std::vector<double>, 3> fft_pair_counts(VolumeView<const uint8_t> mask, const std::array<int64_t, 3>& max_lag) {
  const Shape s = mask.shape();
  const LineSpectra along_z(s.nz, s.nx, fft_size(s.nz + max_lag[0]), false);
  const LineSpectra along_y(s.ny, s.nx, fft_size(s.ny + max_lag[1]), false);
  const LineSpectra along_x(s.nx, s.ny, fft_size(s.nx + max_lag[2]), true);

  // Per-plane spectra, summed afterwards in plane order: the same result for any thread count.
  std::vector<double> power_z(static_cast<std::size_t>(s.ny * along_z.freqs()));
  std::vector<double> power_y(static_cast<std::size_t>(s.nz * along_y.freqs()));
  std::vector<double> power_x(static_cast<std::size_t>(s.nz * along_x.freqs()));
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
    }
#pragma omp for schedule(static)
    for (int64_t y = 0; y < s.ny; ++y)
      along_z.plane_spectrum([&](int64_t z) { return mask.row(z, y); }, bz,
                             &power_z[static_cast<std::size_t>(y * along_z.freqs())]);
  }
  const std::array<const LineSpectra*, 3> spectra{&along_z, &along_y, &along_x};
  const std::array<const std::vector<double>*, 3> powers{&power_z, &power_y, &power_x};
  std::array<std::vector<double>, 3> out;
  for (int a = 0; a < 3; ++a) {
    const int64_t freqs = spectra[a]->freqs();
    std::vector<double> total(static_cast<std::size_t>(freqs), 0.0);
    const int64_t planes = static_cast<int64_t>(powers[a]->size()) / freqs;
    for (int64_t p = 0; p < planes; ++p)
      for (int64_t k = 0; k < freqs; ++k) total[k] += (*powers[a])[static_cast<std::size_t>(p * freqs + k)];
    out[a] = autocorrelation(total, spectra[a]->padded(), max_lag[a]);
  }
  return out;
}

}  // namespace

const char* correlation_method_name(CorrelationMethod m) {
  return m == CorrelationMethod::direct ? "direct" : m == CorrelationMethod::fft ? "fft" : "auto";
}

CorrelationMethod parse_correlation_method(const std::string& name, const std::string& option) {
  if (name == "auto") return CorrelationMethod::automatic;
  if (name == "direct") return CorrelationMethod::direct;
  if (name == "fft") return CorrelationMethod::fft;
  throw InputError(option + ": expected auto, direct or fft, got '" + name + "'");
}

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
  TwoPointCorrelationResult r;
  r.method = params.method;
  if (r.method == CorrelationMethod::automatic) {
    // Per voxel and axis, direct costs max lag / 64 word operations (AND, POPCNT, add: ~3.6 ns on the
    // development machine), 8 times fewer with AVX-512 VPOPCNTQ, and the FFT ~2.1 ns per log2 of the
    // padded length (bench_stats, 256^3): the transforms win beyond lags of ~37 log2(L), about 400
    // voxels, or ~3000 with AVX-512 (bench_stats 512^3: direct 12x cheaper at lags of 256).
    double lags = 0, fft = 0;
    for (int a = 0; a < 3; ++a) {
      lags += static_cast<double>(max_lag[a]);
      fft += 0.6 * std::log2(static_cast<double>(fft_size(s[a] + max_lag[a])));
    }
    const double words_per_operation = has_avx512_popcount() ? 8 : 1;
    r.method = lags / (64 * words_per_operation) <= fft ? CorrelationMethod::direct : CorrelationMethod::fft;
  }
  const auto in_phase = r.method == CorrelationMethod::direct ? direct_pair_counts(mask, max_lag) : fft_pair_counts(mask, max_lag);

  std::vector<int64_t> plane_voxels(static_cast<std::size_t>(s.nz), 0);
#pragma omp parallel for schedule(static)
  for (int64_t z = 0; z < s.nz; ++z) {
    int64_t count = 0;
    for (int64_t y = 0; y < s.ny; ++y) {
      const uint8_t* row = mask.row(z, y);
      for (int64_t x = 0; x < s.nx; ++x) count += row[x] != 0;
    }
    plane_voxels[static_cast<std::size_t>(z)] = count;
  }
  for (int64_t v : plane_voxels) r.phase_voxels += v;
  r.volume_fraction = static_cast<double>(r.phase_voxels) / static_cast<double>(s.voxels());
  for (int a = 0; a < 3; ++a) {
    AxisCorrelation& out = r.axes[a];
    out.voxel_um = mask.spacing()[a];
    const int64_t lines = s.voxels() / s[a];
    for (int64_t k = 0; k <= max_lag[a]; ++k) {
      const int64_t pairs = (s[a] - k) * lines;
      out.r_um.push_back(static_cast<double>(k) * out.voxel_um);
      out.pairs.push_back(pairs);
      // Lag 0 pairs each phase voxel with itself: the exact count, not a transform's round trip.
      const double both = k == 0 ? static_cast<double>(r.phase_voxels) : in_phase[a][static_cast<std::size_t>(k)];
      out.s2.push_back(std::clamp(both / static_cast<double>(pairs), 0.0, 1.0));
    }
  }
  return r;
}

}  // namespace emorph
