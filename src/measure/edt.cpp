// Felzenszwalb & Huttenlocher 2012, "Distance transforms of sampled functions": exact squared EDT as
// three 1D lower-envelope passes (x, then y, then z), each parallel over independent lines.
#include "emorph/measure/edt.hpp"

#include <cmath>
#include <limits>
#include <vector>

namespace emorph {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
// Lines are gathered in blocks of this many neighbouring x positions so that strided y and z passes
// read whole cache lines.
constexpr int64_t kBlock = 16;

void check_weights(const Spacing& w) {
  for (int a = 0; a < 3; ++a)
    require(std::isfinite(w[a]) && w[a] > 0, "distance transform: voxel size must be positive and finite");
}

// Scratch for one 1D lower envelope of n parabolas.
struct EnvelopeBuffers {
  std::vector<int64_t> v;
  std::vector<double> z;
  std::vector<float> in, out;
  void resize(int64_t n) {
    v.resize(static_cast<std::size_t>(n));
    z.resize(static_cast<std::size_t>(n) + 1);
    in.resize(static_cast<std::size_t>(n) * kBlock);
    out.resize(static_cast<std::size_t>(n));
  }
};

// d[q] = min_p f[p] + w (q - p)^2 over finite f[p]; all +inf when no f is finite.
void lower_envelope(const float* f, float* d, int64_t n, double w, EnvelopeBuffers& b) {
  int64_t* v = b.v.data();
  double* z = b.z.data();
  int64_t k = -1;
  for (int64_t q = 0; q < n; ++q) {
    if (f[q] == kInf) continue;
    const double fq = static_cast<double>(f[q]) + w * static_cast<double>(q) * static_cast<double>(q);
    double s = -std::numeric_limits<double>::infinity();
    while (k >= 0) {
      const int64_t p = v[k];
      const double fp = static_cast<double>(f[p]) + w * static_cast<double>(p) * static_cast<double>(p);
      s = (fq - fp) / (2.0 * w * static_cast<double>(q - p));
      if (s > z[k]) break;
      --k;
    }
    if (k < 0) s = -std::numeric_limits<double>::infinity();
    ++k;
    v[k] = q;
    z[k] = s;
    z[k + 1] = std::numeric_limits<double>::infinity();
  }
  if (k < 0) {
    for (int64_t q = 0; q < n; ++q) d[q] = kInf;
    return;
  }
  int64_t j = 0;
  for (int64_t q = 0; q < n; ++q) {
    while (z[j + 1] < static_cast<double>(q)) ++j;
    const double dq = static_cast<double>(q - v[j]);
    d[q] = static_cast<float>(static_cast<double>(f[v[j]]) + w * dq * dq);
  }
}

// 1D distance along x to the nearest background voxel of the row, squared and weighted.
void row_pass(const uint8_t* m, int64_t mstride, float* o, int64_t ostride, int64_t n, double wx) {
  int64_t last = -1;
  for (int64_t x = 0; x < n; ++x) {
    if (m[x * mstride] == 0) {
      last = x;
      o[x * ostride] = 0.0f;
    } else if (last < 0) {
      o[x * ostride] = kInf;
    } else {
      const double g = static_cast<double>(x - last);
      o[x * ostride] = static_cast<float>(wx * g * g);
    }
  }
  last = -1;
  for (int64_t x = n - 1; x >= 0; --x) {
    if (m[x * mstride] == 0) {
      last = x;
    } else if (last >= 0) {
      const double g = static_cast<double>(last - x);
      const float c = static_cast<float>(wx * g * g);
      if (c < o[x * ostride]) o[x * ostride] = c;
    }
  }
}

// Runs the lower envelope along `axis` (0: z, 1: y) for every line of `out`, in place.
void envelope_pass(VolumeView<float> out, int axis, double w) {
  const int64_t n = axis == 0 ? out.nz() : out.ny();
  const int64_t other = axis == 0 ? out.ny() : out.nz();
  const int64_t line_stride = axis == 0 ? out.strides().sz : out.strides().sy;
  const int64_t nblocks = (out.nx() + kBlock - 1) / kBlock;
  const int64_t jobs = other * nblocks;
#pragma omp parallel
  {
    EnvelopeBuffers b;
    b.resize(n);
#pragma omp for schedule(dynamic, 4)
    for (int64_t job = 0; job < jobs; ++job) {
      const int64_t o = job / nblocks;
      const int64_t x0 = (job % nblocks) * kBlock;
      const int64_t width = std::min(kBlock, out.nx() - x0);
      float* base = axis == 0 ? &out(0, o, x0) : &out(o, 0, x0);
      const int64_t sx = out.strides().sx;
      for (int64_t i = 0; i < n; ++i) {
        const float* src = base + i * line_stride;
        for (int64_t j = 0; j < width; ++j) b.in[static_cast<std::size_t>(j * n + i)] = src[j * sx];
      }
      for (int64_t j = 0; j < width; ++j) {
        float* line = b.in.data() + j * n;
        lower_envelope(line, b.out.data(), n, w, b);
        for (int64_t i = 0; i < n; ++i) line[i] = b.out[static_cast<std::size_t>(i)];
      }
      for (int64_t i = 0; i < n; ++i) {
        float* dst = base + i * line_stride;
        for (int64_t j = 0; j < width; ++j) dst[j * sx] = b.in[static_cast<std::size_t>(j * n + i)];
      }
    }
  }
}

void envelope_pass_x(VolumeView<float> out, double w) {
  const int64_t rows = out.nz() * out.ny();
  const int64_t n = out.nx();
#pragma omp parallel
  {
    EnvelopeBuffers b;
    b.resize(n);
#pragma omp for schedule(static)
    for (int64_t r = 0; r < rows; ++r) {
      float* row = out.row(r / out.ny(), r % out.ny());
      const int64_t sx = out.strides().sx;
      for (int64_t x = 0; x < n; ++x) b.in[static_cast<std::size_t>(x)] = row[x * sx];
      lower_envelope(b.in.data(), b.out.data(), n, w, b);
      for (int64_t x = 0; x < n; ++x) row[x * sx] = b.out[static_cast<std::size_t>(x)];
    }
  }
}

}  // namespace

void squared_distance_transform_into(VolumeView<const uint8_t> mask, const Spacing& weights, VolumeView<float> out) {
  check_weights(weights);
  require(mask.shape() == out.shape(), "distance transform: output shape differs from the mask's");
  if (mask.empty()) return;
  const int64_t rows = mask.nz() * mask.ny();
#pragma omp parallel for schedule(static)
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t z = r / mask.ny(), y = r % mask.ny();
    row_pass(mask.row(z, y), mask.strides().sx, out.row(z, y), out.strides().sx, mask.nx(), weights.dx);
  }
  if (mask.ny() > 1) envelope_pass(out, 1, weights.dy);
  if (mask.nz() > 1) envelope_pass(out, 0, weights.dz);
}

void squared_distance_z_pass_inplace(VolumeView<float> out, double wz) {
  if (out.nz() > 1) envelope_pass(out, 0, wz);
}

void squared_distance_to_seeds_inplace(VolumeView<float> out, const Spacing& weights) {
  check_weights(weights);
  if (out.empty()) return;
  if (out.nx() > 1) envelope_pass_x(out, weights.dx);
  if (out.ny() > 1) envelope_pass(out, 1, weights.dy);
  if (out.nz() > 1) envelope_pass(out, 0, weights.dz);
}

Volume<float> squared_distance_transform(VolumeView<const uint8_t> mask, const Spacing& weights) {
  Volume<float> out(mask.shape(), mask.spacing(), mask.thickness_axis());
  squared_distance_transform_into(mask, weights, out.view());
  return out;
}

Volume<float> distance_transform(VolumeView<const uint8_t> mask, const EdtParams& params) {
  const Spacing s = params.spacing.value_or(mask.spacing());
  for (int a = 0; a < 3; ++a)
    require(std::isfinite(s[a]) && s[a] > 0, "distance transform: voxel size must be positive and finite");
  Volume<float> out = squared_distance_transform(mask, Spacing{s.dz * s.dz, s.dy * s.dy, s.dx * s.dx});
  float* d = out.data();
  const int64_t n = out.size();
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < n; ++i) d[i] = std::sqrt(d[i]);
  return out;
}

}  // namespace emorph
