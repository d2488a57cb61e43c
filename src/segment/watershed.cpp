// Meyer 1991, "Un algorithme optimal de ligne de partage des eaux": priority flood from the markers,
// each voxel labelled when first reached (as scikit-image's watershed), ties resolved by age.
#include "emorph/segment/watershed.hpp"

#include <algorithm>
#include <queue>
#include <vector>

#include "neighbours.hpp"

namespace emorph {
namespace {

using detail::for_neighbours;

// Voxels outside the mask hold this label while flooding, so one load tells "taken or outside".
constexpr uint32_t kOutside = 0xFFFFFFFFu;
constexpr std::size_t kPrefetchAhead = 8;

void clear_outside(uint32_t* lab, int64_t n) {
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < n; ++i)
    if (lab[i] == kOutside) lab[i] = 0;
}

void check_shapes(const Shape& relief, const Shape& markers, VolumeView<const uint8_t> mask) {
  require(markers == relief, "watershed: markers shape " + markers.str() + " differs from relief shape " + relief.str());
  require(mask.empty() || mask.shape() == relief,
          "watershed: mask shape " + mask.shape().str() + " differs from relief shape " + relief.str());
}

}  // namespace

Volume<uint32_t> watershed(VolumeView<const float> relief_view, VolumeView<const uint32_t> markers,
                           VolumeView<const uint8_t> mask_view, const WatershedParams& params) {
  check_shapes(relief_view.shape(), markers.shape(), mask_view);
  const Shape s = relief_view.shape();
  const detail::NeighbourTable nb = detail::make_neighbours(params.connectivity, s, false, "watershed");
  // Contiguous copies only when the caller passed strided views.
  Volume<float> relief_copy;
  const float* relief = relief_view.data();
  if (!relief_view.is_contiguous()) {
    relief_copy = to_volume(relief_view);
    relief = relief_copy.data();
  }
  Volume<uint8_t> mask_copy;
  const uint8_t* mask = nullptr;
  if (!mask_view.empty()) {
    mask = mask_view.data();
    if (!mask_view.is_contiguous()) {
      mask_copy = to_volume(mask_view);
      mask = mask_copy.data();
    }
  }
  Volume<uint32_t> out(s, relief_view.spacing(), relief_view.thickness_axis());
  uint32_t* lab = out.data();
  struct Entry {
    float value;
    uint64_t age;
    int64_t index;
    bool operator>(const Entry& o) const { return value > o.value || (value == o.value && age > o.age); }
  };
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> queue;
  uint64_t age = 0;
  int64_t i = 0;
  for (int64_t z = 0; z < s.nz; ++z)
    for (int64_t y = 0; y < s.ny; ++y)
      for (int64_t x = 0; x < s.nx; ++x, ++i) {
        if (mask && !mask[i]) {
          lab[i] = kOutside;
          continue;
        }
        const uint32_t m = markers(z, y, x);
        require(m != kOutside, "watershed: marker label 4294967295 is reserved");
        lab[i] = m;
        if (m != 0) queue.push({relief[i], age++, i});
      }
  while (!queue.empty()) {
    const Entry e = queue.top();
    queue.pop();
    const uint32_t l = lab[e.index];
    for_neighbours(nb, s, e.index, [&](int64_t n) {
      if (lab[n] != 0) return;
      lab[n] = l;
      queue.push({relief[n], age++, n});
    });
  }
  if (mask) clear_outside(lab, s.voxels());
  return out;
}

void watershed_levels_inplace(VolumeView<const uint16_t> levels, VolumeView<const uint8_t> mask,
                              VolumeView<uint32_t> labels, const WatershedParams& params) {
  check_shapes(levels.shape(), labels.shape(), mask);
  require(levels.is_contiguous() && labels.is_contiguous() && (mask.empty() || mask.is_contiguous()),
          "watershed: level, label and mask volumes must be contiguous");
  const Shape s = levels.shape();
  const detail::NeighbourTable nb = detail::make_neighbours(params.connectivity, s, false, "watershed");
  const uint16_t* lev = levels.data();
  const uint8_t* m = mask.empty() ? nullptr : mask.data();
  uint32_t* lab = labels.data();
  const int64_t n = s.voxels();
  const int64_t prefetch_delta[] = {-s.nx * s.ny, -s.nx, 0, s.nx, s.nx * s.ny};
  // One FIFO per level; `current` is the lowest level that may hold entries.
  std::vector<std::vector<int64_t>> bucket(65536);
  std::vector<std::size_t> head(65536, 0);
  int current = 65536;
  for (int64_t i = 0; i < n; ++i) {
    if (m && !m[i]) {
      lab[i] = kOutside;
      continue;
    }
    if (lab[i] == 0) continue;
    require(lab[i] != kOutside, "watershed: marker label 4294967295 is reserved");
    bucket[lev[i]].push_back(i);
    current = std::min<int>(current, lev[i]);
  }
  while (current < 65536) {
    auto& b = bucket[static_cast<std::size_t>(current)];
    auto& h = head[static_cast<std::size_t>(current)];
    if (h == b.size()) {
      b.clear();
      h = 0;
      ++current;
      continue;
    }
    // The queue visits voxels scattered over the volume: fetch the neighbourhood of a voxel a few
    // pops ahead so that its cache misses overlap with this voxel's work.
    if (h + kPrefetchAhead < b.size()) {
      const int64_t a = b[h + kPrefetchAhead];
      for (const int64_t d : prefetch_delta) {
        const int64_t k = std::clamp<int64_t>(a + d, 0, n - 1);
        __builtin_prefetch(lab + k, 0, 1);
        __builtin_prefetch(lev + k, 0, 1);
      }
    }
    const int64_t i = b[h++];
    const uint32_t l = lab[i];
    int lowest = current;
    for_neighbours(nb, s, i, [&](int64_t j) {
      if (lab[j] != 0) return;
      lab[j] = l;
      bucket[lev[j]].push_back(j);
      lowest = std::min<int>(lowest, lev[j]);
    });
    current = lowest;
  }
  if (m) clear_outside(lab, n);
}

}  // namespace emorph
