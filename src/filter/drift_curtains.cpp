// Curtain profiles for the drift along x: column means per slice, phase-correlated along x (Kuglin &
// Hines 1975, as align.cpp); the top and bottom halves' agreement tells whether there are curtains.
#include "emorph/filter/drift_curtains.hpp"

#include <algorithm>
#include <cmath>

#include "emorph/error.hpp"

namespace emorph {

namespace {

// Pearson correlation of the x differences of two profiles (differences: the stripes are narrow, the
// structure's column means vary slowly along x).
double difference_correlation(const std::vector<double>& a, const std::vector<double>& b) {
  const std::size_t n = a.size();
  if (n < 3) return 0;
  double ma = 0, mb = 0;
  for (std::size_t x = 1; x < n; ++x) ma += a[x] - a[x - 1], mb += b[x] - b[x - 1];
  ma /= double(n - 1);
  mb /= double(n - 1);
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t x = 1; x < n; ++x) {
    const double da = a[x] - a[x - 1] - ma, db = b[x] - b[x - 1] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : 0.0;
}

}  // namespace

CurtainProfiles curtain_profiles(VolumeView<const float> roi, CurtainProfileKind kind) {
  CurtainProfiles c;
  c.nz = roi.nz();
  c.nx = roi.nx();
  c.profile.assign(static_cast<std::size_t>(c.nz * c.nx), 0.0f);
  std::vector<double> agreement(static_cast<std::size_t>(c.nz), 0.0);
  const int64_t half = roi.ny() / 2;
  if (kind == CurtainProfileKind::median_difference) {
#pragma omp parallel for schedule(static)
    for (int64_t z = 0; z < c.nz; ++z) {
      std::vector<double> top(static_cast<std::size_t>(c.nx), 0.0), bottom(static_cast<std::size_t>(c.nx), 0.0);
      std::vector<float> column(static_cast<std::size_t>(roi.ny()));
      auto median = [](float* first, float* last) {
        float* mid = first + (last - first) / 2;
        std::nth_element(first, mid, last);
        return static_cast<double>(*mid);
      };
      for (int64_t x = 0; x + 1 < c.nx; ++x) {
        for (int64_t y = 0; y < roi.ny(); ++y) column[y] = roi(z, y, x + 1) - roi(z, y, x);
        // The halves first (nth_element reorders only within each half), then the whole column.
        top[x] = median(column.data(), column.data() + half);
        bottom[x] = median(column.data() + half, column.data() + roi.ny());
        c.profile[z * c.nx + x] = static_cast<float>(median(column.data(), column.data() + roi.ny()));
      }
      // The halves' profiles are already differences: their Pearson correlation (the last entry, 0 in
      // both, left out).
      double mt = 0, mb = 0, stb = 0, stt = 0, sbb = 0;
      const double n = double(std::max<int64_t>(1, c.nx - 1));
      for (int64_t x = 0; x + 1 < c.nx; ++x) mt += top[x] / n, mb += bottom[x] / n;
      for (int64_t x = 0; x + 1 < c.nx; ++x) {
        stb += (top[x] - mt) * (bottom[x] - mb);
        stt += (top[x] - mt) * (top[x] - mt);
        sbb += (bottom[x] - mb) * (bottom[x] - mb);
      }
      agreement[z] = stt > 0 && sbb > 0 ? stb / std::sqrt(stt * sbb) : 0.0;
    }
  } else {
#pragma omp parallel for schedule(static)
    for (int64_t z = 0; z < c.nz; ++z) {
      std::vector<double> top(static_cast<std::size_t>(c.nx), 0.0), bottom(static_cast<std::size_t>(c.nx), 0.0);
      for (int64_t y = 0; y < roi.ny(); ++y)
        for (int64_t x = 0; x < c.nx; ++x) (y < half ? top : bottom)[x] += roi(z, y, x);
      for (int64_t x = 0; x < c.nx; ++x)
        c.profile[z * c.nx + x] = static_cast<float>((top[x] + bottom[x]) / double(roi.ny()));
      agreement[z] = difference_correlation(top, bottom);
    }
  }
  auto mid = agreement.begin() + static_cast<std::ptrdiff_t>(agreement.size() / 2);
  std::nth_element(agreement.begin(), mid, agreement.end());
  c.half_agreement = agreement.empty() ? 0.0 : *mid;
  return c;
}

std::vector<DriftPair> curtain_pairs(const CurtainProfiles& profiles, const std::vector<int>& lags,
                                     const PhaseCorrelationParams& correlation) {
  // The profile repeated over 8 rows: the 2D correlator's peak then lies at dy = 0 and its dx is the
  // profiles' 1D shift, with the same taper, whitening and sub-pixel refinement as the slices'.
  constexpr int64_t rows = 8;
  const int64_t nz = profiles.nz, nx = profiles.nx;
  PhaseCorrelator correlator(rows, nx, correlation);
  std::vector<PhaseCorrelator::Spectrum> spectra(static_cast<std::size_t>(nz));
#pragma omp parallel for schedule(static)
  for (int64_t z = 0; z < nz; ++z) {
    Volume<float> image(Shape{1, rows, nx});
    for (int64_t y = 0; y < rows; ++y)
      for (int64_t x = 0; x < nx; ++x) image(0, y, x) = profiles.profile[z * nx + x];
    try {
      spectra[z] = correlator.spectrum(image.view());
    } catch (const InputError&) {  // a constant profile: no curtain to follow in this slice
    }
  }
  std::vector<DriftPair> pairs;
  for (int64_t z = 1; z < nz; ++z)
    for (int lag : lags)
      if (z - lag >= 0 && !spectra[z - lag].empty() && !spectra[z].empty()) pairs.push_back({z - lag, z, {}, 1.0, 1});
#pragma omp parallel for schedule(static)
  for (std::size_t k = 0; k < pairs.size(); ++k) {
    pairs[k].measured = correlator.estimate(spectra[pairs[k].fixed], spectra[pairs[k].moving]);
    pairs[k].measured.dy = 0;
  }
  return pairs;
}

}  // namespace emorph
