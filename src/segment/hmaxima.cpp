// Vincent 1993, "Morphological grayscale reconstruction in image analysis: applications and
// efficient algorithms" (hybrid algorithm), then regional maxima of the reconstructed h-dome cut.
#include "emorph/segment/hmaxima.hpp"

#include <algorithm>
#include <deque>
#include <vector>

#include "neighbours.hpp"

namespace emorph {

void reconstruct_by_dilation_inplace(VolumeView<const uint16_t> mask, VolumeView<uint16_t> marker, int connectivity) {
  require(mask.shape() == marker.shape(), "reconstruction: marker and mask shapes differ");
  require(mask.is_contiguous() && marker.is_contiguous(), "reconstruction: volumes must be contiguous");
  const Shape s = mask.shape();
  const auto back = detail::make_neighbours(connectivity, s, true, "reconstruction");
  const uint16_t* I = mask.data();
  uint16_t* J = marker.data();
  // Forward raster scan over the already-visited half of the neighbourhood.
  int64_t i = 0;
  for (int64_t z = 0; z < s.nz; ++z)
    for (int64_t y = 0; y < s.ny; ++y)
      for (int64_t x = 0; x < s.nx; ++x, ++i) {
        if (I[i] == 0) continue;
        uint16_t v = J[i];
        detail::for_neighbours_at(back, s, z, y, x, i, [&](int64_t q) { v = std::max(v, J[q]); });
        J[i] = std::min(v, I[i]);
      }
  // Backward scan, queueing voxels that can still raise a forward neighbour.
  std::deque<int64_t> fifo;
  i = s.voxels() - 1;
  for (int64_t z = s.nz - 1; z >= 0; --z)
    for (int64_t y = s.ny - 1; y >= 0; --y)
      for (int64_t x = s.nx - 1; x >= 0; --x, --i) {
        if (I[i] == 0) continue;
        uint16_t v = J[i];
        detail::for_neighbours_at(back, s, z, y, x, i, [&](int64_t q) { v = std::max(v, J[q]); }, -1);
        v = std::min(v, I[i]);
        J[i] = v;
        bool push = false;
        detail::for_neighbours_at(back, s, z, y, x, i, [&](int64_t q) { push |= J[q] < v && J[q] < I[q]; }, -1);
        if (push) fifo.push_back(i);
      }
  const auto all = detail::make_neighbours(connectivity, s, false, "reconstruction");
  while (!fifo.empty()) {
    const int64_t p = fifo.front();
    fifo.pop_front();
    detail::for_neighbours(all, s, p, [&](int64_t q) {
      if (J[q] < J[p] && J[q] != I[q]) {
        J[q] = std::min(J[p], I[q]);
        fifo.push_back(q);
      }
    });
  }
}

ComponentsResult h_maxima_markers(VolumeView<const uint16_t> f_view, const HMaximaParams& params) {
  require(params.h >= 1, "h-maxima: h must be at least 1");
  Volume<uint16_t> f_copy;
  VolumeView<const uint16_t> f = f_view;
  if (!f.is_contiguous()) {
    f_copy = to_volume(f_view);
    f = f_copy.view();
  }
  const Shape s = f.shape();
  const int64_t n = s.voxels();
  // Marker f - h, floored at 1 so that every object keeps a (flat) top even when shallower than h.
  Volume<uint16_t> rec(s, f.spacing(), f.thickness_axis());
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < n; ++i) {
    const uint16_t v = f.data()[i];
    rec.data()[i] = v == 0 ? 0 : static_cast<uint16_t>(std::max<int>(1, int(v) - int(params.h)));
  }
  reconstruct_by_dilation_inplace(f, rec.view(), params.connectivity);

  // Regional maxima of rec within the object: no higher neighbour anywhere on the plateau.
  const auto all = detail::make_neighbours(params.connectivity, s, false, "h-maxima");
  const uint16_t* J = rec.data();
  Volume<uint8_t> top(s, f.spacing(), f.thickness_axis());
  uint8_t* T = top.data();
#pragma omp parallel for schedule(static)
  for (int64_t zy = 0; zy < s.nz * s.ny; ++zy) {
    const int64_t z = zy / s.ny, y = zy % s.ny;
    for (int64_t x = 0, i = zy * s.nx; x < s.nx; ++x, ++i) {
      if (J[i] == 0) {
        T[i] = 0;
        continue;
      }
      bool higher = false;
      detail::for_neighbours_at(all, s, z, y, x, i, [&](int64_t q) { higher |= J[q] > J[i]; });
      T[i] = !higher;
    }
  }
  // A candidate touching an equal-valued non-candidate lies on a plateau that is not a maximum.
  // Found in parallel (per-thread lists, merged), then removed plateau by plateau; the order of
  // removal does not change the result.
  std::vector<int64_t> stack;
#pragma omp parallel
  {
    std::vector<int64_t> mine;
#pragma omp for schedule(static) nowait
    for (int64_t zy = 0; zy < s.nz * s.ny; ++zy) {
      const int64_t z = zy / s.ny, y = zy % s.ny;
      for (int64_t x = 0, i = zy * s.nx; x < s.nx; ++x, ++i) {
        if (!T[i]) continue;
        bool tainted = false;
        detail::for_neighbours_at(all, s, z, y, x, i, [&](int64_t q) { tainted |= J[q] == J[i] && !T[q]; });
        if (tainted) mine.push_back(i);
      }
    }
#pragma omp critical
    stack.insert(stack.end(), mine.begin(), mine.end());
  }
  for (int64_t i : stack) T[i] = 2;  // 2: being removed
  while (!stack.empty()) {
    const int64_t p = stack.back();
    stack.pop_back();
    T[p] = 0;
    detail::for_neighbours(all, s, p, [&](int64_t q) {
      if (T[q] == 1 && J[q] == J[p]) {
        T[q] = 2;
        stack.push_back(q);
      }
    });
  }
  rec = Volume<uint16_t>();
  return label_components(top.view(), {params.connectivity});
}

}  // namespace emorph
