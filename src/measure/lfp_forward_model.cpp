// Gaussian PSF forward model of the XCT matrix grey with a fringe column for model selection (issue 16,
// stops 17 and 19; ported from scripts/lfp_route_decision.py and scripts/lfp_forward_model_sweep.py).
#include "emorph/measure/lfp_forward_model.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "emorph/error.hpp"
#include "emorph/filter/gaussian.hpp"
#include "emorph/measure/edt.hpp"

namespace emorph {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The edge fit's signed-distance bins (voxels, 2 outside NMC to 8 inside, 0.5 wide) and the voxels a bin
// needs to be used: as the prototype's binned_profile.
constexpr double kBinLow = -2.0, kBinWidth = 0.5;
constexpr int kBins = 20;
constexpr int64_t kLeastPerBin = 200;

// Edge model: low + rise Phi(u) + fringe rise (x - centre) phi(u) / sigma^3, u = (x - centre) / sigma.
struct EdgeFit {
  std::array<double, 5> p{};  // low, rise, sigma, fringe, centre
  double value(double x) const {
    const double u = (x - p[4]) / p[2];
    const double phi = std::exp(-0.5 * u * u) / std::sqrt(2 * M_PI);
    return p[0] + p[1] * 0.5 * std::erfc(-u / std::sqrt(2.0)) + p[3] * p[1] * u * phi / (p[2] * p[2]);
  }
  std::array<double, 5> gradient(double x) const {
    const double s = p[2], u = (x - p[4]) / s;
    const double phi = std::exp(-0.5 * u * u) / std::sqrt(2 * M_PI), cdf = 0.5 * std::erfc(-u / std::sqrt(2.0));
    const double rise = p[1], fringe = p[3], s3 = s * s * s;
    return {1.0,
            cdf + fringe * u * phi / (s * s),
            -rise * phi * u / s + fringe * rise * phi * (u * u * u - 3 * u) / s3,
            rise * u * phi / (s * s),
            -rise * phi / s + fringe * rise * phi * (u * u - 1) / s3};
  }
};

// Solves the symmetric positive semi-definite system A c = b by its eigen-decomposition (cyclic Jacobi),
// dropping eigenvalues below 1e-12 of the largest: the minimum-norm least-squares solution, as
// numpy.linalg.lstsq gives when a column is empty (slices without NMC edges).
template <int N>
std::array<double, N> solve_symmetric(std::array<std::array<double, N>, N> a, const std::array<double, N>& b) {
  std::array<std::array<double, N>, N> v{};
  for (int i = 0; i < N; ++i) v[i][i] = 1;
  for (int sweep = 0; sweep < 50; ++sweep) {
    double off = 0;
    for (int i = 0; i < N; ++i)
      for (int j = i + 1; j < N; ++j) off += a[i][j] * a[i][j];
    if (off == 0) break;
    for (int p = 0; p < N; ++p)
      for (int q = p + 1; q < N; ++q) {
        if (a[p][q] == 0) continue;
        const double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const double t = (theta >= 0 ? 1.0 : -1.0) / (std::fabs(theta) + std::sqrt(theta * theta + 1));
        const double c = 1 / std::sqrt(t * t + 1), s = t * c;
        for (int k = 0; k < N; ++k) {  // a <- a J (columns p, q)
          const double akp = a[k][p], akq = a[k][q];
          a[k][p] = c * akp - s * akq, a[k][q] = s * akp + c * akq;
        }
        for (int k = 0; k < N; ++k) {  // a <- J^T a (rows p, q)
          const double apk = a[p][k], aqk = a[q][k];
          a[p][k] = c * apk - s * aqk, a[q][k] = s * apk + c * aqk;
        }
        for (int k = 0; k < N; ++k) {
          const double vkp = v[k][p], vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq, v[k][q] = s * vkp + c * vkq;
        }
      }
  }
  double largest = 0;
  for (int i = 0; i < N; ++i) largest = std::max(largest, std::fabs(a[i][i]));
  std::array<double, N> c{};
  for (int e = 0; e < N; ++e) {
    if (!(std::fabs(a[e][e]) > 1e-12 * largest)) continue;
    double proj = 0;
    for (int k = 0; k < N; ++k) proj += v[k][e] * b[k];
    for (int k = 0; k < N; ++k) c[k] += v[k][e] * proj / a[e][e];
  }
  return c;
}

// Levenberg-Marquardt on the binned edge profile from the prototype's start (lowest bin, full rise,
// sigma 2 voxels, fringe 0.5, centre 0), to the minimum of the start's basin; returns |sigma|.
double fit_edge_sigma(const std::vector<double>& at, const std::vector<double>& mean) {
  require(at.size() >= 5, "LFP forward model: too few NMC edge voxels to fit the PSF");
  EdgeFit f;
  const auto [lo, hi] = std::minmax_element(mean.begin(), mean.end());
  f.p = {*lo, *hi - *lo, 2.0, 0.5, 0.0};
  auto cost = [&](const EdgeFit& e) {
    double c = 0;
    for (std::size_t i = 0; i < at.size(); ++i) c += std::pow(mean[i] - e.value(at[i]), 2);
    return c;
  };
  // A cautious start (damping 1): the binned profile of a fringed, noisy scan has a second minimum at a
  // smaller sigma with a large fringe term; a near-Gauss-Newton first step (damping 1e-3) jumps to it on
  // H at PSF 0.4 um + fringes + noise, where the prototype (scipy's MINPACK) stays in the start's basin,
  // and X, whose threshold was set on the prototype's minimum, flips sign (measured in the 72-case run).
  double lambda = 1.0, current = cost(f);
  for (int iteration = 0; iteration < 500; ++iteration) {
    std::array<std::array<double, 5>, 5> jtj{};
    std::array<double, 5> jtr{};
    for (std::size_t i = 0; i < at.size(); ++i) {
      const auto g = f.gradient(at[i]);
      const double r = mean[i] - f.value(at[i]);
      for (int a = 0; a < 5; ++a) {
        jtr[a] += g[a] * r;
        for (int b = 0; b < 5; ++b) jtj[a][b] += g[a] * g[b];
      }
    }
    bool improved = false;
    while (lambda < 1e12) {
      auto damped = jtj;
      for (int a = 0; a < 5; ++a) damped[a][a] += lambda * std::max(jtj[a][a], 1e-300);
      const auto step = solve_symmetric<5>(damped, jtr);
      EdgeFit trial = f;
      for (int a = 0; a < 5; ++a) trial.p[a] += step[a];
      const double c = trial.p[2] != 0 ? cost(trial) : kNaN;
      if (std::isfinite(c) && c < current) {
        const double gain = current - c;
        f = trial, current = c, lambda = std::max(lambda / 10, 1e-12), improved = true;
        if (gain <= 1e-15 * current) return std::fabs(f.p[2]);
        break;
      }
      lambda *= 10;
    }
    if (!improved) break;
  }
  return std::fabs(f.p[2]);
}

// Voxel (z, y, x) -> its slice along `axis`.
inline int64_t slice_of(int axis, int64_t z, int64_t y, int64_t x) { return axis == 0 ? z : axis == 1 ? y : x; }

// The 6-neighbour Laplacian at one voxel, mirrored at the border (index -1 reads 1), as the simulator's
// and the prototype's (computed where used: one volume less in memory).
inline double laplacian_at(const Volume<float>& v, int64_t z, int64_t y, int64_t x) {
  const Shape s = v.shape();
  auto m = [](int64_t i, int64_t n) { return i < 0 ? std::min<int64_t>(1, n - 1) : i >= n ? std::max<int64_t>(n - 2, 0) : i; };
  return static_cast<double>(v(m(z - 1, s.nz), y, x)) + v(m(z + 1, s.nz), y, x) + v(z, m(y - 1, s.ny), x) + v(z, m(y + 1, s.ny), x) +
         v(z, y, m(x - 1, s.nx)) + v(z, y, m(x + 1, s.nx)) - 6.0 * v(z, y, x);
}

double median_of_finite(std::vector<double> v) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return !std::isfinite(x); }), v.end());
  if (v.empty()) return kNaN;
  const std::size_t h = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(h), v.end());
  if (v.size() % 2) return v[h];
  return 0.5 * (v[h] + *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(h)));
}

}  // namespace

LfpForwardModel lfp_forward_model(const AnyVolume& grey_volume, VolumeView<const uint8_t> nmc, double nmc_grey,
                                  const LfpForwardModelParams& params) {
  const Shape s = nmc.shape();
  require(grey_volume.shape() == s, "LFP forward model: the grey and the NMC mask differ in shape");
  require(params.axis >= 0 && params.axis <= 2, "LFP forward model: axis must be 0, 1 or 2");
  require(params.near_um > 0 && params.fringe_threshold >= 0, "LFP forward model: near_um > 0 and fringe_threshold >= 0");
  const int64_t slices = s[params.axis];
  require(params.bulk.first >= 0 && params.bulk.last < slices && params.bulk.first <= params.bulk.last,
          "LFP forward model: the bulk slices lie outside the volume");
  Volume<uint8_t> mask(s, nmc.spacing()), outside(s, nmc.spacing());
  int64_t nmc_voxels = 0;
  for (int64_t z = 0; z < s.nz; ++z)
    for (int64_t y = 0; y < s.ny; ++y)
      for (int64_t x = 0; x < s.nx; ++x) {
        mask(z, y, x) = nmc(z, y, x) ? 1 : 0;
        outside(z, y, x) = 1 - mask(z, y, x);
        nmc_voxels += mask(z, y, x);
      }
  require(nmc_voxels > 0 && nmc_voxels < s.voxels(), "LFP forward model: needs both NMC and matrix voxels");

  // Distances in voxels: inside NMC to the matrix, outside to NMC.
  EdtParams voxels;
  voxels.spacing = Spacing{1, 1, 1};
  Volume<float> depth = distance_transform(mask.view(), voxels);
  Volume<float> gap = distance_transform(outside.view(), voxels);
  outside = Volume<uint8_t>();
  const double voxel_um = nmc.spacing()[params.axis];

  // 1. PSF sigma from the mean grey against the signed distance (bins of kBinWidth voxels).
  std::array<double, kBins> bin_x{}, bin_g{};
  std::array<int64_t, kBins> bin_n{};
  Volume<uint8_t> near(s, nmc.spacing()), edge(s, nmc.spacing());
  grey_volume.visit([&](const auto& grey) {
    for (int64_t z = 0; z < s.nz; ++z)
      for (int64_t y = 0; y < s.ny; ++y)
        for (int64_t x = 0; x < s.nx; ++x) {
          const bool in = mask(z, y, x);
          const double signed_distance = in ? depth(z, y, x) - 0.5 : 0.5 - gap(z, y, x);
          const double b = std::floor((signed_distance - kBinLow) / kBinWidth);
          if (b >= 0 && b < kBins) {
            const auto k = static_cast<std::size_t>(b);
            bin_x[k] += signed_distance, bin_g[k] += static_cast<double>(grey(z, y, x)), ++bin_n[k];
          }
          near(z, y, x) = !in && gap(z, y, x) * voxel_um <= params.near_um;
          // NMC's inner edge: NMC voxels a 6-neighbour erosion removes (outside the volume counts as matrix).
          bool interior = in && z > 0 && y > 0 && x > 0 && z + 1 < s.nz && y + 1 < s.ny && x + 1 < s.nx;
          if (interior)
            interior = mask(z - 1, y, x) && mask(z + 1, y, x) && mask(z, y - 1, x) && mask(z, y + 1, x) && mask(z, y, x - 1) &&
                       mask(z, y, x + 1);
          edge(z, y, x) = in && !interior;
        }
  });
  depth = Volume<float>(), gap = Volume<float>();
  std::vector<double> at, mean;
  for (int k = 0; k < kBins; ++k)
    if (bin_n[k] > kLeastPerBin) at.push_back(bin_x[k] / static_cast<double>(bin_n[k])), mean.push_back(bin_g[k] / static_cast<double>(bin_n[k]));
  LfpForwardModel r;
  r.psf_sigma_voxels = fit_edge_sigma(at, mean);
  const double sigma = r.psf_sigma_voxels;
  require(std::isfinite(sigma) && sigma > 0, "LFP forward model: the PSF fit failed");

  // 2. The blurred columns (Gaussian of the fitted sigma, in voxels) and the fringe column.
  GaussianParams gp;
  gp.sigma = sigma;
  gp.mirror = true;  // as the prototype (scipy mode='mirror'): X near the threshold depends on the edge rule
  const Volume<float> b_nmc = gaussian_filter<uint8_t>(mask.view(), gp);
  const Volume<float> b_near = gaussian_filter<uint8_t>(near.view(), gp);
  const Volume<float> b_edge = gaussian_filter<uint8_t>(edge.view(), gp);

  // 3. Per slice normal equations of the 4-column fit; the Gaussian model is its leading 3 x 3 block.
  std::vector<std::array<std::array<double, 4>, 4>> ata(static_cast<std::size_t>(slices));
  std::vector<std::array<double, 4>> atb(static_cast<std::size_t>(slices));
  std::vector<int64_t> matrix_voxels(static_cast<std::size_t>(slices)), near_voxels(static_cast<std::size_t>(slices)),
      slice_voxels(static_cast<std::size_t>(slices));
  std::vector<double> grey_sum(static_cast<std::size_t>(slices));
  grey_volume.visit([&](const auto& grey) {
    for (int64_t z = 0; z < s.nz; ++z)
      for (int64_t y = 0; y < s.ny; ++y)
        for (int64_t x = 0; x < s.nx; ++x) {
          const auto k = static_cast<std::size_t>(slice_of(params.axis, z, y, x));
          const double column[4] = {1.0 - b_nmc(z, y, x), b_near(z, y, x), b_edge(z, y, x), laplacian_at(b_nmc, z, y, x)};
          const double target = static_cast<double>(grey(z, y, x)) - nmc_grey * b_nmc(z, y, x);
          for (int a = 0; a < 4; ++a) {
            atb[k][a] += column[a] * target;
            for (int b = a; b < 4; ++b) ata[k][a][b] += column[a] * column[b];
          }
          grey_sum[k] += static_cast<double>(grey(z, y, x)), ++slice_voxels[k];
          if (!mask(z, y, x)) ++matrix_voxels[k], near_voxels[k] += near(z, y, x);
        }
  });
  r.matrix_grey.assign(static_cast<std::size_t>(slices), kNaN);
  r.fringe_per_contrast.assign(static_cast<std::size_t>(slices), kNaN);
  for (std::size_t k = 0; k < static_cast<std::size_t>(slices); ++k) {
    r.slice_mean_grey.push_back(grey_sum[k] / static_cast<double>(slice_voxels[k]));
    if (matrix_voxels[k] == 0) continue;
    for (int a = 0; a < 4; ++a)
      for (int b = 0; b < a; ++b) ata[k][a][b] = ata[k][b][a];
    std::array<std::array<double, 3>, 3> gaussian{};
    for (int a = 0; a < 3; ++a)
      for (int b = 0; b < 3; ++b) gaussian[a][b] = ata[k][a][b];
    const auto c3 = solve_symmetric<3>(gaussian, {atb[k][0], atb[k][1], atb[k][2]});
    r.matrix_grey[k] = c3[0] + c3[1] * static_cast<double>(near_voxels[k]) / static_cast<double>(matrix_voxels[k]);
    const auto c4 = solve_symmetric<4>(ata[k], atb[k]);
    r.fringe_per_contrast[k] = c4[3] / (nmc_grey - c4[0]);
  }

  // 4. X and the pick.
  r.fringe_over_blur = median_of_finite({r.fringe_per_contrast.begin() + params.bulk.first,
                                         r.fringe_per_contrast.begin() + params.bulk.last + 1}) / (sigma * sigma);
  require(std::isfinite(r.fringe_over_blur), "LFP forward model: no bulk slice holds matrix voxels");
  r.use_model = r.fringe_over_blur >= -params.fringe_threshold;
  const std::string x = std::to_string(r.fringe_over_blur), t = std::to_string(params.fringe_threshold);
  r.reason = r.use_model ? "the Gaussian PSF model explains the NMC edges (fringe over blur " + x + " >= -" + t +
                               "): its matrix grey, free of NMC's blur, shapes the profile"
                         : "a phase-contrast fringe the Gaussian PSF model cannot absorb (fringe over blur " + x + " < -" + t +
                               "): the eroded matrix grey shapes the profile";
  return r;
}

LfpModelProfile lfp_forward_model_profile(const LfpForwardModel& model, double nmc_grey, double zero_grey, SliceRange bulk,
                                          double bulk_mean) {
  const std::size_t n = model.matrix_grey.size();
  require(bulk.first >= 0 && bulk.last < static_cast<int64_t>(n) && bulk.first <= bulk.last,
          "LFP forward model: the bulk slices lie outside the profile");
  LfpModelProfile r{std::vector<double>(n, 0.0), std::vector<double>(n, kNaN)};
  std::vector<double> matrix_fraction(n, 0.0);
  double sum = 0;
  int64_t count = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const double g = model.matrix_grey[k];
    if (!std::isfinite(g)) continue;
    matrix_fraction[k] = std::clamp((nmc_grey - model.slice_mean_grey[k]) / (nmc_grey - g), 0.0, 1.0);
    r.fraction_of_matrix[k] = g - zero_grey;
    r.fraction[k] = r.fraction_of_matrix[k] * matrix_fraction[k];
    if (static_cast<int64_t>(k) >= bulk.first && static_cast<int64_t>(k) <= bulk.last && std::isfinite(r.fraction[k]))
      sum += r.fraction[k], ++count;
  }
  require(count > 0 && sum != 0, "LFP forward model: the model's profile vanishes over the bulk slices");
  const double scale = bulk_mean / (sum / static_cast<double>(count));
  for (std::size_t k = 0; k < n; ++k) r.fraction[k] *= scale, r.fraction_of_matrix[k] *= scale;
  return r;
}

}  // namespace emorph
