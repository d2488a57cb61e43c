// Connected-component labelling by union-find (Wu, Otoo & Suzuki 2009, "Optimizing two-pass
// connected-component labeling algorithms"), run per z-slab in parallel and merged across slab
// boundaries; components are then classed by the faces they touch (TauFactor / PoreSpy percolation).
#include "emorph/transport/connectivity.hpp"

#include <omp.h>

#include <algorithm>
#include <array>
#include <limits>
#include <string>

namespace emorph {

double ConnectivityResult::percolating_fraction() const {
  return phase_voxels ? double(percolating_voxels) / double(phase_voxels) : 0.0;
}
double ConnectivityResult::dead_end_fraction() const {
  return phase_voxels ? double(dead_end_voxels) / double(phase_voxels) : 0.0;
}
double ConnectivityResult::isolated_fraction() const {
  return phase_voxels ? double(isolated_voxels) / double(phase_voxels) : 0.0;
}

namespace {

struct Offset {
  int dz, dy, dx;
};

// Neighbours that precede a voxel in raster order: the half of the neighbourhood a two-pass scan visits.
std::vector<Offset> backward_offsets(int connectivity) {
  if (connectivity == 6) return {{-1, 0, 0}, {0, -1, 0}, {0, 0, -1}};
  std::vector<Offset> out;
  for (int dz = -1; dz <= 0; ++dz)
    for (int dy = -1; dy <= 1; ++dy)
      for (int dx = -1; dx <= 1; ++dx) {
        const bool before = dz < 0 || (dz == 0 && (dy < 0 || (dy == 0 && dx < 0)));
        if (before) out.push_back({dz, dy, dx});
      }
  return out;
}

// Parent forest over linear voxel indices. Invariant: parent[i] <= i (roots are the smallest index of
// their tree), which lets one raster-order pass flatten a slab. After the unions, roots are re-encoded
// as kRootBase + face flags so that the final pass can read flags without a second array.
template <class Index>
class Forest {
 public:
  static constexpr Index kRootBase = std::numeric_limits<Index>::max() - 3;

  explicit Forest(int64_t n) : parent_(new Index[static_cast<std::size_t>(n)]) {}

  void make(int64_t i) { parent_[i] = static_cast<Index>(i); }
  Index find(Index i) {
    while (parent_[i] != i) {
      parent_[i] = parent_[parent_[i]];
      i = parent_[i];
    }
    return i;
  }
  void unite(Index a, Index b) {
    a = find(a);
    b = find(b);
    if (a == b) return;
    if (a < b) std::swap(a, b);
    parent_[a] = b;
  }
  void flatten(int64_t i) { parent_[i] = parent_[parent_[i]]; }
  bool is_root(int64_t i) const { return parent_[i] == static_cast<Index>(i); }
  void mark_root(int64_t i) { parent_[i] = kRootBase; }
  // After mark_root: follows links without writing (safe from many threads).
  Index encoded_root(Index i) const {
    while (parent_[i] < kRootBase) i = parent_[i];
    return i;
  }
  unsigned flags(Index root) const { return static_cast<unsigned>(parent_[root] - kRootBase); }
  void add_flag(Index root, unsigned bit) { parent_[root] = static_cast<Index>(kRootBase + (flags(root) | bit)); }

 private:
  std::unique_ptr<Index[]> parent_;
};

template <class Index>
ConnectivityResult label_and_classify(VolumeView<const uint8_t> in, const std::array<bool, 256>& member,
                                      const ConnectivityParams& params) {
  const Shape shape = in.shape();
  const int64_t nz = shape.nz, ny = shape.ny, nx = shape.nx;
  const auto offsets = backward_offsets(params.connectivity);
  auto inside = [&](int64_t z, int64_t y, int64_t x) { return member[in(z, y, x)]; };
  auto index = [&](int64_t z, int64_t y, int64_t x) { return static_cast<Index>((z * ny + y) * nx + x); };

  Forest<Index> forest(shape.voxels());
  const int slabs = static_cast<int>(std::min<int64_t>(nz, std::max(1, omp_get_max_threads())));
  std::vector<int64_t> slab_start(slabs + 1);
  for (int s = 0; s <= slabs; ++s) slab_start[s] = nz * s / slabs;

  // Pass 1: union-find inside each slab; every write stays inside the slab.
#pragma omp parallel for schedule(static, 1)
  for (int s = 0; s < slabs; ++s) {
    const int64_t z0 = slab_start[s], z1 = slab_start[s + 1];
    for (int64_t z = z0; z < z1; ++z)
      for (int64_t y = 0; y < ny; ++y)
        for (int64_t x = 0; x < nx; ++x) {
          if (!inside(z, y, x)) continue;
          const Index i = index(z, y, x);
          forest.make(i);
          for (const Offset& o : offsets) {
            const int64_t zz = z + o.dz, yy = y + o.dy, xx = x + o.dx;
            if (zz < z0 || yy < 0 || yy >= ny || xx < 0 || xx >= nx) continue;
            if (inside(zz, yy, xx)) forest.unite(i, index(zz, yy, xx));
          }
        }
    for (int64_t z = z0; z < z1; ++z)
      for (int64_t y = 0; y < ny; ++y)
        for (int64_t x = 0; x < nx; ++x)
          if (inside(z, y, x)) forest.flatten(index(z, y, x));
  }

  // Pass 2: merge across slab boundaries, in slab order (serial; touches only the boundary planes).
  for (int s = 1; s < slabs; ++s) {
    const int64_t z = slab_start[s];
    for (int64_t y = 0; y < ny; ++y)
      for (int64_t x = 0; x < nx; ++x) {
        if (!inside(z, y, x)) continue;
        for (const Offset& o : offsets) {
          if (o.dz != -1) continue;
          const int64_t yy = y + o.dy, xx = x + o.dx;
          if (yy < 0 || yy >= ny || xx < 0 || xx >= nx) continue;
          if (inside(z - 1, yy, xx)) forest.unite(index(z, y, x), index(z - 1, yy, xx));
        }
      }
  }

  // Pass 3: re-encode roots (each thread writes only its own voxels), then flag the faces' components.
  int64_t components = 0;
#pragma omp parallel for reduction(+ : components) schedule(static)
  for (int64_t z = 0; z < nz; ++z)
    for (int64_t y = 0; y < ny; ++y)
      for (int64_t x = 0; x < nx; ++x) {
        const int64_t i = (z * ny + y) * nx + x;
        if (inside(z, y, x) && forest.is_root(i)) {
          forest.mark_root(i);
          ++components;
        }
      }
  const int axis = params.axis;
  const int64_t last = shape[axis] - 1;
  auto flag_face = [&](int64_t pos, unsigned bit) {
    const int64_t z0 = axis == 0 ? pos : 0, z1 = axis == 0 ? pos + 1 : nz;
    const int64_t y0 = axis == 1 ? pos : 0, y1 = axis == 1 ? pos + 1 : ny;
    const int64_t x0 = axis == 2 ? pos : 0, x1 = axis == 2 ? pos + 1 : nx;
    for (int64_t z = z0; z < z1; ++z)
      for (int64_t y = y0; y < y1; ++y)
        for (int64_t x = x0; x < x1; ++x)
          if (inside(z, y, x)) forest.add_flag(forest.encoded_root(index(z, y, x)), bit);
  };
  flag_face(0, 1u);
  flag_face(last, 2u);

  ConnectivityResult result;
  result.classes = Volume<uint8_t>(shape, in.spacing(), in.thickness_axis());
  uint8_t* out = result.classes.data();
  int64_t counts[4] = {0, 0, 0, 0};
  int64_t percolating_components = 0;
#pragma omp parallel for reduction(+ : counts[:4], percolating_components) schedule(static)
  for (int64_t z = 0; z < nz; ++z)
    for (int64_t y = 0; y < ny; ++y)
      for (int64_t x = 0; x < nx; ++x) {
        const int64_t i = (z * ny + y) * nx + x;
        uint8_t c = 0;
        if (inside(z, y, x)) {
          const Index root = forest.encoded_root(static_cast<Index>(i));
          const unsigned f = forest.flags(root);
          c = f == 3u ? 1 : f != 0u ? 2 : 3;
          if (c == 1 && root == static_cast<Index>(i)) ++percolating_components;
        }
        out[i] = c;
        ++counts[c];
      }
  result.phase_voxels = counts[1] + counts[2] + counts[3];
  result.percolating_voxels = counts[1];
  result.dead_end_voxels = counts[2];
  result.isolated_voxels = counts[3];
  result.components = components;
  result.percolating_components = percolating_components;
  return result;
}

}  // namespace

ConnectivityResult connectivity(VolumeView<const uint8_t> labels, const ConnectivityParams& params) {
  require(params.axis >= 0 && params.axis <= 2, "--axis must be 0, 1 or 2, got " + std::to_string(params.axis));
  require(params.connectivity == 6 || params.connectivity == 26,
          "--connectivity must be 6 or 26, got " + std::to_string(params.connectivity));
  require(!labels.empty(), "connectivity: the volume is empty");
  std::array<bool, 256> member{};
  if (params.phase_labels.empty()) {
    member.fill(true);
    member[0] = false;
  } else {
    for (uint8_t l : params.phase_labels) member[l] = true;
  }
  if (labels.size() < int64_t(std::numeric_limits<uint32_t>::max() - 4))
    return label_and_classify<uint32_t>(labels, member, params);
  return label_and_classify<uint64_t>(labels, member, params);
}

Json connectivity_phase_json(const ConnectivityResult& r, uint8_t label, int64_t total_voxels) {
  return {{"label", label},
          {"volume_fraction", static_cast<double>(r.phase_voxels) / static_cast<double>(total_voxels)},
          {"percolating_fraction", r.percolating_fraction()},
          {"dead_end_fraction", r.dead_end_fraction()},
          {"isolated_fraction", r.isolated_fraction()},
          {"voxels", r.phase_voxels},
          {"percolating_voxels", r.percolating_voxels},
          {"dead_end_voxels", r.dead_end_voxels},
          {"isolated_voxels", r.isolated_voxels},
          {"components", r.components},
          {"percolating_components", r.percolating_components}};
}

}  // namespace emorph
