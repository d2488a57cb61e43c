// FIB/SEM labels along the milling direction by the shine-through model: exact most probable state
// sequence per column (Viterbi 1967) under Gaussian noise; see fibsem_columns.hpp.
#include "emorph/segment/fibsem_columns.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "emorph/error.hpp"
#include "emorph/filter/gaussian.hpp"
#include "emorph/parallel.hpp"
#include "emorph/segment/fibsem_pores.hpp"
#include "emorph/segment/watershed.hpp"

namespace emorph {

namespace {

// Slices of the shine-through depth.
double depth_slices(const FibsemColumnParams& p, double dz) { return p.shine_depth_um / dz; }

// Weighted least-squares line over the slices through the finite values; NaN values are skipped.
std::vector<double> fit_line(const std::vector<double>& v, const std::vector<double>& w) {
  double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < v.size(); ++i)
    if (std::isfinite(v[i]) && w[i] > 0) {
      const double x = double(i);
      sw += w[i], sx += w[i] * x, sy += w[i] * v[i], sxx += w[i] * x * x, sxy += w[i] * x * v[i];
    }
  std::vector<double> out(v.size(), std::numeric_limits<double>::quiet_NaN());
  if (sw <= 0) return out;
  const double det = sw * sxx - sx * sx;
  const double b = det > 1e-9 * sw * sw ? (sw * sxy - sx * sy) / det : 0.0;
  const double a = (sy - b * sx) / sw;
  for (std::size_t i = 0; i < v.size(); ++i) out[i] = a + b * double(i);
  return out;
}

// The grey mode of `values` (histogram of bin width sigma / 4 smoothed by a Gaussian of sigma / 2): the
// phase's own level, not pulled by the voxels a first labelling got wrong.
double grey_mode(std::vector<float>& values, double sigma) {
  if (values.size() < 20) return std::numeric_limits<double>::quiet_NaN();
  const auto [lo_it, hi_it] = std::minmax_element(values.begin(), values.end());
  const double lo = *lo_it, width = std::max(sigma / 4, 1e-6);
  const int bins = std::min<int>(4096, static_cast<int>((*hi_it - lo) / width) + 1);
  std::vector<double> h(bins, 0.0), s(bins, 0.0);
  for (float v : values) h[std::min<int>(bins - 1, static_cast<int>((v - lo) / width))] += 1;
  const int r = 6;  // kernel sigma 2 bins = sigma / 2, radius 3 kernel sigmas
  for (int i = 0; i < bins; ++i)
    for (int j = std::max(0, i - r); j <= std::min(bins - 1, i + r); ++j) s[i] += h[j] * std::exp(-0.125 * (i - j) * (i - j));
  return lo + width * (0.5 + double(std::max_element(s.begin(), s.end()) - s.begin()));
}

}  // namespace

FibsemColumnLevels fibsem_column_levels(VolumeView<const float> grey, VolumeView<const uint8_t> labels, uint8_t pore_label,
                                        const std::vector<std::string>& names, const std::vector<uint8_t>& solid_labels,
                                        const std::vector<double>& expected_contrast, double noise_sigma,
                                        const FibsemColumnParams& p) {
  require(labels.shape() == grey.shape(), "fibsem columns: label shape differs from the grey volume's");
  require(names.size() == solid_labels.size() && names.size() == expected_contrast.size() && !names.empty(),
          "fibsem columns: one label and one expected contrast per solid phase");
  require(p.milling_axis == 0 && (p.behind == 1 || p.behind == -1), "fibsem columns: milling axis must be 0, behind +1 or -1");
  require(p.shine_depth_um > 0 && p.shine_strength >= 0 && p.shine_strength < 1 && p.change_penalty >= 0,
          "fibsem columns: shine depth > 0, strength in [0, 1), change penalty >= 0");
  require(noise_sigma > 0, "fibsem columns: the noise level must be positive");
  const Shape s = grey.shape();
  const int64_t nz = s.nz;
  const std::size_t min_count = 200;  // voxels for a mode
  // Interior voxels (all 8 in-plane neighbours share the label): blur mixes the rims.
  auto interior = [&](int64_t z, int64_t y, int64_t x, uint8_t l) {
    if (y == 0 || x == 0 || y + 1 == s.ny || x + 1 == s.nx) return false;
    for (int64_t dy = -1; dy <= 1; ++dy)
      for (int64_t dx = -1; dx <= 1; ++dx)
        if (labels(z, y + dy, x + dx) != l) return false;
    return true;
  };
  // Deep pores: no solid within two shine depths behind them (their grey is the pores' own). A stack
  // with fewer than min_count such pores (a dense cube, a deep shine-through) takes 2 slices.
  const double lambda = depth_slices(p, grey.spacing().dz);
  const int64_t deepest = std::max<int64_t>(2, static_cast<int64_t>(std::ceil(2 * lambda)));
  Volume<int16_t> gap(s);  // slices to the first solid behind (capped)
  for (int64_t t = 0; t < nz; ++t) {
    const int64_t z = p.behind > 0 ? nz - 1 - t : t, zb = z + p.behind;
    for (int64_t y = 0; y < s.ny; ++y)
      for (int64_t x = 0; x < s.nx; ++x) {
        const int16_t before = (zb >= 0 && zb < nz) ? gap(zb, y, x) : int16_t(deepest + 1);
        gap(z, y, x) = labels(z, y, x) != pore_label ? int16_t(0) : int16_t(std::min<int64_t>(before + 1, deepest + 1));
      }
  }
  std::vector<std::size_t> pores_at_gap(std::size_t(deepest + 2), 0);
  for (int64_t z = 0; z < nz; ++z)
    for (int64_t y = 0; y < s.ny; ++y)
      for (int64_t x = 0; x < s.nx; ++x)
        if (labels(z, y, x) == pore_label && interior(z, y, x, pore_label)) ++pores_at_gap[gap(z, y, x)];
  int64_t deep = deepest;
  for (double depths : {2.0, 0.0}) {
    deep = std::max<int64_t>(2, static_cast<int64_t>(std::ceil(depths * lambda)));
    std::size_t n = 0;
    for (int64_t g = deep + 1; g <= deepest + 1; ++g) n += pores_at_gap[g];
    if (n >= min_count) break;
  }
  FibsemColumnLevels lv;
  lv.noise_sigma = noise_sigma;
  // Each phase's voxels per slice (the pores: deep ones only).
  const std::size_t m = names.size();
  std::vector<uint8_t> phase_label(solid_labels);
  phase_label.push_back(pore_label);  // index m: the pores
  std::vector<std::vector<std::vector<float>>> per_slice(m + 1, std::vector<std::vector<float>>(nz));
  for (int64_t z = 0; z < nz; ++z)
    for (int64_t y = 0; y < s.ny; ++y)
      for (int64_t x = 0; x < s.nx; ++x) {
        const uint8_t l = labels(z, y, x);
        for (std::size_t k = 0; k <= m; ++k)
          if (l == phase_label[k] && (k < m || gap(z, y, x) > deep) && interior(z, y, x, l)) per_slice[k][z].push_back(grey(z, y, x));
      }
  // Contrast changes along the milling direction act on every phase alike: level_k(z) = a(z) + b(z) L_k,
  // L_k the phase's mode over the stack, a and b lines in z fitted to local modes (windows of 9 slices)
  // of every phase present there. A phase's own local modes alone would be extrapolated where it
  // thins out (the last slices of a cube that ends in one particle).
  std::vector<double> global(m + 1), a_w, b_w, w_w, z_w;
  std::vector<float> pool;
  for (std::size_t k = 0; k <= m; ++k) {
    pool.clear();
    for (const auto& v : per_slice[k]) pool.insert(pool.end(), v.begin(), v.end());
    global[k] = pool.size() >= min_count ? grey_mode(pool, noise_sigma) : std::numeric_limits<double>::quiet_NaN();
  }
  require(std::isfinite(global[m]), "fibsem columns: no deep pore to measure the pores' grey level");
  const int64_t half = 4;
  for (int64_t z = half; z < nz + half; z += half) {
    const int64_t zc = std::min(z, nz - 1);
    double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    int phases_here = 0;
    for (std::size_t k = 0; k <= m; ++k) {
      if (!std::isfinite(global[k])) continue;
      pool.clear();
      for (int64_t j = std::max<int64_t>(0, zc - half); j <= std::min<int64_t>(nz - 1, zc + half); ++j)
        pool.insert(pool.end(), per_slice[k][j].begin(), per_slice[k][j].end());
      if (pool.size() < min_count) continue;
      const double w = double(pool.size()), mode = grey_mode(pool, noise_sigma), x = global[k];
      sw += w, sx += w * x, sy += w * mode, sxx += w * x * x, sxy += w * x * mode, ++phases_here;
    }
    const double det = sw * sxx - sx * sx;
    if (phases_here < 2 || det <= 0) continue;
    const double b = (sw * sxy - sx * sy) / det;
    a_w.push_back((sy - b * sx) / sw), b_w.push_back(b), w_w.push_back(sw), z_w.push_back(double(zc));
  }
  std::vector<double> a_line(nz), b_line(nz);
  {
    // Lines a(z), b(z), weighted by the voxels behind each local fit; none: the stack's own modes.
    std::vector<double> az(nz, std::numeric_limits<double>::quiet_NaN()), bz(az), wz(nz, 0.0);
    for (std::size_t i = 0; i < z_w.size(); ++i) {
      const auto zi = static_cast<std::size_t>(z_w[i]);
      az[zi] = a_w[i], bz[zi] = b_w[i], wz[zi] = w_w[i];
    }
    a_line = fit_line(az, wz), b_line = fit_line(bz, wz);
    if (!std::isfinite(a_line[0])) std::fill(a_line.begin(), a_line.end(), 0.0), std::fill(b_line.begin(), b_line.end(), 1.0);
  }
  std::vector<std::vector<double>> measured(m);
  for (std::size_t k = 0; k <= m; ++k) {
    std::vector<double> line(nz, std::numeric_limits<double>::quiet_NaN());
    if (std::isfinite(global[k]))
      for (int64_t z = 0; z < nz; ++z) line[z] = a_line[z] + b_line[z] * global[k];
    (k < m ? measured[k] : lv.pore_grey) = line;
  }
  std::size_t brightest = m;
  for (std::size_t k = 0; k < m; ++k)
    if (std::isfinite(measured[k][0]) && (brightest == m || measured[k][0] > measured[brightest][0])) brightest = k;
  require(brightest < names.size(), "fibsem columns: no solid phase to measure a grey level");
  double darkest_measured = std::numeric_limits<double>::infinity();
  for (std::size_t k = 0; k < names.size(); ++k)
    if (std::isfinite(measured[k][0])) darkest_measured = std::min(darkest_measured, measured[k][0]);
  for (std::size_t k = 0; k < names.size(); ++k) {
    bool expected = false;
    if (!std::isfinite(measured[k][0])) {
      // Absent from the first labelling: only a phase darker than every measured one can have been
      // taken for pores; it is tried at the level its expected contrast gives.
      const double e = expected_contrast[k], eb = expected_contrast[brightest];
      if (!(std::isfinite(e) && std::isfinite(eb) && eb > 0 && e < eb)) continue;
      std::vector<double> g(nz);
      for (int64_t z = 0; z < nz; ++z) g[z] = lv.pore_grey[z] + e / eb * (measured[brightest][z] - lv.pore_grey[z]);
      if (!(g[0] < darkest_measured)) continue;
      measured[k] = g;
      expected = true;
    }
    lv.names.push_back(names[k]);
    lv.labels.push_back(solid_labels[k]);
    lv.grey.push_back(measured[k]);
    lv.from_expected.push_back(expected);
  }
  return lv;
}

namespace {

// In-plane gradient of the slices smoothed by smoothing_sigma, and the edge threshold (edge_fraction of
// the grey range, 1st to 99th percentile).
Volume<float> edge_relief(VolumeView<const float> grey, const FibsemColumnParams& p, float& edge_threshold) {
  const Shape s = grey.shape();
  GaussianParams smooth;
  smooth.sigma_voxels = std::array<double, 3>{0.0, p.smoothing_sigma, p.smoothing_sigma};
  Volume<float> relief = in_plane_gradient(gaussian_filter<float>(grey, smooth), 0);
  std::vector<float> sample;
  const int64_t stride = std::max<int64_t>(1, grey.size() / (1 << 18));
  for (int64_t i = 0; i < grey.size(); i += stride) sample.push_back(grey(i / (s.ny * s.nx), (i / s.nx) % s.ny, i % s.nx));
  std::sort(sample.begin(), sample.end());
  edge_threshold = static_cast<float>(p.edge_fraction * (sample[sample.size() * 99 / 100] - sample[sample.size() / 100]));
  return relief;
}

// The column model's states and their grey per slice: 0..ns-1 solid k; ns + k * D + (d - 1): pore d
// slices in front of solid k; last: deep pore.
struct ColumnModel {
  int ns = 0, depth_states = 0, n_states = 0, deep = 0;
  std::vector<double> mu;  // [slice][state]
  double inv = 0, pen = 0;
};

ColumnModel column_model(const FibsemColumnLevels& lv, const FibsemColumnParams& p, int64_t nz, double dz) {
  require(p.milling_axis == 0 && (p.behind == 1 || p.behind == -1), "fibsem columns: milling axis must be 0, behind +1 or -1");
  require(!lv.labels.empty() && lv.noise_sigma > 0, "fibsem columns: no solid level or no noise level");
  require(int64_t(lv.pore_grey.size()) == nz, "fibsem columns: one pore level per slice");
  require(p.shine_depth_um > 0 && p.shine_strength >= 0 && p.shine_strength < 1 && p.change_penalty >= 0,
          "fibsem columns: shine depth > 0, strength in [0, 1), change penalty >= 0");
  ColumnModel cm;
  cm.ns = static_cast<int>(lv.labels.size());
  const double lambda = depth_slices(p, dz);
  cm.depth_states = std::max(1, static_cast<int>(std::ceil(4 * lambda)));  // exp(-4): below the noise
  cm.n_states = cm.ns + cm.ns * cm.depth_states + 1, cm.deep = cm.n_states - 1;
  cm.mu.resize(std::size_t(cm.n_states) * nz);
  for (int64_t z = 0; z < nz; ++z) {
    double* m = &cm.mu[std::size_t(z) * cm.n_states];
    const double pore = lv.pore_grey[z];
    for (int k = 0; k < cm.ns; ++k) {
      m[k] = lv.grey[k][z];
      for (int d = 1; d <= cm.depth_states; ++d)
        m[cm.ns + k * cm.depth_states + d - 1] = pore + p.shine_strength * (lv.grey[k][z] - pore) * std::exp(-d / lambda);
    }
    m[cm.deep] = pore;
  }
  cm.inv = 1.0 / (2 * lv.noise_sigma * lv.noise_sigma), cm.pen = p.change_penalty;
  return cm;
}

// The most probable state sequence of column (y, x), walked from the back (the unmilled side) to the
// front, into `out`.
void solve_column(VolumeView<const float> grey, const ColumnModel& cm, const FibsemColumnLevels& lv, uint8_t pore_label,
                  int behind, int64_t y, int64_t x, std::vector<double>& cost, std::vector<double>& next,
                  std::vector<int16_t>& back, const VolumeView<uint8_t>& out) {
  const int64_t nz = grey.nz();
  const int ns = cm.ns, n_states = cm.n_states, deep = cm.deep, depth_states = cm.depth_states;
  const double inv = cm.inv, pen = cm.pen, inf = std::numeric_limits<double>::infinity();
  cost.assign(n_states, inf), next.assign(n_states, inf);
  back.resize(std::size_t(n_states) * nz);
  auto slice = [&](int64_t t) { return behind > 0 ? nz - 1 - t : t; };
  {
    const int64_t z = slice(0);
    const double g = grey(z, y, x);
    const double* m = &cm.mu[std::size_t(z) * n_states];
    for (int k = 0; k < ns; ++k) cost[k] = (g - m[k]) * (g - m[k]) * inv;
    cost[deep] = (g - m[deep]) * (g - m[deep]) * inv;  // nothing seen behind the last slice
  }
  for (int64_t t = 1; t < nz; ++t) {
    const int64_t z = slice(t);
    int16_t* b = &back[std::size_t(t) * n_states];
    int best = 0;
    for (int i = 1; i < n_states; ++i)
      if (cost[i] < cost[best]) best = i;
    for (int k = 0; k < ns; ++k) {
      const double change = cost[best] + pen;
      if (change < cost[k]) next[k] = change, b[k] = int16_t(best);
      else next[k] = cost[k], b[k] = int16_t(k);
    }
    for (int k = 0; k < ns; ++k) {
      const int first = ns + k * depth_states;
      next[first] = cost[k] + pen, b[first] = int16_t(k);
      for (int d = 2; d <= depth_states; ++d) next[first + d - 1] = cost[first + d - 2], b[first + d - 1] = int16_t(first + d - 2);
    }
    next[deep] = cost[deep], b[deep] = int16_t(deep);
    for (int k = 0; k < ns; ++k) {
      const int last = ns + k * depth_states + depth_states - 1;
      if (cost[last] < next[deep]) next[deep] = cost[last], b[deep] = int16_t(last);
    }
    const double g = grey(z, y, x);
    const double* m = &cm.mu[std::size_t(z) * n_states];
    for (int i = 0; i < n_states; ++i) next[i] += (g - m[i]) * (g - m[i]) * inv;
    cost.swap(next);
  }
  int state = 0;
  for (int i = 1; i < n_states; ++i)
    if (cost[i] < cost[state]) state = i;
  for (int64_t t = nz - 1; t >= 0; --t) {
    out(slice(t), y, x) = state < ns ? lv.labels[state] : pore_label;
    if (t > 0) state = back[std::size_t(t) * n_states + state];
  }
}

}  // namespace

Volume<uint8_t> fibsem_column_edges(VolumeView<const float> grey, const FibsemColumnParams& p) {
  float edge_t = 0;
  const Volume<float> relief = edge_relief(grey, p, edge_t);
  Volume<uint8_t> edges(grey.shape(), grey.spacing(), grey.thickness_axis());
  for (int64_t i = 0; i < edges.size(); ++i) edges.data()[i] = relief.data()[i] > edge_t;
  return edges;
}

Volume<uint8_t> fibsem_column_labels(VolumeView<const float> grey, const FibsemColumnLevels& lv, uint8_t pore_label,
                                     const FibsemColumnParams& p) {
  const Shape s = grey.shape();
  const ColumnModel cm = column_model(lv, p, s.nz, grey.spacing().dz);
  Volume<uint8_t> out(s, grey.spacing(), grey.thickness_axis());
  const VolumeView<uint8_t> ov = out.view();
  const int64_t columns = s.ny * s.nx;
#pragma omp parallel num_threads(thread_count())
  {
    std::vector<double> cost, next;
    std::vector<int16_t> back;
#pragma omp for schedule(static)
    for (int64_t c = 0; c < columns; ++c) solve_column(grey, cm, lv, pore_label, p.behind, c / s.nx, c % s.nx, cost, next, back, ov);
  }
  if (!p.watershed_edges) return out;
  float edge_t = 0;
  const Volume<float> relief = edge_relief(grey, p, edge_t);
  // Markers: the column labels off the edges, as 1 + index into `classes`.
  std::vector<uint8_t> classes = lv.labels;
  classes.push_back(pore_label);
  std::array<uint32_t, 256> index{};
  for (std::size_t k = 0; k < classes.size(); ++k) index[classes[k]] = uint32_t(k + 1);
  Volume<uint32_t> markers(s);
  for (int64_t i = 0; i < markers.size(); ++i)
    markers.data()[i] = relief.data()[i] <= edge_t ? index[out.data()[i]] : 0u;
  WatershedParams wp;
  wp.connectivity = p.connectivity;
  const VolumeView<uint8_t> o = out.view();
#pragma omp parallel for schedule(dynamic, 1) num_threads(thread_count())
  for (int64_t z = 0; z < s.nz; ++z) {
    const Box plane{z, z + 1, 0, s.ny, 0, s.nx};
    const Volume<uint32_t> basins = watershed(relief.view().crop(plane), markers.view().crop(plane), {}, wp);
    for (int64_t y = 0; y < s.ny; ++y)
      for (int64_t x = 0; x < s.nx; ++x)
        if (const uint32_t b = basins(0, y, x); b > 0) o(z, y, x) = classes[b - 1];
  }
  return out;
}

}  // namespace emorph
