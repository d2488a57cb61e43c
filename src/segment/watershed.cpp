// Meyer 1991, "Un algorithme optimal de ligne de partage des eaux": priority flood from the markers,
// each voxel labelled when first reached (as scikit-image's watershed), ties resolved by age.
#include "emorph/segment/watershed.hpp"

#include <queue>
#include <vector>

#include "emorph/measure/components.hpp"

namespace emorph {
namespace {

struct NeighbourTable {
  std::vector<std::array<int, 3>> d;
  std::vector<int64_t> delta;  // linear offset in a contiguous volume
};

NeighbourTable make_neighbours(int connectivity, const Shape& s) {
  NeighbourTable t;
  t.d = neighbour_offsets(connectivity, false, "watershed");
  for (const auto& o : t.d) t.delta.push_back((o[0] * s.ny + o[1]) * s.nx + o[2]);
  return t;
}

// Calls f(neighbour linear index) for each in-bounds neighbour of voxel i.
template <class F>
inline void for_neighbours(const NeighbourTable& t, const Shape& s, int64_t i, F&& f) {
  const int64_t x = i % s.nx, y = (i / s.nx) % s.ny, z = i / (s.nx * s.ny);
  const bool interior = x > 0 && x < s.nx - 1 && y > 0 && y < s.ny - 1 && z > 0 && z < s.nz - 1;
  for (std::size_t k = 0; k < t.d.size(); ++k) {
    if (!interior) {
      const int64_t zz = z + t.d[k][0], yy = y + t.d[k][1], xx = x + t.d[k][2];
      if (zz < 0 || zz >= s.nz || yy < 0 || yy >= s.ny || xx < 0 || xx >= s.nx) continue;
    }
    f(i + t.delta[k]);
  }
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
  const NeighbourTable nb = make_neighbours(params.connectivity, s);
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
        const uint32_t m = (mask && !mask[i]) ? 0 : markers(z, y, x);
        lab[i] = m;
        if (m != 0) queue.push({relief[i], age++, i});
      }
  while (!queue.empty()) {
    const Entry e = queue.top();
    queue.pop();
    const uint32_t l = lab[e.index];
    for_neighbours(nb, s, e.index, [&](int64_t n) {
      if (lab[n] != 0 || (mask && !mask[n])) return;
      lab[n] = l;
      queue.push({relief[n], age++, n});
    });
  }
  return out;
}

void watershed_levels_inplace(VolumeView<const uint16_t> levels, VolumeView<const uint8_t> mask,
                              VolumeView<uint32_t> labels, const WatershedParams& params) {
  check_shapes(levels.shape(), labels.shape(), mask);
  require(levels.is_contiguous() && labels.is_contiguous() && (mask.empty() || mask.is_contiguous()),
          "watershed: level, label and mask volumes must be contiguous");
  const Shape s = levels.shape();
  const NeighbourTable nb = make_neighbours(params.connectivity, s);
  const uint16_t* lev = levels.data();
  const uint8_t* m = mask.empty() ? nullptr : mask.data();
  uint32_t* lab = labels.data();
  const int64_t n = s.voxels();
  // One FIFO per level; `current` is the lowest level that may hold entries.
  std::vector<std::vector<int64_t>> bucket(65536);
  std::vector<std::size_t> head(65536, 0);
  int current = 65536;
  for (int64_t i = 0; i < n; ++i) {
    if (lab[i] == 0) continue;
    if (m && !m[i]) {
      lab[i] = 0;
      continue;
    }
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
    const int64_t i = b[h++];
    const uint32_t l = lab[i];
    int lowest = current;
    for_neighbours(nb, s, i, [&](int64_t j) {
      if (lab[j] != 0 || (m && !m[j])) return;
      lab[j] = l;
      bucket[lev[j]].push_back(j);
      lowest = std::min<int>(lowest, lev[j]);
    });
    current = lowest;
  }
}

}  // namespace emorph
