// Label histograms per slice: one pass over the volume, per-thread integer counts (exact, so the
// result does not depend on the thread count); few-label rows are counted with vectorised compares.
#include "emorph/measure/fractions.hpp"

#include <omp.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <algorithm>
#include <array>
#include <optional>

#include "emorph/error.hpp"


namespace emorph {
namespace {

constexpr int kLabels = 256;

// Labels below this value are counted with vectorised compares, one pass over the data; a label
// volume rarely has more phases, and the scatter histogram below is slower on long runs of one label
// (each increment waits for the previous one to the same counter).
constexpr int kFewLabels = 8;

uint8_t max_value(const uint8_t* p, int64_t n) {
  uint8_t m = 0;
  int64_t x = 0;
#ifdef __SSE2__
  __m128i vm = _mm_setzero_si128();
  for (; x + 16 <= n; x += 16) vm = _mm_max_epu8(vm, _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + x)));
  alignas(16) uint8_t lanes[16];
  _mm_store_si128(reinterpret_cast<__m128i*>(lanes), vm);
  for (uint8_t l : lanes) m = std::max(m, l);
#endif
  for (; x < n; ++x) m = std::max(m, p[x]);
  return m;
}

// counts[1..max_label] += occurrences in p[0..n), counts[0] += the rest; max_label < kFewLabels.
void count_few_labels(const uint8_t* p, int64_t n, int max_label, int64_t* counts) {
  int64_t found[kFewLabels] = {};
  int64_t x = 0;
#ifdef __SSE2__
  // 8-bit lane counters (a compare gives -1 per match) summed with SAD every 255 blocks.
  const __m128i zero = _mm_setzero_si128();
  while (x + 16 <= n) {
    const int64_t blocks = std::min<int64_t>((n - x) / 16, 255);
    __m128i acc[kFewLabels];
    for (int l = 1; l <= max_label; ++l) acc[l] = zero;
    for (int64_t b = 0; b < blocks; ++b, x += 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + x));
      for (int l = 1; l <= max_label; ++l) acc[l] = _mm_sub_epi8(acc[l], _mm_cmpeq_epi8(v, _mm_set1_epi8(static_cast<char>(l))));
    }
    for (int l = 1; l <= max_label; ++l) {
      const __m128i sums = _mm_sad_epu8(acc[l], zero);
      found[l] += _mm_cvtsi128_si64(sums) + _mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums));
    }
  }
#endif
  for (; x < n; ++x) ++found[p[x]];
  int64_t others = 0;
  for (int l = 1; l <= max_label; ++l) counts[l] += found[l], others += found[l];
  counts[0] += n - others;
}

// Adds the label counts of n contiguous voxels to counts[0..255].
void count_row(const uint8_t* p, int64_t n, int64_t* counts) {
  const uint8_t max_label = max_value(p, n);
  if (max_label < kFewLabels) {
    count_few_labels(p, n, max_label, counts);
    return;
  }
  // Four interleaved tables break the store-to-load dependency on runs of equal labels.
  std::array<std::array<uint32_t, kLabels>, 4> t{};
  int64_t x = 0;
  for (; x + 4 <= n; x += 4) {
    ++t[0][p[x]];
    ++t[1][p[x + 1]];
    ++t[2][p[x + 2]];
    ++t[3][p[x + 3]];
  }
  for (; x < n; ++x) ++t[0][p[x]];
  for (int l = 0; l < kLabels; ++l) counts[l] += int64_t{t[0][l]} + t[1][l] + t[2][l] + t[3][l];
}

const uint8_t* contiguous_row(VolumeView<const uint8_t> v, int64_t z, int64_t y, std::vector<uint8_t>& buffer) {
  if (v.strides().sx == 1) return v.row(z, y);
  buffer.resize(static_cast<std::size_t>(v.nx()));
  const uint8_t* row = v.row(z, y);
  for (int64_t x = 0; x < v.nx(); ++x) buffer[static_cast<std::size_t>(x)] = row[x * v.strides().sx];
  return buffer.data();
}

// counts256: [slice * 256 + label]; compacts to the labels present.
SliceLabelCounts compact(int axis, int64_t slices, int64_t per_slice, const std::vector<int64_t>& counts256) {
  int max_label = 0;
  for (int64_t s = 0; s < slices; ++s)
    for (int l = kLabels - 1; l > max_label; --l)
      if (counts256[static_cast<std::size_t>(s * kLabels + l)] != 0) {
        max_label = l;
        break;
      }
  SliceLabelCounts r;
  r.axis = axis;
  r.num_labels = max_label + 1;
  r.slices = slices;
  r.voxels_per_slice = per_slice;
  r.counts.resize(static_cast<std::size_t>(slices * r.num_labels));
  for (int64_t s = 0; s < slices; ++s)
    for (int l = 0; l < r.num_labels; ++l)
      r.counts[static_cast<std::size_t>(s * r.num_labels + l)] = counts256[static_cast<std::size_t>(s * kLabels + l)];
  return r;
}

}  // namespace

std::vector<int64_t> SliceLabelCounts::totals(int64_t first, int64_t last) const {
  require(first >= 0 && last < slices && first <= last, "slice range is empty or outside the volume");
  std::vector<int64_t> t(static_cast<std::size_t>(num_labels), 0);
  for (int64_t s = first; s <= last; ++s)
    for (int l = 0; l < num_labels; ++l) t[static_cast<std::size_t>(l)] += at(s, l);
  return t;
}

SliceLabelCounts slice_label_counts(VolumeView<const uint8_t> labels, const SliceCountsParams& params) {
  require(params.axis >= 0 && params.axis <= 2, "--axis must be 0, 1 or 2 (got " + std::to_string(params.axis) + ")");
  require(!labels.empty(), "the label volume is empty");
  const int axis = params.axis;
  const int64_t nz = labels.nz(), ny = labels.ny(), nx = labels.nx();
  const int64_t slices = labels.shape()[axis];
  const int64_t per_slice = labels.size() / slices;
  std::vector<int64_t> counts(static_cast<std::size_t>(slices * kLabels), 0);

  if (axis == 0) {
    // Each thread owns whole z slices: disjoint writes, no reduction.
#pragma omp parallel
    {
      std::vector<uint8_t> buffer;
#pragma omp for schedule(dynamic, 1)
      for (int64_t z = 0; z < nz; ++z) {
        int64_t* c = counts.data() + z * kLabels;
        if (labels.is_contiguous()) {
          count_row(labels.row(z, 0), ny * nx, c);  // the whole slice is one run of memory
        } else {
          for (int64_t y = 0; y < ny; ++y) count_row(contiguous_row(labels, z, y, buffer), nx, c);
        }
      }
    }
  } else {
    // Slices along y or x cut every z slab: per-thread tables, summed in a fixed order afterwards.
    const int threads = omp_get_max_threads();
    std::vector<std::vector<int64_t>> local(static_cast<std::size_t>(threads));
#pragma omp parallel num_threads(threads)
    {
      auto& mine = local[static_cast<std::size_t>(omp_get_thread_num())];
      mine.assign(static_cast<std::size_t>(slices * kLabels), 0);
      std::vector<uint8_t> buffer;
      // Axis 2, few labels: per-column counters [label][x] of one z slice, added with vectorisable
      // compares (a scatter into [x][label] touches one cache line per voxel).
      std::vector<uint32_t> columns;
      if (axis == 2) columns.assign(static_cast<std::size_t>(kFewLabels * nx), 0);
#pragma omp for schedule(dynamic, 1)
      for (int64_t z = 0; z < nz; ++z) {
        int max_in_slice = 0;
        int64_t few_rows = 0;
        for (int64_t y = 0; y < ny; ++y) {
          const uint8_t* row = contiguous_row(labels, z, y, buffer);
          if (axis == 1) {
            count_row(row, nx, mine.data() + y * kLabels);
            continue;
          }
          const int max_label = max_value(row, nx);
          if (max_label < kFewLabels) {
            for (int l = 1; l <= max_label; ++l) {
              uint32_t* c = columns.data() + l * nx;
              for (int64_t x = 0; x < nx; ++x) c[x] += (row[x] == l);
            }
            max_in_slice = std::max(max_in_slice, max_label);
            ++few_rows;
          } else {
            int64_t* c = mine.data();
            for (int64_t x = 0; x < nx; ++x) ++c[x * kLabels + row[x]];
          }
        }
        if (axis == 2 && few_rows > 0) {
          for (int64_t x = 0; x < nx; ++x) {
            int64_t others = 0;
            for (int l = 1; l <= max_in_slice; ++l) {
              uint32_t& c = columns[static_cast<std::size_t>(l * nx + x)];
              mine[static_cast<std::size_t>(x * kLabels + l)] += c;
              others += c;
              c = 0;
            }
            mine[static_cast<std::size_t>(x * kLabels)] += few_rows - others;
          }
        }
      }
    }
    for (const auto& mine : local)
      if (!mine.empty())
        for (std::size_t i = 0; i < counts.size(); ++i) counts[i] += mine[i];
  }
  return compact(axis, slices, per_slice, counts);
}

void accumulate_slice_label_counts(SliceLabelCounts& whole, VolumeView<const uint8_t> slab, int64_t z0,
                                   const Shape& whole_shape, const SliceCountsParams& params) {
  const SliceLabelCounts part = slice_label_counts(slab, params);
  require(z0 >= 0 && z0 + slab.nz() <= whole_shape.nz && slab.ny() == whole_shape.ny && slab.nx() == whole_shape.nx,
          "slab counts: the slab lies outside the volume");
  if (whole.slices == 0) {
    whole.axis = params.axis;
    whole.slices = whole_shape[params.axis];
    whole.voxels_per_slice = whole_shape.voxels() / whole.slices;
  }
  require(whole.axis == params.axis, "slab counts: the axis changed between slabs");
  if (part.num_labels > whole.num_labels) {  // widen the table to the labels seen so far
    std::vector<int64_t> wider(static_cast<std::size_t>(whole.slices * part.num_labels), 0);
    for (int64_t s = 0; s < whole.slices; ++s)
      for (int l = 0; l < whole.num_labels; ++l)
        wider[static_cast<std::size_t>(s * part.num_labels + l)] = whole.at(s, l);
    whole.counts = std::move(wider);
    whole.num_labels = part.num_labels;
  }
  // Along z the slab's slices are the volume's slices z0..; across z each slab adds to every slice.
  const int64_t offset = params.axis == 0 ? z0 : 0;
  for (int64_t s = 0; s < part.slices; ++s)
    for (int l = 0; l < part.num_labels; ++l)
      whole.counts[static_cast<std::size_t>((s + offset) * whole.num_labels + l)] += part.at(s, l);
}

PhaseFractions phase_fractions(const SliceLabelCounts& counts, int64_t first, int64_t last) {
  PhaseFractions f;
  f.voxels = counts.totals(first, last);
  f.total = (last - first + 1) * counts.voxels_per_slice;
  return f;
}

PhaseFractions phase_fractions(VolumeView<const uint8_t> labels) {
  const auto counts = slice_label_counts(labels, {});
  return phase_fractions(counts, 0, counts.slices - 1);
}

}  // namespace emorph
