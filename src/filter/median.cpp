// 3D median by a pruned Batcher odd-even merge sorting network (Batcher 1968), applied element-wise to
// whole rows so the min/max comparators vectorise across x; pruned to the comparators the median
// depends on (constant padding propagated, dead outputs dropped). Edges reflected like scipy.ndimage.
#include "emorph/filter/median.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "emorph/error.hpp"
#include "emorph/parallel.hpp"
#include "filter_support.hpp"

namespace emorph {

namespace {

std::vector<std::pair<int, int>> batcher_network(int n) {  // n a power of two
  std::vector<std::pair<int, int>> c;
  for (int p = 1; p < n; p <<= 1)
    for (int k = p; k >= 1; k >>= 1)
      for (int j = k % p; j + k < n; j += 2 * k)
        for (int i = 0; i < std::min(k, n - j - k); ++i)
          if ((i + j) / (2 * p) == (i + j + k) / (2 * p)) c.emplace_back(i + j, i + j + k);
  return c;
}

using detail::reflect;

constexpr int64_t kBlock = 256;  // x values per pass: the n work rows stay in L1/L2

// Separate functions with restrict-qualified parameters: GCC then if-converts and vectorises them.
template <class T>
void compare_exchange(T* __restrict a, T* __restrict b, int64_t len) {
  for (int64_t x = 0; x < len; ++x) {
    const T u = a[x], v = b[x];
    const T lo = std::min(u, v);
    a[x] = lo;
    // For integers the maximum as u ^ v ^ min keeps the loop free of the branch GCC otherwise emits.
    if constexpr (std::is_integral_v<T>)
      b[x] = static_cast<T>(u ^ v ^ lo);
    else
      b[x] = std::max(u, v);
  }
}
template <class T>
void keep_min(T* __restrict a, const T* __restrict b, int64_t len) {
  for (int64_t x = 0; x < len; ++x) a[x] = std::min(a[x], b[x]);
}
template <class T>
void keep_max(const T* __restrict a, T* __restrict b, int64_t len) {
  for (int64_t x = 0; x < len; ++x) b[x] = std::max(a[x], b[x]);
}

template <class T>
void run_network(const MedianNetwork& net, std::vector<T*>& slot, int64_t len) {
  for (const auto& op : net.ops) {
    if (op.kind == 0)
      compare_exchange(slot[op.lo], slot[op.hi], len);
    else if (op.kind == 1)
      keep_min(slot[op.lo], slot[op.hi], len);
    else
      keep_max(slot[op.lo], slot[op.hi], len);
  }
}

}  // namespace

MedianNetwork median_network(int n) {
  require(n >= 1 && n % 2 == 1, "median network needs an odd number of values");
  int size = 1;
  while (size < n) size <<= 1;
  // Wires >= n hold +infinity: they sort to the top, so the median of the n real values is wire n/2.
  std::vector<int> wire_slot(size, -1);
  for (int w = 0; w < n; ++w) wire_slot[w] = w;
  std::vector<MedianNetwork::Op> ops;
  for (auto [i, j] : batcher_network(size)) {
    const int si = wire_slot[i], sj = wire_slot[j];
    if (sj < 0) continue;  // min(x, inf) = x stays on wire i
    if (si < 0) {          // the value moves down, infinity up: a relabelling, no work
      wire_slot[i] = sj;
      wire_slot[j] = -1;
      continue;
    }
    ops.push_back({si, sj, 0});
  }
  MedianNetwork net;
  net.output = wire_slot[n / 2];
  std::vector<bool> live(n, false);
  live[net.output] = true;
  for (auto it = ops.rbegin(); it != ops.rend(); ++it) {
    const bool lo = live[it->lo], hi = live[it->hi];
    if (!lo && !hi) continue;
    net.ops.push_back({it->lo, it->hi, lo && hi ? 0 : (lo ? 1 : 2)});
    live[it->lo] = live[it->hi] = true;
  }
  std::reverse(net.ops.begin(), net.ops.end());
  return net;
}

template <class T>
Volume<T> median_filter(VolumeView<const T> in, const MedianParams& params) {
  require(params.radius >= 1 && params.radius <= 2,
          "median radius must be 1 (3x3x3) or 2 (5x5x5), got " + std::to_string(params.radius));
  require(!in.empty(), "median: the volume is empty");
  const int r = params.radius, w = 2 * r + 1, n = w * w * w;
  const MedianNetwork net = median_network(n);
  Volume<T> out(in.shape(), in.spacing(), in.thickness_axis());
  const int64_t nz = in.nz(), ny = in.ny(), nx = in.nx(), sx = in.strides().sx;
#pragma omp parallel num_threads(thread_count())
  {
    std::vector<T> buffer(static_cast<std::size_t>(n) * kBlock);
    std::vector<T*> slot(n);
#pragma omp for schedule(static)
    for (int64_t row = 0; row < nz * ny; ++row) {
      const int64_t z = row / ny, y = row % ny;
      for (int64_t x0 = 0; x0 < nx; x0 += kBlock) {
        const int64_t len = std::min(kBlock, nx - x0);
        int k = 0;
        for (int dz = -r; dz <= r; ++dz)
          for (int dy = -r; dy <= r; ++dy) {
            const T* src = in.row(reflect(z + dz, nz), reflect(y + dy, ny));
            for (int dx = -r; dx <= r; ++dx, ++k) {
              T* dst = buffer.data() + static_cast<int64_t>(k) * kBlock;
              slot[k] = dst;
              const int64_t first = x0 + dx;
              if (sx == 1 && first >= 0 && first + len <= nx) {
                std::memcpy(dst, src + first, static_cast<std::size_t>(len) * sizeof(T));
              } else {
                for (int64_t x = 0; x < len; ++x) dst[x] = src[reflect(first + x, nx) * sx];
              }
            }
          }
        run_network(net, slot, len);
        std::memcpy(&out(z, y, x0), slot[net.output], static_cast<std::size_t>(len) * sizeof(T));
      }
    }
  }
  return out;
}

#define EMORPH_MEDIAN(T) template Volume<T> median_filter(VolumeView<const T>, const MedianParams&);
EMORPH_FILTER_FOR_EACH_TYPE(EMORPH_MEDIAN)

}  // namespace emorph
