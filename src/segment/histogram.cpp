// Grey-value histogram: per-thread integer counts over rows, summed after the parallel loop
// (integer sums are exact, so 1 and N threads give identical histograms).
#include "emorph/segment/histogram.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "emorph/dtype_list.hpp"
#include "emorph/error.hpp"
#include "emorph/parallel.hpp"

namespace emorph {

std::vector<double> Histogram::centers() const {
  std::vector<double> c(counts.size());
  for (int i = 0; i < bins(); ++i) c[i] = center(i);
  return c;
}

int64_t Histogram::total() const { return std::accumulate(counts.begin(), counts.end(), int64_t{0}); }

int Histogram::bin_of(double v) const {
  const double i = std::floor((v - lower) / bin_width);
  if (!(i > 0)) return 0;
  return i >= bins() ? bins() - 1 : static_cast<int>(i);
}

double Histogram::share_above(double v) const {
  const double total = static_cast<double>(this->total());
  if (total <= 0) return 0;
  const double position = (v - lower) / bin_width;  // in bins from `lower`
  double above = 0;
  for (int i = bins() - 1; i >= 0 && i + 1 > position; --i)
    above += static_cast<double>(counts[i]) * std::min(1.0, i + 1 - position);
  return above / total;
}

double Histogram::upper_quantile(double share) const {
  const double want = share * static_cast<double>(total());
  double above = 0;
  for (int i = bins() - 1; i >= 0; --i) {
    const double k = static_cast<double>(counts[i]);
    if (above + k >= want && k > 0) return lower + (i + 1 - (want - above) / k) * bin_width;  // linear within the bin
    above += k;
  }
  return lower;
}

Histogram merge_bins(const Histogram& h, int factor) {
  require(factor >= 1, "histogram: bin merge factor must be >= 1");
  Histogram m = h;
  m.bin_width = h.bin_width * factor;
  m.counts.assign((h.counts.size() + factor - 1) / factor, 0);
  for (std::size_t i = 0; i < h.counts.size(); ++i) m.counts[i / factor] += h.counts[i];
  return m;
}

namespace {

void check_params(const HistogramParams& p) {
  require(p.bins == 0 || (p.bins >= 2 && p.bins <= (1 << 20)),
          "--bins must be 0 (automatic) or between 2 and 1048576, got " + std::to_string(p.bins));
  if (p.range_min && p.range_max)
    require(*p.range_min <= *p.range_max, "histogram range: minimum must not exceed maximum");
  if (p.range_min) require(std::isfinite(*p.range_min), "histogram range minimum must be finite");
  if (p.range_max) require(std::isfinite(*p.range_max), "histogram range maximum must be finite");
}

template <class T>
void check_mask(VolumeView<const T> in, VolumeView<const uint8_t> mask) {
  if (mask.data() == nullptr) return;
  require(mask.shape() == in.shape(),
          "mask shape " + mask.shape().str() + " differs from volume shape " + in.shape().str());
}

// Runs f(local_counts_or_state, z, y) over all rows in parallel, one state per thread; returns the states.
template <class State, class Init, class RowFn>
std::vector<State> per_thread_rows(int64_t nz, int64_t ny, Init init, RowFn row_fn) {
  const int nt = thread_count();
  std::vector<State> states(nt);
#pragma omp parallel num_threads(nt)
  {
    State& s = states[omp_get_thread_num()];
    s = init();
#pragma omp for schedule(static)
    for (int64_t r = 0; r < nz * ny; ++r) row_fn(s, r / ny, r % ny);
  }
  return states;
}

// Finishes an integer histogram given the exact per-value counts of [vmin_type, ...].
Histogram from_value_counts(const std::vector<int64_t>& value_counts, int64_t type_min, const HistogramParams& p,
                            int64_t excluded_outside) {
  int64_t lo_idx = 0, hi_idx = static_cast<int64_t>(value_counts.size()) - 1;
  if (p.range_min) lo_idx = std::max<int64_t>(lo_idx, static_cast<int64_t>(std::ceil(*p.range_min)) - type_min);
  if (p.range_max) hi_idx = std::min<int64_t>(hi_idx, static_cast<int64_t>(std::floor(*p.range_max)) - type_min);
  int64_t excluded = excluded_outside;
  for (int64_t i = 0; i < static_cast<int64_t>(value_counts.size()); ++i)
    if (i < lo_idx || i > hi_idx) excluded += value_counts[i];
  int64_t first = -1, last = -1;
  for (int64_t i = std::max<int64_t>(lo_idx, 0); i <= hi_idx; ++i)
    if (value_counts[i]) {
      if (first < 0) first = i;
      last = i;
    }
  require(first >= 0, "histogram: no voxel selected (empty mask, or no grey value inside the range)");
  // The range is the data's extremes unless the user gave it.
  const int64_t vmin = p.range_min ? lo_idx : first, vmax = p.range_max ? hi_idx : last;
  const int64_t span = vmax - vmin + 1;
  const int64_t bins = p.bins ? p.bins : (span <= 256 ? span : 256);
  Histogram h;
  h.counts.assign(bins, 0);
  h.lower = static_cast<double>(vmin + type_min) - 0.5;
  h.bin_width = static_cast<double>(span) / static_cast<double>(bins);
  h.min_value = static_cast<double>(first + type_min);
  h.max_value = static_cast<double>(last + type_min);
  h.excluded = excluded;
  for (int64_t v = first; v <= last; ++v) {
    // Edges at vmin - 0.5 + i * span / bins, in exact integer arithmetic.
    const int64_t i = ((2 * (v - vmin) + 1) * bins) / (2 * span);
    h.counts[std::min<int64_t>(i, bins - 1)] += value_counts[v];
  }
  return h;
}

template <class T>
Histogram small_integer_histogram(VolumeView<const T> in, const HistogramParams& p, VolumeView<const uint8_t> mask) {
  constexpr int64_t type_min = std::numeric_limits<T>::min();
  constexpr int64_t values = int64_t{std::numeric_limits<T>::max()} - type_min + 1;
  const bool masked = mask.data() != nullptr;
  auto states = per_thread_rows<std::vector<int64_t>>(
      in.nz(), in.ny(), [] { return std::vector<int64_t>(values, 0); },
      [&](std::vector<int64_t>& c, int64_t z, int64_t y) {
        const T* row = in.row(z, y);
        const int64_t sx = in.strides().sx;
        if (masked) {
          const uint8_t* m = mask.row(z, y);
          const int64_t msx = mask.strides().sx;
          for (int64_t x = 0; x < in.nx(); ++x)
            if (m[x * msx]) ++c[int64_t{row[x * sx]} - type_min];
        } else {
          for (int64_t x = 0; x < in.nx(); ++x) ++c[int64_t{row[x * sx]} - type_min];
        }
      });
  std::vector<int64_t> counts(values, 0);
  for (const auto& s : states)
    for (int64_t i = 0; i < values; ++i) counts[i] += s[i];
  return from_value_counts(counts, type_min, p, 0);
}

struct MinMax {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  int64_t nonfinite = 0;
};

template <class T>
Histogram wide_histogram(VolumeView<const T> in, const HistogramParams& p, VolumeView<const uint8_t> mask) {
  const bool masked = mask.data() != nullptr;
  const double rmin = p.range_min.value_or(-std::numeric_limits<double>::infinity());
  const double rmax = p.range_max.value_or(std::numeric_limits<double>::infinity());
  auto selected = [&](int64_t z, int64_t y, int64_t x) { return !masked || mask(z, y, x) != 0; };
  auto mm = per_thread_rows<MinMax>(in.nz(), in.ny(), [] { return MinMax{}; }, [&](MinMax& s, int64_t z, int64_t y) {
    for (int64_t x = 0; x < in.nx(); ++x) {
      if (!selected(z, y, x)) continue;
      const double v = static_cast<double>(in(z, y, x));
      if (!std::isfinite(v)) {
        ++s.nonfinite;
        continue;
      }
      if (v < rmin || v > rmax) continue;
      s.lo = std::min(s.lo, v);
      s.hi = std::max(s.hi, v);
    }
  });
  MinMax all;
  for (const auto& s : mm) {
    all.lo = std::min(all.lo, s.lo);
    all.hi = std::max(all.hi, s.hi);
    all.nonfinite += s.nonfinite;
  }
  require(all.lo <= all.hi, "histogram: no voxel selected (empty mask, or no grey value inside the range)");
  const double vmin = p.range_min.value_or(all.lo), vmax = p.range_max.value_or(all.hi);
  Histogram h;
  h.min_value = all.lo;
  h.max_value = all.hi;
  int64_t bins = p.bins ? p.bins : 256;
  if constexpr (std::is_integral_v<T>) {
    const double span = vmax - vmin + 1;
    if (!p.bins && span <= 256) bins = static_cast<int64_t>(span);
    h.lower = vmin - 0.5;
    h.bin_width = span / static_cast<double>(bins);
  } else {
    h.lower = vmin;
    h.bin_width = vmax > vmin ? (vmax - vmin) / static_cast<double>(bins) : 1.0;
  }
  const int nbins = static_cast<int>(bins);
  h.counts.assign(nbins, 0);
  auto partial = per_thread_rows<std::vector<int64_t>>(
      in.nz(), in.ny(), [&] { return std::vector<int64_t>(nbins + 1, 0); },
      [&](std::vector<int64_t>& c, int64_t z, int64_t y) {
        for (int64_t x = 0; x < in.nx(); ++x) {
          if (!selected(z, y, x)) continue;
          const double v = static_cast<double>(in(z, y, x));
          if (!(v >= rmin && v <= rmax)) {
            ++c[nbins];  // outside the range or NaN
            continue;
          }
          c[h.bin_of(v)]++;
        }
      });
  for (const auto& c : partial) {
    for (int i = 0; i < nbins; ++i) h.counts[i] += c[i];
    h.excluded += c[nbins];
  }
  return h;
}

}  // namespace

template <class T>
Histogram histogram(VolumeView<const T> in, const HistogramParams& params, VolumeView<const uint8_t> mask) {
  check_params(params);
  check_mask(in, mask);
  require(!in.empty(), "histogram: the volume is empty");
  if constexpr (sizeof(T) <= 2 && std::is_integral_v<T>)
    return small_integer_histogram(in, params, mask);
  else
    return wide_histogram(in, params, mask);
}

template <class T>
  requires(std::is_integral_v<T> && sizeof(T) <= 2)
void accumulate_value_counts(std::vector<int64_t>& counts, VolumeView<const T> in) {
  constexpr int64_t type_min = std::numeric_limits<T>::min();
  constexpr int64_t values = int64_t{std::numeric_limits<T>::max()} - type_min + 1;
  if (counts.empty()) counts.assign(values, 0);
  require(static_cast<int64_t>(counts.size()) == values, "histogram: value counts of another dtype");
  if (in.empty()) return;
  auto states = per_thread_rows<std::vector<int64_t>>(
      in.nz(), in.ny(), [] { return std::vector<int64_t>(values, 0); },
      [&](std::vector<int64_t>& c, int64_t z, int64_t y) {
        const T* row = in.row(z, y);
        for (int64_t x = 0; x < in.nx(); ++x) ++c[int64_t{row[x * in.strides().sx]} - type_min];
      });
  for (const auto& s : states)
    for (int64_t i = 0; i < values; ++i) counts[i] += s[i];
}

template <class T>
  requires(std::is_integral_v<T> && sizeof(T) <= 2)
Histogram histogram_from_value_counts(const std::vector<int64_t>& counts, const HistogramParams& params) {
  check_params(params);
  constexpr int64_t type_min = std::numeric_limits<T>::min();
  constexpr int64_t values = int64_t{std::numeric_limits<T>::max()} - type_min + 1;
  require(static_cast<int64_t>(counts.size()) == values, "histogram: value counts of another dtype");
  return from_value_counts(counts, type_min, params, 0);
}

#define EMORPH_INSTANTIATE_VALUE_COUNTS(T)                                                      \
  template void accumulate_value_counts<T>(std::vector<int64_t>&, VolumeView<const T>);      \
  template Histogram histogram_from_value_counts<T>(const std::vector<int64_t>&, const HistogramParams&);
EMORPH_INSTANTIATE_VALUE_COUNTS(uint8_t)
EMORPH_INSTANTIATE_VALUE_COUNTS(int8_t)
EMORPH_INSTANTIATE_VALUE_COUNTS(uint16_t)
EMORPH_INSTANTIATE_VALUE_COUNTS(int16_t)

#define EMORPH_INSTANTIATE_HISTOGRAM(T) template Histogram histogram(VolumeView<const T>, const HistogramParams&, VolumeView<const uint8_t>);
EMORPH_FOR_EACH_DTYPE(EMORPH_INSTANTIATE_HISTOGRAM)
#undef EMORPH_INSTANTIATE_HISTOGRAM

}  // namespace emorph
