// Drift track from a network of pairwise phase correlations (lags 1, 2, 4, 8 by default) solved by
// iteratively reweighted least squares (Huber, then Tukey's biweight; Holland & Welsch 1977): each
// pair (i, j) says p_j - p_i = m_ij, the banded normal equations are solved by Cholesky factorisation.
// A pair is correlated over the tiles of its slices clear of large flat regions (registration_tiles),
// or whole when neither slice has such a region.
#include "emorph/filter/drift_track.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <optional>

#include "emorph/banded_cholesky.hpp"
#include "emorph/error.hpp"
#include "emorph/filter/drift_curtains.hpp"
#include "emorph/progress.hpp"
#include "stack_checks.hpp"

namespace emorph {

namespace {

// Weighted least-squares positions with slice 0 fixed at 0; a tiny weight floor keeps every slice tied
// to the chain so the system stays positive definite when a pair is rejected.
std::vector<std::array<double, 2>> solve_positions(int64_t nz, int64_t bw, const std::vector<DriftPair>& pairs,
                                                   const std::vector<double>& weights) {
  const int64_t n = nz - 1;  // unknowns p_1 .. p_{nz-1}
  std::vector<double> a(static_cast<std::size_t>(n * (bw + 1)), 0.0);
  std::vector<std::vector<double>> rhs(2, std::vector<double>(static_cast<std::size_t>(n), 0.0));
  const double floor = 1e-6 * std::max(1e-12, *std::max_element(weights.begin(), weights.end()));
  for (std::size_t k = 0; k < pairs.size(); ++k) {
    const double w = std::max(weights[k], floor);
    const int64_t i = pairs[k].fixed - 1, j = pairs[k].moving - 1;
    const double m[2] = {pairs[k].measured.dy, pairs[k].measured.dx};
    a[j * (bw + 1)] += w;
    for (int axis = 0; axis < 2; ++axis) rhs[axis][j] += w * m[axis];
    if (i >= 0) {
      a[i * (bw + 1)] += w;
      a[j * (bw + 1) + (j - i)] -= w;
      for (int axis = 0; axis < 2; ++axis) rhs[axis][i] -= w * m[axis];
    }
  }
  // A: symmetric positive definite with half-bandwidth bw, a[i * (bw + 1) + k] = A(i, i - k).
  const BandedCholesky chol(std::move(a), n, bw, "drift track: normal equations");
  for (auto& b : rhs) chol.solve(b.data());
  std::vector<std::array<double, 2>> p(static_cast<std::size_t>(nz), {0.0, 0.0});
  for (int64_t z = 1; z < nz; ++z) p[z] = {rhs[0][z - 1], rhs[1][z - 1]};
  return p;
}

// IRLS weight of a residual: Huber's for the first 3 iterations (convex, a safe start from the plain
// least-squares fit), then Tukey's biweight, which gives gross outliers (beyond `threshold` robust
// scales, and 0.5 px) no weight at all.
double robust_weight(double residual, double scale, int iteration, double threshold) {
  if (iteration < 3) {
    const double h = 1.345 * scale;
    return residual <= h ? 1.0 : h / residual;
  }
  const double u = residual / std::max(threshold * scale, 0.5);
  return u < 1 ? (1 - u * u) * (1 - u * u) : 0.0;
}

// The middle value (the mean of the two middle values for an even count: two tiles' median is their mean).
double median_of(std::vector<double> v) {
  if (v.empty()) return 0;
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  if (v.size() % 2 == 1) return *mid;
  return 0.5 * (*mid + *std::max_element(v.begin(), mid));
}

}  // namespace

DriftTrack estimate_drift(VolumeView<const float> stack, const DriftTrackParams& params) {
  detail::require_finite_stack(stack, "drift estimation");
  const int64_t nz = stack.nz();
  require(!params.lags.empty(), "drift estimation: lags must not be empty");
  std::vector<int> lags = params.lags;
  std::sort(lags.begin(), lags.end());
  lags.erase(std::unique(lags.begin(), lags.end()), lags.end());
  require(lags.front() == 1, "drift estimation: lags must include 1 (so that every slice is tied to the next)");
  require(lags.back() <= 1024, "drift estimation: lags must be at most 1024");
  require(params.reference_slice >= 0 && params.reference_slice < nz,
          "drift estimation: reference slice " + std::to_string(params.reference_slice) + " is outside 0.." +
              std::to_string(nz - 1));
  require(params.outlier_threshold > 0, "drift estimation: outlier threshold must be positive");
  for (int lag : params.curtain_lags)
    require(lag >= 1 && lag <= 1024, "drift estimation: curtain lags must be in 1..1024, got " + std::to_string(lag));
  require(params.curtain_max_step_share > 0, "drift estimation: curtain step share must be positive");
  Box region{0, nz, 0, stack.ny(), 0, stack.nx()};
  if (params.region) {
    region = *params.region;
    region.z0 = 0;
    region.z1 = nz;
    require(region.y0 >= 0 && region.x0 >= 0 && region.y1 <= stack.ny() && region.x1 <= stack.nx() &&
                region.y0 < region.y1 && region.x0 < region.x1,
            "drift estimation: region " + std::to_string(region.y0) + ":" + std::to_string(region.y1) + "," +
                std::to_string(region.x0) + ":" + std::to_string(region.x1) + " does not fit the " +
                std::to_string(stack.ny()) + " x " + std::to_string(stack.nx()) + " slices");
  }
  require(region.y1 - region.y0 >= 16 && region.x1 - region.x0 >= 16,
          "drift estimation: the registered region is " + std::to_string(region.y1 - region.y0) + " x " +
              std::to_string(region.x1 - region.x0) + " pixels, at least 16 x 16 are needed");

  DriftTrack track;
  track.drift_px.assign(static_cast<std::size_t>(nz), {0.0, 0.0});
  if (nz == 1) return track;

  for (int64_t z = 1; z < nz; ++z)
    for (int lag : lags)
      if (z - lag >= 0) track.pairs.push_back({z - lag, z, {}, 1.0});
  const int64_t bw = std::min<int64_t>(lags.back(), nz - 1);

  const VolumeView<const float> roi = stack.crop(region);
  const std::vector<Box> tiles = registration_tile_grid(roi.ny(), roi.nx(), params.tiles);
  const bool tiled = tiles.size() > 1;
  const double noise = tiled ? stack_noise_sigma_along_y(roi, std::max<int64_t>(1, nz / 32)) : 0.0;
  PhaseCorrelator correlator(tiles[0].y1 - tiles[0].y0, tiles[0].x1 - tiles[0].x0, params.correlation);
  // Slices without a large flat region are registered whole, as without tiles: the longer wavelengths,
  // which change least from slice to slice, then take part.
  std::optional<PhaseCorrelator> whole_correlator;
  if (tiled) whole_correlator.emplace(roi.ny(), roi.nx(), params.correlation);
  // Per slice: each tile's spectrum (empty when the tile is not used), its large-flat share, and the
  // whole slice's spectrum when every tile is used.
  struct SliceTiles {
    std::vector<PhaseCorrelator::Spectrum> spectra;
    std::vector<float> flat;
    PhaseCorrelator::Spectrum whole;
  };
  auto usable_tile = [&](const SliceTiles& s, std::size_t t) {
    return !s.spectra[t].empty() && s.flat[t] <= params.tiles.max_flat_share;
  };
  // Slices are processed in chunks so that only the chunk's spectra and the `bw` before it are held.
  const int64_t chunk = 64;
  std::map<int64_t, SliceTiles> spectra;
  std::size_t next_pair = 0;
  Progress progress("drift", nz);
  for (int64_t z0 = 0; z0 < nz; z0 += chunk) {
    const int64_t z1 = std::min(nz, z0 + chunk);
    std::vector<SliceTiles> fresh(static_cast<std::size_t>(z1 - z0));
    int64_t constant_slice = -1;
#pragma omp parallel for schedule(dynamic)
    for (int64_t z = z0; z < z1; ++z) {
      const VolumeView<const float> slice = roi.slab(z, z + 1);
      SliceTiles& st = fresh[z - z0];
      st.flat = tiled ? large_flat_share(slice, tiles, noise, params.tiles) : std::vector<float>(1, 0.0f);
      st.spectra.resize(tiles.size());
      bool any = false;
      for (std::size_t t = 0; t < tiles.size(); ++t) {
        if (st.flat[t] > params.tiles.max_flat_share) continue;
        Box b = tiles[t];
        b.z1 = 1;
        try {
          st.spectra[t] = correlator.spectrum(slice.crop(b));
          any = true;
        } catch (const InputError&) {  // a constant tile: nothing to register in it
        }
      }
      if (tiled && std::all_of(st.spectra.begin(), st.spectra.end(), [](const auto& sp) { return !sp.empty(); }))
        st.whole = whole_correlator->spectrum(slice);
      bool constant = !any;
      if (tiled && constant) {  // a slice whose used tiles are all constant may still vary elsewhere
        const float first = slice(0, 0, 0);
        for (int64_t y = 0; y < slice.ny() && constant; ++y)
          for (int64_t x = 0; x < slice.nx() && constant; ++x) constant = slice(0, y, x) == first;
      }
      if (constant) {
#pragma omp critical(emorph_drift_error)
        if (constant_slice < 0 || z < constant_slice) constant_slice = z;
      }
      progress.advance();
    }
    if (constant_slice >= 0)
      throw InputError("drift estimation: slice " + std::to_string(constant_slice) +
                       " is constant in the registered region, it cannot be aligned");
    for (int64_t z = z0; z < z1; ++z) spectra[z] = std::move(fresh[z - z0]);
    std::size_t end_pair = next_pair;
    while (end_pair < track.pairs.size() && track.pairs[end_pair].moving < z1) ++end_pair;
#pragma omp parallel for schedule(dynamic)
    for (std::size_t k = next_pair; k < end_pair; ++k) {
      DriftPair& pr = track.pairs[k];
      const SliceTiles &a = spectra.at(pr.fixed), &b = spectra.at(pr.moving);
      if (!a.whole.empty() && !b.whole.empty()) {
        pr.measured = whole_correlator->estimate(a.whole, b.whole);
        pr.tiles_used = static_cast<int>(tiles.size());
        continue;
      }
      std::vector<std::pair<const PhaseCorrelator::Spectrum*, const PhaseCorrelator::Spectrum*>> used;
      for (std::size_t t = 0; t < tiles.size(); ++t)
        if (usable_tile(a, t) && usable_tile(b, t)) used.push_back({&a.spectra[t], &b.spectra[t]});
      pr.tiles_used = static_cast<int>(used.size());
      // One correlation surface from the tiles clear of large flat regions: a particle's moving face
      // does not take part.
      if (!used.empty()) pr.measured = correlator.estimate_combined(used);
      // Tiles whose own shift lies far from the combined one see a face of their own moving (the
      // structure's motion, not the drift): they are left out and the surface recombined.
      if (params.tile_outlier_px > 0 && used.size() >= 4) {
        std::vector<std::pair<const PhaseCorrelator::Spectrum*, const PhaseCorrelator::Spectrum*>> kept;
        for (const auto& tile : used) {
          const TranslationEstimate own = correlator.estimate(*tile.first, *tile.second);
          if (std::hypot(own.dy - pr.measured.dy, own.dx - pr.measured.dx) <= params.tile_outlier_px) kept.push_back(tile);
        }
        if (kept.size() >= 2 && kept.size() < used.size()) pr.measured = correlator.estimate_combined(kept);
      }
    }
    next_pair = end_pair;
    for (auto it = spectra.begin(); it != spectra.end() && it->first < z1 - bw;) it = spectra.erase(it);
  }

  // IRLS: Huber weights first (convex, a safe start from the plain least-squares fit), then Tukey's
  // biweight, which gives gross outliers no weight at all. Each lag has its own robust scale (longer
  // lags see more of the structure change between slices) and its pairs are weighted by its inverse
  // variance, so precise short-lag pairs lead while long-lag pairs stop the random walk. A pair's
  // correlation peak, relative to its lag's median, is a prior weight: a ruined slice correlates
  // weakly with everything, and its pairs, consistent among themselves, must not outvote the pairs
  // that bridge it. A pair measured on fewer tiles than its lag's median is weighted down in proportion
  // (the variance of a median falls as the count rises); a pair without tiles has no weight.
  const std::size_t npairs = track.pairs.size();
  auto informative = [&](std::size_t k) { return track.pairs[k].tiles_used > 0; };
  std::vector<double> prior(npairs, 0.0);
  {
    std::map<int64_t, std::vector<double>> peaks, counts;
    for (std::size_t k = 0; k < npairs; ++k)
      if (informative(k)) {
        const int64_t lag = track.pairs[k].moving - track.pairs[k].fixed;
        peaks[lag].push_back(track.pairs[k].measured.peak);
        counts[lag].push_back(track.pairs[k].tiles_used);
      }
    std::map<int64_t, double> typical, typical_tiles;
    for (auto& [lag, v] : peaks) typical[lag] = median_of(v);
    for (auto& [lag, v] : counts) typical_tiles[lag] = median_of(v);
    for (std::size_t k = 0; k < npairs; ++k) {
      if (!informative(k)) continue;
      const int64_t lag = track.pairs[k].moving - track.pairs[k].fixed;
      const double t = typical[lag];
      const double q = t > 0 ? std::clamp(track.pairs[k].measured.peak / t, 0.0, 1.0) : 1.0;
      prior[k] = q * q * std::min(1.0, track.pairs[k].tiles_used / typical_tiles[lag]);
    }
  }
  std::vector<double> weights(npairs), residual(npairs, 0.0), robust(npairs, 1.0);
  std::vector<std::array<double, 2>> p;
  auto update_residuals = [&] {
    for (std::size_t k = 0; k < npairs; ++k) {
      const auto& pr = track.pairs[k];
      residual[k] = std::hypot(p[pr.moving][0] - p[pr.fixed][0] - pr.measured.dy,
                               p[pr.moving][1] - p[pr.fixed][1] - pr.measured.dx);
    }
  };
  // Pairs touching an excluded slice keep no weight.
  auto irls = [&](const std::vector<bool>& excluded) {
    auto usable = [&](std::size_t k) {
      return informative(k) && !excluded[track.pairs[k].fixed] && !excluded[track.pairs[k].moving];
    };
    for (std::size_t k = 0; k < npairs; ++k) weights[k] = usable(k) ? prior[k] : 0.0;
    std::map<int64_t, double> lag_scale;
    for (int iteration = 0; iteration < 12; ++iteration) {
      p = solve_positions(nz, bw, track.pairs, weights);
      update_residuals();
      std::map<int64_t, std::vector<double>> by_lag;
      for (std::size_t k = 0; k < npairs; ++k)
        if (usable(k)) by_lag[track.pairs[k].moving - track.pairs[k].fixed].push_back(residual[k]);
      // A floor of 0.01 px: a perfect fit (noise-free data) must not give infinite weights.
      for (auto& [lag, r] : by_lag) lag_scale[lag] = std::max(1.4826 * median_of(r), 0.01);
      for (std::size_t k = 0; k < npairs; ++k) {
        if (!usable(k)) {
          robust[k] = weights[k] = 0;
          continue;
        }
        const double scale = lag_scale[track.pairs[k].moving - track.pairs[k].fixed];
        robust[k] = robust_weight(residual[k], scale, iteration, params.outlier_threshold);
        weights[k] = prior[k] * robust[k] / (scale * scale);
      }
    }
  };
  std::vector<bool> excluded(static_cast<std::size_t>(nz), false);
  irls(excluded);

  // A slice is reliable when at least two of its pairs (or its only pair) agree with the fit: a
  // ruined slice (charging, a lost frame) fits one of its pairs by chance at most. Unreliable slices
  // are left out and the fit redone; their positions are interpolated from their neighbours.
  std::vector<int> pair_count(static_cast<std::size_t>(nz), 0), accepted(static_cast<std::size_t>(nz), 0);
  for (std::size_t k = 0; k < npairs; ++k)
    if (informative(k))
      for (int64_t z : {track.pairs[k].fixed, track.pairs[k].moving}) {
        ++pair_count[z];
        if (robust[k] > 0) ++accepted[z];
      }
  for (int64_t z = 0; z < nz; ++z)
    if (pair_count[z] == 0) track.featureless_slices.push_back(z);
  for (int64_t z = 0; z < nz; ++z)
    if (accepted[z] < std::min(2, pair_count[z])) {
      excluded[z] = true;
      track.unreliable_slices.push_back(z);
    }
  if (!track.unreliable_slices.empty()) {
    require(std::count(excluded.begin(), excluded.end(), false) >= 2,
            "drift estimation: fewer than two slices register consistently; the stack cannot be aligned");
    irls(excluded);
  }
  // Unreliable and featureless slices take the positions of their nearest placed neighbours, linearly
  // between them (a random walk's most likely path between two known points), held beyond the ends.
  auto place_between = [&](const std::vector<bool>& unplaced, int axis) {
    if (std::count(unplaced.begin(), unplaced.end(), false) == 0) return;
    for (int64_t z = 0; z < nz; ++z) {
      if (!unplaced[z]) continue;
      int64_t before = z - 1, after = z + 1;
      while (before >= 0 && unplaced[before]) --before;
      while (after < nz && unplaced[after]) ++after;
      if (before < 0) p[z][axis] = p[after][axis];
      else if (after >= nz) p[z][axis] = p[before][axis];
      else p[z][axis] = p[before][axis] + (p[after][axis] - p[before][axis]) * double(z - before) / double(after - before);
    }
  };
  std::vector<bool> unplaced = excluded;
  for (int64_t z : track.featureless_slices) unplaced[z] = true;
  for (int axis = 0; axis < 2; ++axis) place_between(unplaced, axis);
  update_residuals();

  double sum = 0;
  int64_t used = 0;
  for (std::size_t k = 0; k < npairs; ++k) {
    track.pairs[k].weight = robust[k];
    if (!informative(k)) continue;
    if (robust[k] > 0) {
      sum += residual[k] * residual[k];
      ++used;
    } else {
      ++track.rejected_pairs;
    }
  }
  track.residual_rms_px = used > 0 ? std::sqrt(sum / static_cast<double>(used)) : 0.0;

  // Curtains: x refitted with the column profiles' pairs added to the slices' accepted pairs (dy is the
  // slices' alone). The residual above stays the slices' own consistency.
  if (!params.curtain_lags.empty()) {
    const CurtainProfiles profiles = curtain_profiles(roi, params.curtain_profile);
    track.curtain_agreement = profiles.half_agreement;
    if (profiles.half_agreement >= params.curtain_min_agreement) {
      track.curtain_pairs = curtain_pairs(profiles, params.curtain_lags, params.correlation);
      // Stripes fixed to the frame (a detector's, or curtains in a stack already drift-corrected) show no
      // drift: the curtains' steps must explain the slices' own steps, where the slices measured them.
      double disagreement = 0, steps = 0, curtain_steps = 0, product = 0;
      int64_t compared = 0;
      for (const auto& pr : track.curtain_pairs)
        if (pr.moving - pr.fixed == 1 && !unplaced[pr.fixed] && !unplaced[pr.moving]) {
          const double step = p[pr.moving][1] - p[pr.fixed][1];
          disagreement += (step - pr.measured.dx) * (step - pr.measured.dx);
          steps += step * step;
          curtain_steps += pr.measured.dx * pr.measured.dx;
          product += step * pr.measured.dx;
          ++compared;
        }
      track.curtain_step_share = steps > 0 ? std::sqrt(disagreement / steps) : 0.0;
      track.curtain_step_correlation = steps > 0 && curtain_steps > 0 ? product / std::sqrt(steps * curtain_steps) : 0.0;
      const bool steps_agree = params.curtain_min_step_correlation > 0
                                   ? track.curtain_step_correlation >= params.curtain_min_step_correlation
                                   : track.curtain_step_share <= params.curtain_max_step_share;
      track.curtains_used = compared >= 8 && steps > 0 && steps_agree;
      if (!track.curtains_used) track.curtain_pairs.clear();
    }
  }
  if (track.curtains_used) {
    std::vector<DriftPair> all;
    std::vector<double> all_prior;
    std::vector<int64_t> key;  // robust scale per lag and kind: slices' lags > 0, curtains' < 0
    // Every slices' pair takes part (those without weight at the solver's floor, which keeps each slice
    // tied to the next); the rejected and uninformative ones with no prior weight.
    for (std::size_t k = 0; k < npairs; ++k) {
      all.push_back(track.pairs[k]);
      all_prior.push_back(weights[k] > 0 ? prior[k] : 0.0);
      key.push_back(track.pairs[k].moving - track.pairs[k].fixed);
    }
    std::map<int64_t, std::vector<double>> curtain_peaks;
    for (const auto& pr : track.curtain_pairs) curtain_peaks[pr.moving - pr.fixed].push_back(pr.measured.peak);
    std::map<int64_t, double> typical_peak;
    for (auto& [lag, v] : curtain_peaks) typical_peak[lag] = median_of(v);
    for (const auto& pr : track.curtain_pairs) {
      const double t = typical_peak[pr.moving - pr.fixed];
      const double q = t > 0 ? std::clamp(pr.measured.peak / t, 0.0, 1.0) : 1.0;
      all.push_back(pr);
      all_prior.push_back(q * q);
      key.push_back(-(pr.moving - pr.fixed));
    }
    const int64_t curtain_bw = std::min<int64_t>(
        std::max<int64_t>(bw, *std::max_element(params.curtain_lags.begin(), params.curtain_lags.end())), nz - 1);
    const std::size_t n_all = all.size();
    std::vector<double> w = all_prior, r(n_all, 0.0), rob(n_all, 1.0);
    std::vector<std::array<double, 2>> q;
    for (int iteration = 0; iteration < 12; ++iteration) {
      q = solve_positions(nz, curtain_bw, all, w);
      std::map<int64_t, std::vector<double>> by_key;
      for (std::size_t k = 0; k < n_all; ++k) {
        r[k] = std::abs(q[all[k].moving][1] - q[all[k].fixed][1] - all[k].measured.dx);
        if (all_prior[k] > 0) by_key[key[k]].push_back(r[k]);
      }
      std::map<int64_t, double> scale;
      for (auto& [kk, v] : by_key) scale[kk] = std::max(1.4826 * median_of(v), 0.01);
      for (std::size_t k = 0; k < n_all; ++k) {
        const double sc = scale[key[k]];
        rob[k] = robust_weight(r[k], sc, iteration, params.outlier_threshold);
        w[k] = all_prior[k] > 0 ? all_prior[k] * rob[k] / (sc * sc) : 0.0;
      }
    }
    // Slices tied by an accepted curtain pair take the refitted x; the others are placed as before.
    std::vector<bool> unplaced_x(static_cast<std::size_t>(nz), true);
    for (std::size_t k = 0; k < n_all; ++k)
      if (rob[k] > 0 && all_prior[k] > 0) unplaced_x[all[k].fixed] = unplaced_x[all[k].moving] = false;
    for (std::size_t k = 0; k < n_all; ++k)
      if (key[k] < 0) track.curtain_pairs[k - (n_all - track.curtain_pairs.size())].weight = rob[k];
    for (int64_t z = 0; z < nz; ++z) p[z][1] = q[z][1];
    place_between(unplaced_x, 1);
  }
  const auto origin = p[params.reference_slice];
  for (int64_t z = 0; z < nz; ++z) track.drift_px[z] = {p[z][0] - origin[0], p[z][1] - origin[1]};
  return track;
}

std::vector<std::string> drift_track_csv_header() {
  return {"slice", "dy_px", "dx_px", "step_dy_px", "step_dx_px", "step_peak", "reliable"};
}

std::vector<std::vector<std::string>> drift_track_csv_rows(const DriftTrack& track) {
  auto fmt = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4f", v);
    return std::string(buf);
  };
  const int64_t nz = static_cast<int64_t>(track.drift_px.size());
  std::vector<const DriftPair*> step(static_cast<std::size_t>(nz), nullptr);
  for (const auto& pr : track.pairs)
    if (pr.moving - pr.fixed == 1) step[pr.moving] = &pr;
  std::vector<std::vector<std::string>> rows;
  for (int64_t z = 0; z < nz; ++z) {
    const bool reliable = !std::binary_search(track.unreliable_slices.begin(), track.unreliable_slices.end(), z);
    rows.push_back({std::to_string(z), fmt(track.drift_px[z][0]), fmt(track.drift_px[z][1]),
                    step[z] ? fmt(step[z]->measured.dy) : "", step[z] ? fmt(step[z]->measured.dx) : "",
                    step[z] ? fmt(step[z]->measured.peak) : "", reliable ? "1" : "0"});
  }
  return rows;
}

std::vector<uint8_t> drift_track_plot_rgb(const DriftTrack& track, int width, int height) {
  require(width >= 64 && height >= 48 && width <= 8192 && height <= 8192, "drift plot: size must be 64x48..8192x8192");
  std::vector<uint8_t> rgb(static_cast<std::size_t>(width) * height * 3, 255);
  const int margin = 8;
  const int64_t nz = static_cast<int64_t>(track.drift_px.size());
  double lo = -1, hi = 1;
  for (const auto& d : track.drift_px) lo = std::min({lo, d[0], d[1]}), hi = std::max({hi, d[0], d[1]});
  auto px = [&](double z) { return margin + (nz > 1 ? z / double(nz - 1) : 0.5) * (width - 2 * margin - 1); };
  auto py = [&](double v) { return height - margin - 1 - (v - lo) / (hi - lo) * (height - 2 * margin - 1); };
  auto put = [&](int x, int y, const std::array<uint8_t, 3>& c) {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    std::copy(c.begin(), c.end(), rgb.begin() + (static_cast<std::size_t>(y) * width + x) * 3);
  };
  auto line = [&](double x0, double y0, double x1, double y1, const std::array<uint8_t, 3>& c) {
    const int steps = static_cast<int>(std::ceil(std::max(std::abs(x1 - x0), std::abs(y1 - y0)))) + 1;
    for (int i = 0; i <= steps; ++i) {
      const double t = double(i) / steps;
      put(static_cast<int>(std::lround(x0 + t * (x1 - x0))), static_cast<int>(std::lround(y0 + t * (y1 - y0))), c);
    }
  };
  line(margin, py(0), width - margin - 1, py(0), {170, 170, 170});
  line(margin, margin, margin, height - margin - 1, {0, 0, 0});
  line(margin, height - margin - 1, width - margin - 1, height - margin - 1, {0, 0, 0});
  for (int axis = 0; axis < 2; ++axis) {
    const std::array<uint8_t, 3> colour = axis == 0 ? std::array<uint8_t, 3>{31, 119, 180} : std::array<uint8_t, 3>{214, 39, 40};
    for (int64_t z = 1; z < nz; ++z)
      line(px(double(z - 1)), py(track.drift_px[z - 1][axis]), px(double(z)), py(track.drift_px[z][axis]), colour);
  }
  for (int64_t z : track.unreliable_slices)
    line(px(double(z)), height - margin - 1, px(double(z)), height - margin - 6, {255, 127, 14});
  return rgb;
}

}  // namespace emorph
