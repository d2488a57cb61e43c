// Chord-length distribution per axis (Torquato 2002, ch. 2.8; PoreSpy apply_chords +
// chord_length_distribution): maximal runs of phase voxels along each axis, by one sweep per axis.
#include "emorph/measure/chord_length.hpp"

#include <omp.h>

#include <cmath>
#include <limits>

namespace emorph {

namespace {

// Per-thread tallies; merged in thread order (integer sums, so the result is thread-count independent).
struct Tally {
  std::vector<int64_t> inner;   // inner[k]: chords of k + 1 voxels not touching the border
  std::vector<int64_t> border;  // same, touching the border
  explicit Tally(int64_t n) : inner(static_cast<std::size_t>(n), 0), border(static_cast<std::size_t>(n), 0) {}
  void add(int32_t length, bool touches_border) { (touches_border ? border : inner)[length - 1]++; }
};

// Lines along the x axis: each row is one line.
void chords_along_rows(VolumeView<const uint8_t> m, Tally& t, int64_t z0, int64_t z1) {
  for (int64_t z = z0; z < z1; ++z)
    for (int64_t y = 0; y < m.ny(); ++y) {
      const uint8_t* row = m.row(z, y);
      int32_t run = 0;
      for (int64_t x = 0; x < m.nx(); ++x) {
        if (row[x]) {
          ++run;
        } else if (run) {
          t.add(run, x - run == 0);
          run = 0;
        }
      }
      if (run) t.add(run, true);
    }
}

// Lines across rows: the sweep visits rows row_at(0..n-1) (consecutive positions along the axis) and
// keeps one run counter per x.
template <class RowAt>
void chords_across_rows(int64_t n, int64_t nx, RowAt row_at, std::vector<int32_t>& run, Tally& t) {
  std::fill(run.begin(), run.end(), 0);
  for (int64_t s = 0; s < n; ++s) {
    const uint8_t* row = row_at(s);
    for (int64_t x = 0; x < nx; ++x) {
      if (row[x]) {
        ++run[x];
      } else if (run[x]) {
        t.add(run[x], s - run[x] == 0);
        run[x] = 0;
      }
    }
  }
  for (int64_t x = 0; x < nx; ++x)
    if (run[x]) t.add(run[x], true);
}

AxisChords summarise(const std::vector<Tally>& tallies, double voxel_um, bool include_border) {
  AxisChords a;
  a.voxel_um = voxel_um;
  const std::size_t n = tallies.front().inner.size();
  std::vector<int64_t> count(n, 0);
  for (const auto& t : tallies)
    for (std::size_t k = 0; k < n; ++k) {
      count[k] += t.inner[k] + (include_border ? t.border[k] : 0);
      a.border_chords += t.border[k];
    }
  // Drop empty bins past the longest chord so the distribution ends where the data does.
  std::size_t used = n;
  while (used > 0 && count[used - 1] == 0) --used;
  count.resize(used);
  double length_sum = 0;
  for (std::size_t k = 0; k < used; ++k) {
    a.chords += count[k];
    length_sum += static_cast<double>(k + 1) * static_cast<double>(count[k]);
  }
  a.count = count;
  for (std::size_t k = 0; k < used; ++k) {
    a.chord_um.push_back(static_cast<double>(k + 1) * voxel_um);
    a.frequency.push_back(a.chords ? static_cast<double>(count[k]) / static_cast<double>(a.chords) : 0.0);
    a.length_weighted.push_back(length_sum > 0 ? static_cast<double>(k + 1) * static_cast<double>(count[k]) / length_sum
                                               : 0.0);
  }
  a.mean_chord_um = a.chords ? voxel_um * length_sum / static_cast<double>(a.chords)
                             : std::numeric_limits<double>::quiet_NaN();
  return a;
}

}  // namespace

ChordLengthResult chord_lengths(VolumeView<const uint8_t> mask, const ChordLengthParams& params) {
  if (mask.empty()) throw InputError("chord lengths: empty volume");
  if (mask.strides().sx != 1) throw InputError("chord lengths: rows of the volume must be contiguous");
  for (int a = 0; a < 3; ++a)
    if (mask.shape()[a] > std::numeric_limits<int32_t>::max())
      throw InputError("chord lengths: volume larger than 2^31 voxels along an axis");
  const Shape s = mask.shape();
  ChordLengthResult r;
  const int threads = omp_get_max_threads();
  std::array<std::vector<Tally>, 3> tallies;
  for (int a = 0; a < 3; ++a) tallies[a].assign(static_cast<std::size_t>(threads), Tally(s[a]));
  std::vector<int64_t> phase_voxels(static_cast<std::size_t>(threads), 0);

#pragma omp parallel num_threads(threads)
  {
    const int t = omp_get_thread_num();
    std::vector<int32_t> run(static_cast<std::size_t>(s.nx));
#pragma omp for schedule(static) nowait
    for (int64_t z = 0; z < s.nz; ++z) {
      chords_along_rows(mask, tallies[2][t], z, z + 1);
      chords_across_rows(s.ny, s.nx, [&](int64_t y) { return mask.row(z, y); }, run, tallies[1][t]);
      int64_t count = 0;
      for (int64_t y = 0; y < s.ny; ++y) {
        const uint8_t* row = mask.row(z, y);
        for (int64_t x = 0; x < s.nx; ++x) count += row[x] != 0;
      }
      phase_voxels[t] += count;
    }
#pragma omp for schedule(static)
    for (int64_t y = 0; y < s.ny; ++y)
      chords_across_rows(s.nz, s.nx, [&](int64_t z) { return mask.row(z, y); }, run, tallies[0][t]);
  }
  for (int64_t v : phase_voxels) r.phase_voxels += v;
  for (int a = 0; a < 3; ++a) r.axes[a] = summarise(tallies[a], mask.spacing()[a], params.include_border_chords);
  return r;
}

}  // namespace emorph
