// Wu, Otoo & Suzuki 2009, "Optimizing two-pass connected-component labeling algorithms": raster scan
// with union-find over provisional labels, here per z-slab in parallel, then the slab borders are
// merged and labels renumbered by first voxel in raster order (deterministic for any thread count).
#include "emorph/measure/components.hpp"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <limits>
#include <string>

namespace emorph {
uint32_t union_find_root(std::vector<uint32_t>& parent, uint32_t i) {
  uint32_t r = i;
  while (parent[r] != r) r = parent[r];
  while (parent[i] != r) {
    const uint32_t next = parent[i];
    parent[i] = r;
    i = next;
  }
  return r;
}

// Links the two trees; the smaller root (created first) stays the root.
uint32_t union_find_unite(std::vector<uint32_t>& parent, uint32_t a, uint32_t b) {
  a = union_find_root(parent, a);
  b = union_find_root(parent, b);
  if (a == b) return a;
  if (a < b) {
    parent[b] = a;
    return a;
  }
  parent[a] = b;
  return b;
}


ComponentsResult label_components(VolumeView<const uint8_t> mask, const ComponentsParams& params) {
  const auto offsets = neighbour_offsets(params.connectivity, true, "label_components");
  std::vector<std::array<int, 3>> ahead;
  for (const auto& d : offsets)
    if (d[2] == 1) ahead.push_back(d);
  const bool shortcut = params.connectivity == 26;
  ComponentsResult result;
  result.labels = Volume<uint32_t>(mask.shape(), mask.spacing(), mask.thickness_axis());
  if (mask.empty()) return result;
  VolumeView<uint32_t> out = result.labels.view();
  const int64_t nz = mask.nz(), ny = mask.ny(), nx = mask.nx();
  const int64_t nslabs = std::max<int64_t>(1, std::min<int64_t>(nz, 4 * omp_get_max_threads()));
  std::vector<int64_t> slab_z0(static_cast<std::size_t>(nslabs) + 1);
  for (int64_t s = 0; s <= nslabs; ++s) slab_z0[static_cast<std::size_t>(s)] = nz * s / nslabs;

  // Pass 1: provisional labels per slab (1-based local ids), with a local union-find each.
  std::vector<std::vector<uint32_t>> local_parent(static_cast<std::size_t>(nslabs));
  std::vector<char> overflow(static_cast<std::size_t>(nslabs), 0);
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t s = 0; s < nslabs; ++s) {
    auto& parent = local_parent[static_cast<std::size_t>(s)];
    parent.assign(1, 0);
    const int64_t z0 = slab_z0[static_cast<std::size_t>(s)], z1 = slab_z0[static_cast<std::size_t>(s) + 1];
    uint32_t neighbours[14];
    for (int64_t z = z0; z < z1 && !overflow[static_cast<std::size_t>(s)]; ++z)
      for (int64_t y = 0; y < ny; ++y) {
        const uint8_t* m = mask.row(z, y);
        uint32_t* o = out.row(z, y);
        const int64_t msx = mask.strides().sx, osx = out.strides().sx;
        uint32_t previous = 0;  // provisional label of (z, y, x - 1), 0 when background
        for (int64_t x = 0; x < nx; ++x) {
          if (m[x * msx] == 0) {
            o[x * osx] = 0;
            previous = 0;
            continue;
          }
          // With 26-connectivity every backward neighbour at dx <= 0 is also a neighbour of (x - 1):
          // when that voxel is foreground they are already merged with it, only dx = +1 remains.
          const auto& candidates = (previous != 0 && shortcut) ? ahead : offsets;
          int found = 0;
          if (previous != 0) neighbours[found++] = previous;
          for (const auto& d : candidates) {
            const int64_t zz = z + d[0], yy = y + d[1], xx = x + d[2];
            if (zz < z0 || yy < 0 || yy >= ny || xx < 0 || xx >= nx) continue;
            const uint32_t l = out(zz, yy, xx);
            if (l != 0 && (found == 0 || l != neighbours[found - 1])) neighbours[found++] = l;
          }
          uint32_t label;
          if (found == 0) {
            if (parent.size() >= std::numeric_limits<uint32_t>::max() - 1) {
              overflow[static_cast<std::size_t>(s)] = 1;
              break;
            }
            label = static_cast<uint32_t>(parent.size());
            parent.push_back(label);
          } else {
            label = neighbours[0];
            for (int i = 1; i < found; ++i)
              if (neighbours[i] != label) label = union_find_unite(parent, label, neighbours[i]);
          }
          o[x * osx] = label;
          previous = label;
        }
      }
  }
  for (char f : overflow) require(!f, "label_components: too many provisional labels (more than 2^32 - 2)");

  // Global provisional ids: slab s's local id i becomes offset[s] + i.
  std::vector<uint64_t> offset(static_cast<std::size_t>(nslabs) + 1, 0);
  for (int64_t s = 0; s < nslabs; ++s)
    offset[static_cast<std::size_t>(s) + 1] = offset[static_cast<std::size_t>(s)] + local_parent[static_cast<std::size_t>(s)].size() - 1;
  require(offset.back() < std::numeric_limits<uint32_t>::max() - 1,
          "label_components: too many provisional labels (more than 2^32 - 2)");
  std::vector<uint32_t> parent(static_cast<std::size_t>(offset.back()) + 1);
  parent[0] = 0;
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t s = 0; s < nslabs; ++s) {
    auto& lp = local_parent[static_cast<std::size_t>(s)];
    const auto off = static_cast<uint32_t>(offset[static_cast<std::size_t>(s)]);
    for (uint32_t i = 1; i < lp.size(); ++i) parent[off + i] = off + union_find_root(lp, i);
  }

  // Merge across slab borders: the first plane of slab s against the last plane of slab s - 1.
  for (int64_t s = 1; s < nslabs; ++s) {
    const int64_t z = slab_z0[static_cast<std::size_t>(s)];
    const auto off = static_cast<uint32_t>(offset[static_cast<std::size_t>(s)]);
    const auto off_prev = static_cast<uint32_t>(offset[static_cast<std::size_t>(s) - 1]);
    for (int64_t y = 0; y < ny; ++y)
      for (int64_t x = 0; x < nx; ++x) {
        const uint32_t l = out(z, y, x);
        if (l == 0) continue;
        for (const auto& d : offsets) {
          if (d[0] != -1) continue;
          const int64_t yy = y + d[1], xx = x + d[2];
          if (yy < 0 || yy >= ny || xx < 0 || xx >= nx) continue;
          const uint32_t p = out(z - 1, yy, xx);
          if (p != 0) union_find_unite(parent, off + l, off_prev + p);
        }
      }
  }

  // Final numbering: provisional ids are created in raster order within a slab and slabs are in
  // z order, so the first id met of each tree is its component's first voxel.
  std::vector<uint32_t> final_id(parent.size(), 0);
  uint32_t next = 0;
  for (uint32_t g = 1; g < parent.size(); ++g) {
    const uint32_t r = union_find_root(parent, g);
    if (final_id[r] == 0) final_id[r] = ++next;
    final_id[g] = final_id[r];
  }
  result.count = next;
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t s = 0; s < nslabs; ++s) {
    const auto off = static_cast<uint32_t>(offset[static_cast<std::size_t>(s)]);
    for (int64_t z = slab_z0[static_cast<std::size_t>(s)]; z < slab_z0[static_cast<std::size_t>(s) + 1]; ++z)
      for (int64_t y = 0; y < ny; ++y) {
        uint32_t* o = out.row(z, y);
        for (int64_t x = 0; x < nx; ++x)
          if (o[x] != 0) o[x] = final_id[off + o[x]];
      }
  }
  return result;
}

Volume<uint8_t> label_mask(VolumeView<const uint8_t> labels, uint8_t label) {
  Volume<uint8_t> mask(labels.shape(), labels.spacing(), labels.thickness_axis());
  const int64_t rows = labels.nz() * labels.ny(), nx = labels.nx();
#pragma omp parallel for schedule(static)
  for (int64_t r = 0; r < rows; ++r) {
    const uint8_t* src = labels.row(r / labels.ny(), r % labels.ny());
    uint8_t* dst = mask.data() + r * nx;
    for (int64_t x = 0; x < nx; ++x) dst[x] = src[x * labels.strides().sx] == label;
  }
  return mask;
}

Volume<uint8_t> nonzero_mask(const AnyVolume& volume) {
  return volume.visit([](const auto& v) {
    Volume<uint8_t> mask(v.shape(), v.spacing(), v.thickness_axis());
    const auto* src = v.data();
    uint8_t* dst = mask.data();
    const int64_t n = v.size();
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; ++i) dst[i] = !(src[i] == 0);
    return mask;
  });
}

std::array<double, 3> ComponentStats::centroid(uint32_t l) const {
  const double n = static_cast<double>(voxels[l]);
  return {static_cast<double>(sum[l][0]) / n, static_cast<double>(sum[l][1]) / n, static_cast<double>(sum[l][2]) / n};
}

namespace {

void atomic_min(int64_t& target, int64_t value) {
  std::atomic_ref<int64_t> a(target);
  int64_t seen = a.load(std::memory_order_relaxed);
  while (value < seen && !a.compare_exchange_weak(seen, value, std::memory_order_relaxed)) {
  }
}

void atomic_max(int64_t& target, int64_t value) {
  std::atomic_ref<int64_t> a(target);
  int64_t seen = a.load(std::memory_order_relaxed);
  while (value > seen && !a.compare_exchange_weak(seen, value, std::memory_order_relaxed)) {
  }
}

void atomic_add(int64_t& target, int64_t value) {
  std::atomic_ref<int64_t>(target).fetch_add(value, std::memory_order_relaxed);
}

}  // namespace

ComponentStats new_component_statistics(uint32_t count) {
  const std::size_t n = static_cast<std::size_t>(count) + 1;
  ComponentStats st;
  st.voxels.assign(n, 0);
  st.sum.assign(n, {0, 0, 0});
  st.bbox.assign(n, {std::numeric_limits<int64_t>::max(), 0, std::numeric_limits<int64_t>::max(), 0,
                     std::numeric_limits<int64_t>::max(), 0});
  st.touches_border.assign(n, 0);
  return st;
}

bool add_component_statistics(VolumeView<const uint32_t> labels, int64_t z0, int64_t volume_nz, ComponentStats& st) {
  const uint32_t count = static_cast<uint32_t>(st.voxels.size() - 1);
  const int64_t ny = labels.ny(), nx = labels.nx();
  bool bad = false;
  for (int64_t zl = 0; zl < labels.nz(); ++zl)
    for (int64_t y = 0; y < ny; ++y) {
      const int64_t z = z0 + zl;
      const uint32_t* row = labels.row(zl, y);
      const int64_t sx = labels.strides().sx;
      const bool edge_row = z == 0 || z == volume_nz - 1 || y == 0 || y == ny - 1;
      for (int64_t x = 0; x < nx; ++x) {
        const uint32_t l = row[x * sx];
        if (l == 0) continue;
        if (l > count) {
          bad = true;
          continue;
        }
        st.voxels[l] += 1;
        st.sum[l][0] += z;
        st.sum[l][1] += y;
        st.sum[l][2] += x;
        auto& b = st.bbox[l];
        b[0] = std::min(b[0], z), b[1] = std::max(b[1], z + 1);
        b[2] = std::min(b[2], y), b[3] = std::max(b[3], y + 1);
        b[4] = std::min(b[4], x), b[5] = std::max(b[5], x + 1);
        if (edge_row || x == 0 || x == nx - 1) st.touches_border[l] = 1;
      }
    }
  return !bad;
}

void finish_component_statistics(ComponentStats& st) {
  for (std::size_t l = 1; l < st.voxels.size(); ++l)
    if (st.voxels[l] == 0) st.bbox[l] = {0, 0, 0, 0, 0, 0};
}

// One set of per-label arrays shared by the threads (memory O(labels), whatever the thread count):
// each thread reads whole rows and adds every run of one label with a few relaxed atomics. Sums,
// minima and maxima of integers do not depend on the order, so the result is the same for any
// number of threads, and no per-thread copy has to be sized or merged.
ComponentStats component_statistics(VolumeView<const uint32_t> labels, uint32_t count) {
  const int64_t nz = labels.nz(), ny = labels.ny(), nx = labels.nx();
  const int64_t sx = labels.strides().sx;
  ComponentStats out = new_component_statistics(count);
  bool bad_label = false;
#pragma omp parallel for schedule(static) reduction(|| : bad_label)
  for (int64_t z = 0; z < nz; ++z)
    for (int64_t y = 0; y < ny; ++y) {
      const uint32_t* row = labels.row(z, y);
      const bool edge_row = z == 0 || z == nz - 1 || y == 0 || y == ny - 1;
      for (int64_t x = 0; x < nx;) {
        const uint32_t l = row[x * sx];
        if (l == 0 || l > count) {
          bad_label = bad_label || l > count;
          ++x;
          continue;
        }
        const int64_t x0 = x;
        while (x < nx && row[x * sx] == l) ++x;
        const int64_t run = x - x0;  // voxels x0 .. x - 1
        atomic_add(out.voxels[l], run);
        atomic_add(out.sum[l][0], z * run);
        atomic_add(out.sum[l][1], y * run);
        atomic_add(out.sum[l][2], run * (x0 + x - 1) / 2);  // x0 + ... + (x - 1): run * (x0 + x - 1) is even
        auto& box = out.bbox[l];
        atomic_min(box[0], z), atomic_max(box[1], z + 1);
        atomic_min(box[2], y), atomic_max(box[3], y + 1);
        atomic_min(box[4], x0), atomic_max(box[5], x);
        if (edge_row || x0 == 0 || x == nx) std::atomic_ref<uint8_t>(out.touches_border[l]).store(1, std::memory_order_relaxed);
      }
    }
  require(!bad_label, "component statistics: label volume holds labels above the count " + std::to_string(count));
  finish_component_statistics(out);
  return out;
}

}  // namespace emorph
