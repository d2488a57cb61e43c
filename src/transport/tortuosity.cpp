// Tortuosity factor by steady-state diffusion, finite volume on the voxel grid (Cooper et al. 2016,
// TauFactor, SoftwareX 5:203): harmonic face conductances, Dirichlet faces half a voxel from the first
// and last slice centres; solved by flexible CG (Notay 2000) preconditioned by an aggregation multigrid
// K-cycle (piecewise-constant aggregates that are the connected pieces of 2x2x2 blocks, with Galerkin
// coarse operators, Braess 1995; two Krylov-accelerated cycles per coarse level, Notay & Vassilevski 2008)
// or by CG with Jacobi.
#include "emorph/transport/tortuosity.hpp"

#include <omp.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <limits>
#include <optional>
#include <string>

#include "emorph/banded_cholesky.hpp"
#include "emorph/progress.hpp"
#include "emorph/parallel.hpp"
#include "emorph/transport/connectivity.hpp"
#include "hypre_solve.hpp"
#include "piece_aggregation.hpp"
#include "tortuosity_parts.hpp"

namespace emorph {

namespace {

constexpr uint32_t kNone = kNoUnknown;
constexpr int64_t kDirectSize = 512;     // levels with at most this many unknowns are solved by Cholesky
constexpr int64_t kChunk = 1 << 15;      // fixed reduction chunks: sums do not depend on the thread count
constexpr int64_t kParallelMin = 1 << 16;  // smaller coarse levels run on one thread: a barrier costs more than their work
constexpr double kJacobiWeight = 0.8;    // damped Jacobi smoother, < 1 keeps the cycle positive definite
constexpr int kSmoothingSteps = 2;

// Link bits of a fine-level unknown: neighbours along z, y, x (lower, upper), then the two Dirichlet faces.
constexpr uint8_t kLo[3] = {1, 4, 16};
constexpr uint8_t kHi[3] = {2, 8, 32};
constexpr uint8_t kInlet = 64, kOutlet = 128;

// Sums of f(begin, end, sums) over fixed chunks of [0, n), added in chunk order, so that they do not depend
// on the thread count; on one thread below parallel_min unknowns.
template <int N, class F>
std::array<double, N> chunked_sums(int64_t n, int64_t parallel_min, F&& f) {
  const int64_t chunks = (n + kChunk - 1) / kChunk;
  std::vector<std::array<double, N>> partial(static_cast<std::size_t>(chunks));
#pragma omp parallel for schedule(static) if (n >= parallel_min)
  for (int64_t c = 0; c < chunks; ++c) {
    partial[c].fill(0.0);
    f(c * kChunk, std::min(n, (c + 1) * kChunk), partial[c]);
  }
  std::array<double, N> total{};
  for (const auto& p : partial)
    for (int i = 0; i < N; ++i) total[i] += p[i];
  return total;
}

// Sum of f(begin, end) over fixed chunks of [0, n), added in chunk order.
template <class F>
double chunked_sum(int64_t n, F&& f) {
  return chunked_sums<1>(n, 0, [&](int64_t k0, int64_t k1, std::array<double, 1>& s) { s[0] = f(k0, k1); })[0];
}

// Unknowns numbered in raster order over a grid; plane_start[z] is the first unknown of plane z.
struct Numbering {
  Shape shape;
  int64_t m = 0;
  std::vector<int64_t> plane_start;
  std::vector<uint32_t> map;  // grid cell -> unknown or kNone
};

// Numbers the cells for which occupied(z, y, x) holds; planes counted in parallel, offsets in order.
template <class F>
Numbering number_cells(Shape shape, F&& occupied) {
  Numbering n;
  n.shape = shape;
  n.map.resize(static_cast<std::size_t>(shape.voxels()));
  std::vector<int64_t> count(static_cast<std::size_t>(shape.nz) + 1, 0);
#pragma omp parallel for schedule(static)
  for (int64_t z = 0; z < shape.nz; ++z) {
    int64_t c = 0;
    for (int64_t y = 0; y < shape.ny; ++y)
      for (int64_t x = 0; x < shape.nx; ++x) c += occupied(z, y, x) ? 1 : 0;
    count[z] = c;
  }
  n.plane_start.assign(static_cast<std::size_t>(shape.nz) + 1, 0);
  for (int64_t z = 0; z < shape.nz; ++z) n.plane_start[z + 1] = n.plane_start[z] + count[z];
  n.m = n.plane_start[shape.nz];
  require(n.m < int64_t(kNone), "tortuosity: more than 4.29e9 conducting voxels; crop the volume");
#pragma omp parallel for schedule(static)
  for (int64_t z = 0; z < shape.nz; ++z) {
    int64_t k = n.plane_start[z];
    for (int64_t y = 0; y < shape.ny; ++y)
      for (int64_t x = 0; x < shape.nx; ++x)
        n.map[(z * shape.ny + y) * shape.nx + x] = occupied(z, y, x) ? static_cast<uint32_t>(k++) : kNone;
  }
  return n;
}

// Neighbour indices along y and z from a numbering (x neighbours are k - 1 and k + 1).
struct Neighbours {
  std::vector<uint32_t> ylo, yhi, zlo, zhi;
  void build(const Numbering& n) {
    const Shape s = n.shape;
    for (auto* v : {&ylo, &yhi, &zlo, &zhi}) v->resize(static_cast<std::size_t>(n.m));
#pragma omp parallel for schedule(static)
    for (int64_t z = 0; z < s.nz; ++z)
      for (int64_t y = 0; y < s.ny; ++y)
        for (int64_t x = 0; x < s.nx; ++x) {
          const int64_t i = (z * s.ny + y) * s.nx + x;
          const uint32_t k = n.map[i];
          if (k == kNone) continue;
          ylo[k] = y > 0 ? n.map[i - s.nx] : kNone;
          yhi[k] = y + 1 < s.ny ? n.map[i + s.nx] : kNone;
          zlo[k] = z > 0 ? n.map[i - s.nx * s.ny] : kNone;
          zhi[k] = z + 1 < s.nz ? n.map[i + s.nx * s.ny] : kNone;
        }
  }
};

// Finest level: conductances come from a per-class table, so it stores one byte of links and one of
// class per unknown instead of three conductances, and recomputes its diagonal (the sum of the link and
// boundary conductances) where needed instead of storing 8 bytes per unknown.
struct FineLevel {
  Numbering num;
  Neighbours nb;
  std::vector<uint8_t> links, cls;
  int classes = 1;
  std::vector<double> gtab;      // [(a * classes + b) * 3 + d]: conductance between classes a and b along d
  std::vector<double> gboundary;  // per class: conductance from a boundary voxel centre to its Dirichlet face
  std::vector<uint32_t> parent;  // coarse unknown of each unknown (multigrid)
  // One conducting class (the common case): the diagonal is a function of the link byte alone, and the
  // y and z neighbour indices of missing links point to the unknown itself, so a row is applied without
  // branches or table look-ups (a missing link then contributes g (v_k - v_k) = 0).
  bool uniform = false;
  std::array<double, 256> diag_by_links{};

  void make_uniform() {
    uniform = true;
    for (int l = 0; l < 256; ++l) {
      double d = 0;
      for (int dir = 0; dir < 3; ++dir) d += gtab[dir] * (((l & kLo[dir]) ? 1 : 0) + ((l & kHi[dir]) ? 1 : 0));
      d += gboundary[0] * (((l & kInlet) ? 1 : 0) + ((l & kOutlet) ? 1 : 0));
      diag_by_links[l] = d;
    }
    const int64_t n = m();
#pragma omp parallel for schedule(static)
    for (int64_t k = 0; k < n; ++k)
      for (auto* v : {&nb.zlo, &nb.zhi, &nb.ylo, &nb.yhi})
        if ((*v)[k] == kNone) (*v)[k] = static_cast<uint32_t>(k);
  }

  int64_t m() const { return num.m; }
  const std::vector<int64_t>& plane_start() const { return num.plane_start; }
  double g(int64_t a, int64_t b, int d) const { return gtab[(cls[a] * classes + cls[b]) * 3 + d]; }
  double boundary_g(int64_t k) const {
    const uint8_t l = links[k];
    return (l & kInlet ? gboundary[cls[k]] : 0.0) + (l & kOutlet ? gboundary[cls[k]] : 0.0);
  }
  double diag(int64_t k) const {
    if (uniform) return diag_by_links[links[k]];
    double d = boundary_g(k);
    for_links(k, [&](int64_t, double g) { d += g; });
    return d;
  }
  // Diagonal d and off-diagonal sum s (sum of g v_j over the links) of row k: (A v)[k] = d v[k] - s.
  template <class V>
  double row_parts(int64_t k, const V* v, double& d) const {
    double s = 0;
    d = boundary_g(k);
    for_links(k, [&](int64_t j, double g) {
      d += g;
      s += g * double(v[j]);
    });
    return s;
  }
  // (A v)[k], and the diagonal d of row k.
  template <class V>
  double row_apply(int64_t k, const V* v, double& d) const {
    if (uniform) {
      const uint8_t l = links[k];
      const double vk = double(v[k]);
      const double xlo = (l & kLo[2]) ? double(v[k - 1]) : vk;
      const double xhi = (l & kHi[2]) ? double(v[k + 1]) : vk;
      d = diag_by_links[l];
      const double boundary = gboundary[0] * (((l & kInlet) ? 1 : 0) + ((l & kOutlet) ? 1 : 0));
      return gtab[0] * (2 * vk - double(v[nb.zlo[k]]) - double(v[nb.zhi[k]])) +
             gtab[1] * (2 * vk - double(v[nb.ylo[k]]) - double(v[nb.yhi[k]])) + gtab[2] * (2 * vk - xlo - xhi) +
             boundary * vk;
    }
    const double s = row_parts(k, v, d);
    return d * double(v[k]) - s;
  }
  uint32_t hi(int64_t k, int d) const {
    return d == 0 ? nb.zhi[k] : d == 1 ? nb.yhi[k] : static_cast<uint32_t>(k + 1);
  }
  template <class F>
  void for_links(int64_t k, F&& f) const {
    const uint8_t l = links[k];
    if (l & kLo[0]) f(nb.zlo[k], g(k, nb.zlo[k], 0));
    if (l & kHi[0]) f(nb.zhi[k], g(k, nb.zhi[k], 0));
    if (l & kLo[1]) f(nb.ylo[k], g(k, nb.ylo[k], 1));
    if (l & kHi[1]) f(nb.yhi[k], g(k, nb.yhi[k], 1));
    if (l & kLo[2]) f(k - 1, g(k, k - 1, 2));
    if (l & kHi[2]) f(k + 1, g(k, k + 1, 2));
  }
};

// Coarse level: the Galerkin matrix of the aggregates in compressed rows (piece_aggregation.hpp). It only
// serves the preconditioner, so conductances and work vectors are float (the diagonal stays double: rows
// without a boundary link sum to zero, and a separately rounded diagonal could break that).
struct CoarseLevel {
  piece_aggregation::GridPlacement place;  // place.cell is dropped once the level below is built
  piece_aggregation::CsrGraph a;
  std::vector<uint32_t> parent;
  std::vector<float> b, x, t;
  // K-cycle work vectors (Notay & Vassilevski 2008): the two preconditioned directions c1, c2, A c1 and
  // the residual rk after the first step.
  std::vector<float> c1, c2, v1, rk;

  int64_t m() const { return a.m(); }
  const std::vector<int64_t>& plane_start() const { return place.plane_start; }
  template <class V>
  double row_apply(int64_t k, const V* v, double& d) const {
    d = a.diagonal[k];
    double s = 0;
    for (int64_t e = a.row_start[k]; e < a.row_start[k + 1]; ++e) s += double(a.g[e]) * double(v[a.column[e]]);
    return d * double(v[k]) - s;
  }
  template <class F>
  void for_links(int64_t k, F&& f) const {
    for (int64_t e = a.row_start[k]; e < a.row_start[k + 1]; ++e) f(int64_t(a.column[e]), double(a.g[e]));
  }
};

// (A v)[k] of either level, when the diagonal is not needed.
template <class L, class V>
double apply_row(const L& level, int64_t k, const V* v) {
  double d;
  return level.row_apply(k, v, d);
}

template <class L, class In, class Out>
void apply(const L& level, const In* in, Out* out) {
  const int64_t m = level.m();
#pragma omp parallel for schedule(static) if (m >= kParallelMin)
  for (int64_t k = 0; k < m; ++k) out[k] = static_cast<Out>(apply_row(level, k, in));
}

inline double diag_of(const FineLevel& level, int64_t k) { return level.diag(k); }
inline double diag_of(const CoarseLevel& level, int64_t k) { return level.a.diagonal[k]; }

// The finest level's unknowns placed on the voxel grid (the raster order of the numbering).
piece_aggregation::GridPlacement fine_placement(const FineLevel& fine) {
  piece_aggregation::GridPlacement p{fine.num.shape, fine.num.plane_start, {}};
  p.cell.resize(static_cast<std::size_t>(fine.m()));
  const int64_t n = fine.num.shape.voxels();
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < n; ++i)
    if (fine.num.map[i] != kNone) p.cell[fine.num.map[i]] = static_cast<uint32_t>(i);
  return p;
}

// The coarse level of the connected pieces of 2x2x2 blocks, with its Galerkin matrix.
template <class L>
CoarseLevel coarsen(L& fine, const piece_aggregation::GridPlacement& fine_place) {
  auto links = [&](int64_t k, auto&& f) { fine.for_links(k, f); };
  auto agg = piece_aggregation::aggregate_block_pieces(fine_place, links);
  CoarseLevel c;
  c.a = piece_aggregation::galerkin(fine_place, agg, links, [&](int64_t k) { return diag_of(fine, k); });
  c.place = std::move(agg.coarse);
  fine.parent = std::move(agg.aggregate_of);
  const std::size_t m = static_cast<std::size_t>(c.m());
  for (auto* v : {&c.b, &c.x, &c.t, &c.c1, &c.c2, &c.v1, &c.rk}) v->assign(m, 0.0f);
  return c;
}

// The coarsest level's matrix in dense band storage (half-bandwidth n - 1) for the shared Cholesky kernel.
template <class Lv>
BandedCholesky coarse_factor(const Lv& level) {
  const int64_t n = level.m();
  std::vector<double> band(static_cast<std::size_t>(n * n), 0.0);  // band[k * n + (k - j)] = A(k, j), j <= k
  for (int64_t k = 0; k < n; ++k) {
    band[static_cast<std::size_t>(k * n)] = diag_of(level, k);
    level.for_links(k, [&](int64_t j, double g) {
      if (j < k) band[static_cast<std::size_t>(k * n + (k - j))] -= g;
    });
  }
  return BandedCholesky(std::move(band), n, std::max<int64_t>(0, n - 1), "tortuosity: coarse matrix");
}

// CG on a symmetric positive definite system with a positive definite preconditioner has p.Ap > 0 and
// r.z > 0 until the residual vanishes (the stopping test ends it first). A zero, negative or non-finite
// value is a breakdown (non-finite conductances, or a matrix that is not positive definite): iterating on
// would only spin until max_iterations, so the solve stops with an error.
void check_cg_curvature(const char* what, double value, int64_t iteration) {
  if (value > 0 && std::isfinite(value)) return;
  throw InputError("tortuosity: the conjugate-gradient solve broke down at iteration " + std::to_string(iteration) +
                   " (" + what + " = " + std::to_string(value) +
                   ", expected positive and finite): the conductances are not finite or the system is not positive "
                   "definite (check --conductivity: extreme values overflow)");
}

class Preconditioner {
 public:
  Preconditioner(FineLevel& fine, bool multigrid) : fine_(fine), multigrid_(multigrid) {
    if (!multigrid) return;
    if (fine.m() <= kDirectSize) {
      direct_.emplace(coarse_factor(fine));
      return;
    }
    levels_.push_back(coarsen(fine, fine_placement(fine)));
    // Down to a direct solve; a level whose grid is one block cannot coarsen further (its aggregates would
    // be its connected components), so it is factored whatever its size.
    while (levels_.back().m() > kDirectSize && levels_.back().place.shape.voxels() > 1) {
      CoarseLevel next = coarsen(levels_.back(), levels_.back().place);
      levels_.back().place.cell = {};
      levels_.push_back(std::move(next));
    }
    levels_.back().place.cell = {};
    direct_.emplace(coarse_factor(levels_.back()));
  }
  int levels() const { return multigrid_ ? 1 + static_cast<int>(levels_.size()) : 1; }

  // z = B(r): one multigrid cycle (or Jacobi). The K-cycle's coarse Krylov steps make B depend slightly
  // on r (it is not one fixed matrix), so the outer solve is flexible CG; r.B(r) stays positive.
  void apply_inverse(const double* r, float* z) {
    const int64_t m = fine_.m();
    if (!multigrid_) {
#pragma omp parallel for schedule(static)
      for (int64_t k = 0; k < m; ++k) z[k] = static_cast<float>(r[k] / fine_.diag(k));
      return;
    }
    if (levels_.empty()) {
      direct_solve(r, z);
      return;
    }
    // The fine level's right-hand side and scratch in float, as the coarse levels: the cycle only
    // preconditions (CG keeps r, x and A p in double), and float halves the memory traffic of its passes.
    fine_b_.resize(static_cast<std::size_t>(m));
    fine_t_.resize(static_cast<std::size_t>(m));
#pragma omp parallel for schedule(static)
    for (int64_t k = 0; k < m; ++k) fine_b_[k] = static_cast<float>(r[k]);
    cycle(fine_, fine_b_.data(), z, fine_t_.data(), 0);
  }

 private:
  template <class B, class X>
  void direct_solve(const B* b, X* x) const {
    std::vector<double> y(b, b + direct_->size());
    direct_->solve(y.data());
    for (int64_t i = 0; i < direct_->size(); ++i) x[i] = static_cast<X>(y[static_cast<std::size_t>(i)]);
  }

  // One cycle at a level: two damped-Jacobi sweeps before and after the coarse correction (the first from
  // zero is w D^-1 b); the coarse problem is solved by Cholesky on the coarsest level, else by the K-cycle
  // (kcycle: two Krylov-accelerated cycles of the level below). Each sweep is one pass
  // (out = in + w D^-1 (b - A in)) alternating between x and the scratch t, and the residual is restricted
  // in the same pass that computes it.
  static_assert(kSmoothingSteps == 2, "the sweep sequence in cycle assumes two pre- and two post-smoothing steps");
  template <class L, class B, class X, class T>
  void cycle(L& level, const B* b, X* x, T* t, std::size_t next) {
    const int64_t m = level.m();
#pragma omp parallel for schedule(static) if (m >= kParallelMin)
    for (int64_t k = 0; k < m; ++k) x[k] = static_cast<X>(kJacobiWeight * double(b[k]) / diag_of(level, k));
    sweep(level, b, x, t);
    CoarseLevel& coarse = levels_[next];
    restrict_residual(level, b, t, coarse);
    if (next + 1 == levels_.size())
      direct_solve(coarse.b.data(), coarse.x.data());
    else
      kcycle(next);
#pragma omp parallel for schedule(static) if (m >= kParallelMin)
    for (int64_t k = 0; k < m; ++k) x[k] = static_cast<X>(double(t[k]) + double(coarse.x[level.parent[k]]));
    sweep(level, b, x, t);
    sweep(level, b, t, x);
  }

  // Coarse solve of level lv (right-hand side b, result x) by two steps of flexible CG preconditioned by
  // the cycle below (the K-cycle of Notay & Vassilevski 2008, threshold t = 0.25): the
  // Krylov step scales and combines two cycle corrections optimally in the level's energy norm, where a
  // V-cycle of piecewise-constant aggregation under-corrects (it needed a fixed over-correction of 1.8;
  // the K-cycle cuts F256's iterations 85 -> 64, docs/benchmarks.md). The second step is skipped when the
  // first already reduced the residual fourfold.
  void kcycle(std::size_t lv) {
    CoarseLevel& c = levels_[lv];
    const int64_t m = c.m();
    const float* b = c.b.data();
    float *c1 = c.c1.data(), *c2 = c.c2.data(), *v1 = c.v1.data(), *rk = c.rk.data(), *x = c.x.data();
    cycle(c, b, c1, c.t.data(), lv + 1);
    // rho1 = c1.A c1, alpha1 = c1.b, and b.b
    const auto s1 = chunked_sums<3>(m, kParallelMin, [&](int64_t k0, int64_t k1, std::array<double, 3>& s) {
      for (int64_t k = k0; k < k1; ++k) {
        const float v = static_cast<float>(apply_row(c, k, c1));
        v1[k] = v;
        s[0] += double(c1[k]) * double(v);
        s[1] += double(c1[k]) * double(b[k]);
        s[2] += double(b[k]) * double(b[k]);
      }
    });
    const double rho1 = s1[0];
    const double a1 = rho1 > 0 ? s1[1] / rho1 : 1.0;
    const auto s2 = chunked_sums<1>(m, kParallelMin, [&](int64_t k0, int64_t k1, std::array<double, 1>& s) {
      for (int64_t k = k0; k < k1; ++k) {
        const float r = static_cast<float>(double(b[k]) - a1 * double(v1[k]));
        rk[k] = r;
        s[0] += double(r) * double(r);
      }
    });
    double w1 = a1, w2 = 0;
    if (rho1 > 0 && s2[0] > 0.0625 * s1[2]) {
      cycle(c, rk, c2, c.t.data(), lv + 1);
      // gamma = c2.A c1, beta = c2.A c2, alpha2 = c2.rk
      const auto s3 = chunked_sums<3>(m, kParallelMin, [&](int64_t k0, int64_t k1, std::array<double, 3>& s) {
        for (int64_t k = k0; k < k1; ++k) {
          const double v = apply_row(c, k, c2);
          s[0] += double(c2[k]) * double(v1[k]);
          s[1] += double(c2[k]) * v;
          s[2] += double(c2[k]) * double(rk[k]);
        }
      });
      const double rho2 = s3[1] - s3[0] * s3[0] / rho1;
      if (rho2 > 0) {
        w1 = a1 - s3[0] * s3[2] / (rho1 * rho2);
        w2 = s3[2] / rho2;
      }
    }
#pragma omp parallel for schedule(static) if (m >= kParallelMin)
    for (int64_t k = 0; k < m; ++k) x[k] = static_cast<float>(w1 * double(c1[k]) + w2 * double(c2[k]));
  }

  // out = in + w D^-1 (b - A in).
  template <class L, class B, class In, class Out>
  static void sweep(const L& level, const B* b, const In* in, Out* out) {
    const int64_t m = level.m();
#pragma omp parallel for schedule(static) if (m >= kParallelMin)
    for (int64_t k = 0; k < m; ++k) {
      double d;
      const double av = level.row_apply(k, in, d);
      out[k] = static_cast<Out>(double(in[k]) + kJacobiWeight * (double(b[k]) - av) / d);
    }
  }

  // coarse.b[K] = sum of (b - Ax) over the agglomerate K; a thread owns whole coarse planes, and each sum
  // runs in fine raster order, so the result does not depend on the thread count.
  template <class L, class B, class X>
  static void restrict_residual(const L& level, const B* b, const X* x, CoarseLevel& coarse) {
    const auto& cps = coarse.plane_start();
    const auto& fps = level.plane_start();
    const int64_t cz = static_cast<int64_t>(cps.size()) - 1, fz = static_cast<int64_t>(fps.size()) - 1, m = level.m();
#pragma omp parallel for schedule(static) if (m >= kParallelMin)
    for (int64_t Z = 0; Z < cz; ++Z) {
      for (int64_t K = cps[Z]; K < cps[Z + 1]; ++K) coarse.b[K] = 0;
      const int64_t k0 = fps[2 * Z], k1 = fps[std::min(fz, 2 * Z + 2)];
      for (int64_t k = k0; k < k1; ++k) coarse.b[level.parent[k]] += static_cast<float>(double(b[k]) - apply_row(level, k, x));
    }
  }

  FineLevel& fine_;
  bool multigrid_;
  std::vector<CoarseLevel> levels_;
  std::optional<BandedCholesky> direct_;
  std::vector<float> fine_b_, fine_t_;
};

// Solves A x = b with one of HYPRE's preconditioned CG solvers (x: initial guess in, solution out) and
// records the iterations and the true relative residual under emorph's own operator.
template <class Rhs>
void solve_with_hypre(const TortuosityParams& params, const FineLevel& fine, Shape shape, Rhs&& rhs,
                      std::vector<double>& x, TortuosityResult& result) {
  GridSystem system;
  system.shape = shape;
  system.unknown_of_cell = fine.num.map.data();
  system.unknowns = fine.m();
  system.row = [&](int64_t k, double g_lower[3], double& diagonal, double& b) {
    const uint8_t l = fine.links[k];
    g_lower[0] = (l & kLo[0]) ? fine.g(k, fine.nb.zlo[k], 0) : 0.0;
    g_lower[1] = (l & kLo[1]) ? fine.g(k, fine.nb.ylo[k], 1) : 0.0;
    g_lower[2] = (l & kLo[2]) ? fine.g(k, k - 1, 2) : 0.0;
    diagonal = fine.diag(k);
    b = rhs(k);
  };
  solve_grid_with_hypre(system, params, x.data(), result);
  const int64_t m = fine.m();
  double bb = 0, rr = 0;
#pragma omp parallel for schedule(static) reduction(+ : bb, rr)
  for (int64_t k = 0; k < m; ++k) {
    const double bk = rhs(k), rk = bk - apply_row(fine, k, x.data());
    bb += bk * bk;
    rr += rk * rk;
  }
  result.relative_residual = std::sqrt(rr / bb);
}

Diffusivities resolve_diffusivities(const TortuosityParams& params) {
  Diffusivities d;
  for (const auto& [label, value] : params.conductivity) {
    require(std::isfinite(value) && value >= 0,
            "--conductivity: the value for label " + std::to_string(label) + " must be finite and >= 0");
    d.sigma[label] = value;
  }
  const bool listed = std::any_of(params.conductivity.begin(), params.conductivity.end(),
                                  [&](const auto& p) { return p.first == params.phase_label; });
  if (!listed) d.sigma[params.phase_label] = 1.0;
  d.d0 = d.sigma[params.phase_label];
  require(d.d0 > 0, "--conductivity: the phase whose tortuosity is asked must conduct (D0 > 0)");
  return d;
}

}  // namespace

Diffusivities check_tortuosity_params(const TortuosityParams& params) {
  require(params.axis >= 0 && params.axis <= 2, "--axis must be 0, 1 or 2, got " + std::to_string(params.axis));
  require(params.tolerance > 0 && params.tolerance < 1, "--tolerance must be in (0, 1)");
  require(params.flux_tolerance > 0 && params.flux_tolerance < 1, "--flux-tolerance must be in (0, 1)");
  require(params.max_iterations > 0, "--max-iterations must be positive");
  return resolve_diffusivities(params);
}

namespace {

// Volume fractions: of the phase, and weighted by relative diffusivity over all conducting labels.
// Returns the number of conducting voxels.
int64_t measure_fractions(VolumeView<const uint8_t> labels, const TortuosityParams& params, const Diffusivities& d,
                          TortuosityResult& result) {
  const Shape shape = labels.shape();
  const int64_t n_voxels = shape.voxels();
  std::array<int64_t, 256> histogram{};
  {
    std::vector<std::array<int64_t, 256>> per_plane(static_cast<std::size_t>(shape.nz));
#pragma omp parallel for schedule(static)
    for (int64_t z = 0; z < shape.nz; ++z) {
      auto& h = per_plane[z];
      h.fill(0);
      for (int64_t y = 0; y < shape.ny; ++y)
        for (int64_t x = 0; x < shape.nx; ++x) ++h[labels(z, y, x)];
    }
    for (const auto& h : per_plane)
      for (int l = 0; l < 256; ++l) histogram[l] += h[l];
  }
  return fractions_from_histogram(histogram, n_voxels, params, d, result);
}

}  // namespace

int64_t fractions_from_histogram(const std::array<int64_t, 256>& histogram, int64_t n_voxels, const TortuosityParams& params,
                                 const Diffusivities& d, TortuosityResult& result) {
  result.volume_fraction = double(histogram[params.phase_label]) / double(n_voxels);
  int64_t conducting_voxels = 0;
  for (int l = 0; l < 256; ++l) {
    result.weighted_volume_fraction += double(histogram[l]) / double(n_voxels) * d.sigma[l] / d.d0;
    if (d.sigma[l] > 0) conducting_voxels += histogram[l];
  }
  return conducting_voxels;
}

namespace {

// Assembly: the unknowns are the percolating voxels of the conducting labels (face connectivity, as the
// links); conductances are face area over centre distance times the harmonic mean of the two
// diffusivities, with Dirichlet faces half a voxel beyond the first and last slices.
void assemble(VolumeView<const uint8_t> labels, const TortuosityParams& params, const Diffusivities& d,
              FineLevel& fine) {
  const Shape shape = labels.shape();
  const Spacing sp = labels.spacing();
  const int axis = params.axis;
  std::array<int, 256> class_of{};
  std::vector<double> class_sigma;
  for (int l = 0; l < 256; ++l)
    if (d.sigma[l] > 0) {
      class_of[l] = static_cast<int>(class_sigma.size());
      class_sigma.push_back(d.sigma[l]);
    }
  const int nc = static_cast<int>(class_sigma.size());
  const double area[3] = {sp.dy * sp.dx, sp.dz * sp.dx, sp.dz * sp.dy};
  const double length[3] = {sp.dz, sp.dy, sp.dx};
  fine.classes = nc;
  fine.gtab.resize(static_cast<std::size_t>(nc * nc * 3));
  for (int a = 0; a < nc; ++a)
    for (int b = 0; b < nc; ++b)
      for (int k = 0; k < 3; ++k) {
        const double sa = class_sigma[a], sb = class_sigma[b];
        fine.gtab[(a * nc + b) * 3 + k] = face_conductance(area[k], length[k], sa, sb);
      }
  fine.gboundary.resize(static_cast<std::size_t>(nc));
  for (int a = 0; a < nc; ++a) fine.gboundary[a] = boundary_conductance(area[axis], length[axis], class_sigma[a]);

  const int64_t m = fine.m();
  fine.nb.build(fine.num);
  fine.links.resize(static_cast<std::size_t>(m));
  fine.cls.resize(static_cast<std::size_t>(m));
  const int64_t last = shape[axis] - 1;
#pragma omp parallel for schedule(static)
  for (int64_t z = 0; z < shape.nz; ++z)
    for (int64_t y = 0; y < shape.ny; ++y)
      for (int64_t x = 0; x < shape.nx; ++x) {
        const int64_t i = (z * shape.ny + y) * shape.nx + x;
        const uint32_t k = fine.num.map[i];
        if (k == kNone) continue;
        fine.cls[k] = static_cast<uint8_t>(class_of[labels(z, y, x)]);
        uint8_t l = 0;
        if (fine.nb.zlo[k] != kNone) l |= kLo[0];
        if (fine.nb.zhi[k] != kNone) l |= kHi[0];
        if (fine.nb.ylo[k] != kNone) l |= kLo[1];
        if (fine.nb.yhi[k] != kNone) l |= kHi[1];
        if (x > 0 && fine.num.map[i - 1] != kNone) l |= kLo[2];
        if (x + 1 < shape.nx && fine.num.map[i + 1] != kNone) l |= kHi[2];
        const int64_t pos = axis == 0 ? z : axis == 1 ? y : x;
        if (pos == 0) l |= kInlet;
        if (pos == last) l |= kOutlet;
        fine.links[k] = l;
      }
  if (nc == 1) fine.make_uniform();
}

// Initial guess: the linear profile along the axis (exact for straight channels).
std::vector<double> linear_start(const FineLevel& fine, int axis) {
  const Shape shape = fine.num.shape;
  std::vector<double> x(static_cast<std::size_t>(fine.m()));
  const double n_axis = double(shape[axis]);
#pragma omp parallel for schedule(static)
  for (int64_t z = 0; z < shape.nz; ++z)
    for (int64_t y = 0; y < shape.ny; ++y)
      for (int64_t xx = 0; xx < shape.nx; ++xx) {
        const uint32_t k = fine.num.map[(z * shape.ny + y) * shape.nx + xx];
        if (k == kNone) continue;
        const int64_t pos = axis == 0 ? z : axis == 1 ? y : xx;
        x[k] = 1.0 - (double(pos) + 0.5) / n_axis;
      }
  return x;
}

// Preconditioned CG from x to the tolerances (relative residual, then inlet/outlet flux mismatch);
// fills iterations, converged, relative_residual, flux_in, flux_out and flux_mismatch.
// The right-hand side b is g_b on inlet voxels and 0 elsewhere, so it is not stored.
double inlet_rhs(const FineLevel& fine, int64_t k) {
  return (fine.links[k] & kInlet) ? fine.gboundary[fine.cls[k]] : 0.0;
}

// The fluxes through the inlet and outlet faces of the field x, and their mismatch.
void record_fluxes(const FineLevel& fine, const std::vector<double>& x, TortuosityResult& result) {
  const int64_t m = fine.m();
  result.flux_in = chunked_sum(m, [&](int64_t k0, int64_t k1) {
    double s = 0;
    for (int64_t k = k0; k < k1; ++k)
      if (fine.links[k] & kInlet) s += fine.gboundary[fine.cls[k]] * (1.0 - x[k]);
    return s;
  });
  result.flux_out = chunked_sum(m, [&](int64_t k0, int64_t k1) {
    double s = 0;
    for (int64_t k = k0; k < k1; ++k)
      if (fine.links[k] & kOutlet) s += fine.gboundary[fine.cls[k]] * x[k];
    return s;
  });
  const double mean = 0.5 * (result.flux_in + result.flux_out);
  result.flux_mismatch = mean > 0 ? std::fabs(result.flux_in - result.flux_out) / mean : 1.0;
}

void solve_cg(const FineLevel& fine, Preconditioner& precond, std::vector<double>& x, const TortuosityParams& params,
              TortuosityResult& result) {
  const int64_t m = fine.m();
  auto rhs = [&](int64_t k) { return inlet_rhs(fine, k); };

  // CG vectors: the iterate x, residual r and A p in double (r is updated recursively from A p, so it stays
  // the true residual to double precision and the stopping test is exact); the search direction p and the
  // preconditioned residual z in float: their rounding (6e-8 relative) only perturbs the directions, as a
  // slightly inexact preconditioner would, never the residual or the fluxes (tested against a dense solve
  // to 1e-8 and tolerance 1e-11).
  std::vector<double> r(static_cast<std::size_t>(m)), q(static_cast<std::size_t>(m));
  std::vector<float> p(static_cast<std::size_t>(m)), zv(static_cast<std::size_t>(m));
  apply(fine, x.data(), q.data());
  const double bnorm = std::sqrt(chunked_sum(m, [&](int64_t k0, int64_t k1) {
    double s = 0;
    for (int64_t k = k0; k < k1; ++k) s += rhs(k) * rhs(k);
    return s;
  }));
  double rr = chunked_sum(m, [&](int64_t k0, int64_t k1) {
    double s = 0;
    for (int64_t k = k0; k < k1; ++k) {
      r[k] = rhs(k) - q[k];
      s += r[k] * r[k];
    }
    return s;
  });
  auto converged = [&]() {
    result.relative_residual = std::sqrt(rr) / bnorm;
    if (result.relative_residual >= params.tolerance) return false;
    record_fluxes(fine, x, result);
    return result.flux_mismatch < params.flux_tolerance;
  };
  result.converged = converged();
  if (!result.converged) {
    precond.apply_inverse(r.data(), zv.data());
    double rz = chunked_sum(m, [&](int64_t k0, int64_t k1) {
      double s = 0;
      for (int64_t k = k0; k < k1; ++k) {
        p[k] = zv[k];
        s += r[k] * double(zv[k]);
      }
      return s;
    });
    check_cg_curvature("r.z", rz, 0);
    // Progress in decades of the residual: from where the solve starts down to the tolerance.
    Progress progress("tortuosity", 1000);
    const double start_residual = result.relative_residual;
    const double decades = std::log(start_residual / params.tolerance);
    while (result.iterations < params.max_iterations) {
      ++result.iterations;
      apply(fine, p.data(), q.data());
      const double pq = chunked_sum(m, [&](int64_t k0, int64_t k1) {
        double s = 0;
        for (int64_t k = k0; k < k1; ++k) s += double(p[k]) * q[k];
        return s;
      });
      check_cg_curvature("p.Ap", pq, result.iterations);
      const double alpha = rz / pq;
      rr = chunked_sum(m, [&](int64_t k0, int64_t k1) {
        double s = 0;
        for (int64_t k = k0; k < k1; ++k) {
          x[k] += alpha * double(p[k]);
          r[k] -= alpha * q[k];
          s += r[k] * r[k];
        }
        return s;
      });
      if (converged()) {
        result.converged = true;
        break;
      }
      if (decades > 0 && result.relative_residual > 0)
        progress.reach(static_cast<int64_t>(1000 * std::clamp(std::log(start_residual / result.relative_residual) / decades, 0.0, 1.0)));
      precond.apply_inverse(r.data(), zv.data());
      // Flexible CG (Notay 2000): the K-cycle preconditioner varies from one application to the next, so
      // the new direction is made A-orthogonal to the previous one explicitly, beta = -z.Ap / p.Ap
      // (equal to r.z / r_old.z_old for a fixed preconditioner).
      const auto sums = chunked_sums<2>(m, 0, [&](int64_t k0, int64_t k1, std::array<double, 2>& s) {
        for (int64_t k = k0; k < k1; ++k) {
          s[0] += r[k] * double(zv[k]);
          s[1] += q[k] * double(zv[k]);
        }
      });
      const double rz_new = sums[0], zq = sums[1];
      check_cg_curvature("r.z", rz_new, result.iterations);
      const double beta = -zq / pq;
      rz = rz_new;
#pragma omp parallel for schedule(static)
      for (int64_t k = 0; k < m; ++k) p[k] = static_cast<float>(double(zv[k]) + beta * double(p[k]));
    }
  }
  if (!result.converged) record_fluxes(fine, x, result);
}

// Post-processing: the concentration field and the flux magnitude per voxel (per unit face area, the
// mean of the flux through the lower and upper faces along each axis).
void fill_fields(const FineLevel& fine, const std::vector<double>& x, Spacing sp, int axis, TortuosityResult& result) {
  const Shape shape = fine.num.shape;
  const double area[3] = {sp.dy * sp.dx, sp.dz * sp.dx, sp.dz * sp.dy};
  result.concentration = Volume<float>::filled(shape, sp, std::numeric_limits<float>::quiet_NaN());
  result.flux_magnitude = Volume<float>::filled(shape, sp, 0.0f);
  const auto& map = fine.num.map;
#pragma omp parallel for schedule(static)
  for (int64_t z = 0; z < shape.nz; ++z)
    for (int64_t y = 0; y < shape.ny; ++y)
      for (int64_t xx = 0; xx < shape.nx; ++xx) {
        const int64_t i = (z * shape.ny + y) * shape.nx + xx;
        const uint32_t k = map[i];
        if (k == kNone) continue;
        result.concentration.data()[i] = static_cast<float>(x[k]);
        double sum2 = 0;
        for (int d = 0; d < 3; ++d) {
          double lo = 0, hi = 0;
          const uint8_t l = fine.links[k];
          if (l & kLo[d]) {
            const int64_t j = d == 0 ? fine.nb.zlo[k] : d == 1 ? fine.nb.ylo[k] : k - 1;
            lo = fine.g(k, j, d) * (x[j] - x[k]);
          }
          if (l & kHi[d]) {
            const int64_t j = fine.hi(k, d);
            hi = fine.g(k, j, d) * (x[k] - x[j]);
          }
          if (d == axis && (l & kInlet)) lo = fine.gboundary[fine.cls[k]] * (1.0 - x[k]);
          if (d == axis && (l & kOutlet)) hi = fine.gboundary[fine.cls[k]] * x[k];
          const double j = 0.5 * (lo + hi) / area[d];
          sum2 += j * j;
        }
        result.flux_magnitude.data()[i] = static_cast<float>(std::sqrt(sum2));
      }
}

}  // namespace

TortuosityResult tortuosity(VolumeView<const uint8_t> labels, const TortuosityParams& params) {
  const auto start = std::chrono::steady_clock::now();
  require(!labels.empty(), "tortuosity: the volume is empty");
  // Over several MPI ranks only HYPRE's solves are distributed (docs/slurm.md).
  require(world_ranks() == 1 || params.backend != TortuosityBackend::own,
          "--solver: under " + std::to_string(world_ranks()) +
              " MPI ranks tortuosity solves with HYPRE across the ranks: pass --solver hypre-boomeramg (or hypre-pfmg)");
  const Diffusivities d = check_tortuosity_params(params);
  const Shape shape = labels.shape();
  const Spacing sp = labels.spacing();
  const int axis = params.axis;

  TortuosityResult result;
  const int64_t conducting_voxels = measure_fractions(labels, params, d, result);
  auto finish = [&] {
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return std::move(result);
  };
  if (conducting_voxels == 0) {
    result.tau = result.macmullin = std::numeric_limits<double>::infinity();
    return finish();
  }

  // Only the percolating part of the conducting labels carries flux (face connectivity, as the links).
  ConnectivityParams cp;
  cp.axis = axis;
  cp.connectivity = 6;
  for (int l = 0; l < 256; ++l)
    if (d.sigma[l] > 0) cp.phase_labels.push_back(static_cast<uint8_t>(l));
  FineLevel fine;
  {
    const Volume<uint8_t> classes = connectivity(labels, cp).classes;
    fine.num = number_cells(shape, [&](int64_t z, int64_t y, int64_t x) {
      return classes(z, y, x) == static_cast<uint8_t>(PercolationClass::percolating);
    });
  }
  result.unknowns = fine.m();
  result.percolating_fraction = double(fine.m()) / double(conducting_voxels);
  if (fine.m() == 0) {
    result.tau = result.macmullin = std::numeric_limits<double>::infinity();
    return finish();
  }
  result.percolating = true;

  assemble(labels, params, d, fine);
  std::vector<double> x = linear_start(fine, axis);
  if (params.backend != TortuosityBackend::own) {
    solve_with_hypre(params, fine, shape, [&](int64_t k) { return inlet_rhs(fine, k); }, x, result);
    record_fluxes(fine, x, result);
    if (result.converged) result.converged = result.flux_mismatch < params.flux_tolerance;
    if (!params.keep_fields) fine.num.map = {};
  } else {
    Preconditioner precond(fine, params.multigrid);  // coarsening reads the fine map
    result.levels = precond.levels();
    // The map (4 bytes per voxel of the whole volume) goes before the solver's vectors are allocated.
    if (!params.keep_fields) fine.num.map = {};
    solve_cg(fine, precond, x, params, result);
  }

  finish_tortuosity(shape, sp, axis, d.d0, result);
  if (params.keep_fields) fill_fields(fine, x, sp, axis, result);
  return finish();
}

void solve_grid_with_hypre(const GridSystem& system, const TortuosityParams& params, double* x, TortuosityResult& result) {
  HypreSolveParams hp;
  hp.tolerance = params.tolerance;
  hp.max_iterations = params.max_iterations;
  const HypreSolveResult h = params.backend == TortuosityBackend::hypre_pfmg ? hypre_struct_pfmg_cg(system, hp, x)
                                                                            : hypre_ij_boomeramg_cg(system, hp, x);
  result.iterations = h.iterations;
  result.levels = 0;  // HYPRE builds its own hierarchy
  result.converged = h.relative_residual < params.tolerance;  // HYPRE's own (recursive) residual, as CG's
}

void finish_tortuosity(const Shape& shape, const Spacing& sp, int axis, double d0, TortuosityResult& result) {
  const double area = axis == 0 ? sp.dy * sp.dx : axis == 1 ? sp.dz * sp.dx : sp.dz * sp.dy;
  const double flux = 0.5 * (result.flux_in + result.flux_out);
  const double cross_section = double(shape.voxels() / shape[axis]) * area;
  const double length_um = double(shape[axis]) * sp[axis];
  result.deff_over_d0 = flux * length_um / (cross_section * d0);
  result.tau = result.weighted_volume_fraction / result.deff_over_d0;
  result.macmullin = 1.0 / result.deff_over_d0;
  if (!result.converged) {
    // An unconverged field gives meaningless (even negative) fluxes: no number is reported (null in
    // JSON, NaN in Python) and `converged` says why (CONTRACT.md, tortuosity).
    result.deff_over_d0 = result.tau = result.macmullin = std::numeric_limits<double>::quiet_NaN();
  }
}

bool tortuosity_hypre_available() { return hypre_available(); }

BruggemanFit fit_bruggeman(const std::vector<double>& volume_fraction, const std::vector<double>& deff_over_d0) {
  require(volume_fraction.size() == deff_over_d0.size(), "Bruggeman fit: as many volume fractions as D_eff values");
  std::vector<double> lx, ly;
  for (std::size_t i = 0; i < volume_fraction.size(); ++i) {
    const double e = volume_fraction[i], d = deff_over_d0[i];
    if (e > 0 && e < 1 && d > 0 && std::isfinite(d)) {
      lx.push_back(std::log(e));
      ly.push_back(std::log(d));
    }
  }
  require(lx.size() >= 2, "Bruggeman fit: needs at least two percolating samples with 0 < eps < 1");
  BruggemanFit fit;
  fit.points = static_cast<int64_t>(lx.size());
  const double n = double(lx.size());
  double sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0;
  for (std::size_t i = 0; i < lx.size(); ++i) {
    sx += lx[i];
    sy += ly[i];
    sxx += lx[i] * lx[i];
    sxy += lx[i] * ly[i];
    syy += ly[i] * ly[i];
  }
  fit.exponent = sxy / sxx;
  const double cxx = sxx - sx * sx / n, cxy = sxy - sx * sy / n, cyy = syy - sy * sy / n;
  require(cxx > 0, "Bruggeman fit: the samples need different volume fractions");
  fit.free_exponent = cxy / cxx;
  fit.free_prefactor = std::exp((sy - fit.free_exponent * sx) / n);
  fit.r_squared = cyy > 0 ? cxy * cxy / (cxx * cyy) : 1.0;
  return fit;
}

}  // namespace emorph
