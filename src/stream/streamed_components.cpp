// Streamed labelling: per-slab label_components, provisional ids offset per slab, union-find across
// slab faces, final numbering by smallest id (Wu, Otoo & Suzuki 2009, the merge of components.cpp
// applied to slabs read one at a time).
#include "emorph/stream/streamed_components.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <deque>
#include <filesystem>
#include <limits>
#include <numeric>
#include <vector>

#include "emorph/measure/phase_selection.hpp"
#include "emorph/neighbour_offsets.hpp"
#include "slab_masks.hpp"

namespace emorph {
namespace {

std::string file_name(const std::string& address) { return std::filesystem::path(file_part(address)).filename().string(); }

// Largest share of voxels that can start a component, or a provisional label of label_components: two
// such voxels are never neighbours, so they form an independent set of the grid (6: 1/2, a checkerboard;
// 18: 1/4; 26: 1/8); of one slice's grid for the components that cross a slab face (6: 1/2; 18, 26: 1/4).
double max_components_per_voxel(int connectivity) { return connectivity == 6 ? 0.5 : connectivity == 18 ? 0.25 : 0.125; }
double max_components_per_slice_voxel(int connectivity) { return connectivity == 6 ? 0.5 : 0.25; }
// Bytes per union-find node (a component of the slab or one still open before it): parent, smallest id,
// faces, voxels, open index and the value written by the second walk.
constexpr uint64_t kNodeBytes = 4 + 4 + 1 + 8 + 4 + 4;
// label_components' own tables per provisional label: two parent arrays (one grown by doubling) and the
// final ids.
constexpr uint64_t kLabellerBytesPerLabel = 16;
// An open component (smallest id, faces, voxels), held twice while a slab is joined.
constexpr uint64_t kOpenBytes = 2 * 16;

// The components still open after the slabs walked so far (those with a voxel on the last slice walked)
// and, per slab, the union-find of the slab's components (label_components in core) with them. A set of
// the slab that does not reach its last slice can never grow: it is closed, with its final smallest
// provisional id, faces and voxels. Memory is O(components of one slab + open components), never
// O(every provisional id). Both walks of a command run the same steps on the same slabs, so the second
// sees the same sets and open indices as the first.
class FrontUnionFind {
 public:
  static constexpr uint32_t kClosed = std::numeric_limits<uint32_t>::max();

  // axis >= 0: count each set's voxels and the faces along that axis it touches (bit 1 first, 2 last).
  FrontUnionFind(const Shape& shape, int connectivity, int axis)
      : shape_(shape), connectivity_(connectivity), axis_(axis), backward_(neighbour_offsets(connectivity, true, "--connectivity")) {
    front_.assign(static_cast<std::size_t>(shape.ny * shape.nx), 0);
  }

  // Labels the next slab (`slices` slices from `first_slice`) and joins it to the open components.
  void add(const uint8_t* mask, int64_t first_slice, int64_t slices) {
    const int64_t ny = shape_.ny, nx = shape_.nx, plane = ny * nx;
    local_ = label_components(VolumeView<const uint8_t>(mask, Shape{slices, ny, nx}), {connectivity_});
    const uint64_t offset = next_id_;  // the slab's provisional ids are offset + 1 .. offset + count
    next_id_ += local_.count;
    require(next_id_ < std::numeric_limits<uint32_t>::max() - 1, "label_components: too many provisional labels (more than 2^32 - 2)");
    incoming_ = static_cast<uint32_t>(open_.size());
    const std::size_t nodes = incoming_ + static_cast<std::size_t>(local_.count);
    refill(parent_, nodes, 0u);
    std::iota(parent_.begin(), parent_.end(), 0u);
    const uint32_t* first = local_.labels.data();
    if (incoming_ > 0)
      for (int64_t y = 0; y < ny; ++y)
        for (int64_t x = 0; x < nx; ++x) {
          const uint32_t l = first[y * nx + x];
          if (l == 0) continue;
          for (const auto& d : backward_) {
            if (d[0] != -1) continue;
            const int64_t yy = y + d[1], xx = x + d[2];
            if (yy < 0 || yy >= ny || xx < 0 || xx >= nx) continue;
            const uint32_t f = front_[static_cast<std::size_t>(yy * nx + xx)];
            if (f != 0) union_find_unite(parent_, node(l), f - 1);
          }
        }
    // The smaller root stays the root, so parent <= node: one pass in node order points each node at its root.
    for (std::size_t i = 0; i < nodes; ++i) parent_[i] = parent_[parent_[i]];
    refill(min_id_, nodes, kClosed);
    refill(faces_, nodes, uint8_t{0});
    refill(voxels_, nodes, int64_t{0});
    for (uint32_t t = 0; t < incoming_; ++t) {
      const uint32_t r = parent_[t];
      min_id_[r] = std::min(min_id_[r], open_[t].min_id);
      faces_[r] |= open_[t].faces;
      voxels_[r] += open_[t].voxels;
    }
    for (uint32_t l = 1; l <= local_.count; ++l) min_id_[root(node(l))] = std::min(min_id_[root(node(l))], static_cast<uint32_t>(offset + l));
    if (axis_ >= 0) tally(first_slice);
    // Sets reaching the slab's last slice stay open, unless it is the volume's last slice.
    const bool last_slab = first_slice + slices == shape_.nz;
    const uint32_t* last = local_.labels.data() + (slices - 1) * plane;
    if (!last_slab)
      for (int64_t p = 0; p < plane; ++p)
        if (last[p] != 0) faces_[root(node(last[p]))] |= kReachesFace;
    refill(open_index_, nodes, kClosed);
    std::size_t open_count = 0;
    for (std::size_t i = 0; i < nodes; ++i) open_count += parent_[i] == i && (faces_[i] & kReachesFace);
    next_open_.clear();
    if (next_open_.capacity() < open_count) {
      next_open_ = std::vector<Open>();
      next_open_.reserve(open_count);
    }
    for (std::size_t i = 0; i < nodes; ++i)
      if (parent_[i] == i && (faces_[i] & kReachesFace)) {
        open_index_[i] = static_cast<uint32_t>(next_open_.size());
        next_open_.push_back({min_id_[i], static_cast<uint8_t>(faces_[i] & 3u), voxels_[i]});
      }
    for (int64_t p = 0; p < plane; ++p)
      front_[static_cast<std::size_t>(p)] = last[p] == 0 || last_slab ? 0 : open_index_[root(node(last[p]))] + 1;
    open_.swap(next_open_);
  }

  // After add(): the slab's local labels; nodes 0 .. incoming() - 1 are the components open before it, node(l)
  // its component l. root(): the set of a node; the others describe a set by its root.
  const ComponentsResult& local() const { return local_; }
  ComponentsResult& local() { return local_; }  // for a walk that rewrites the labels in place
  uint32_t incoming() const { return incoming_; }
  uint32_t node(uint32_t l) const { return incoming_ + l - 1; }
  uint32_t root(uint32_t node) const { return parent_[node]; }
  bool is_root(uint32_t node) const { return parent_[node] == node; }
  std::size_t nodes() const { return parent_.size(); }
  bool closed(uint32_t r) const { return open_index_[r] == kClosed; }
  uint32_t open_index(uint32_t r) const { return open_index_[r]; }  // among the components open after the slab
  uint32_t min_id(uint32_t r) const { return min_id_[r]; }
  uint8_t faces(uint32_t r) const { return faces_[r] & 3u; }
  int64_t voxels(uint32_t r) const { return voxels_[r]; }
  // Per local label 1..count, the value f(root) of its set (0 for the background), in `values`.
  template <class F>
  void local_values(std::vector<uint32_t>& values, F&& f) const {
    refill(values, static_cast<std::size_t>(local_.count) + 1, 0u);
    for (uint32_t l = 1; l <= local_.count; ++l) values[l] = f(root(node(l)));
  }

 private:
  struct Open {
    uint32_t min_id;
    uint8_t faces;
    int64_t voxels;
  };
  static constexpr uint8_t kReachesFace = 4;

  // v resized to n copies of `value`; a vector that must grow is reallocated to exactly n (resize from
  // size 0), not doubled.
  template <class T>
  static void refill(std::vector<T>& v, std::size_t n, T value) {
    v.clear();
    v.resize(n, value);
  }

  void tally(int64_t first_slice) {
    const Shape ls = local_.labels.shape();
    const int64_t last = shape_[axis_] - 1;
    for (int64_t z = 0; z < ls.nz; ++z)
      for (int64_t y = 0; y < ls.ny; ++y) {
        const uint32_t* row = local_.labels.view().row(z, y);
        const int64_t zg = first_slice + z;
        for (int64_t x = 0; x < ls.nx; ++x) {
          if (row[x] == 0) continue;
          const uint32_t r = root(node(row[x]));
          ++voxels_[r];
          const int64_t pos = axis_ == 0 ? zg : axis_ == 1 ? y : x;
          if (pos == 0) faces_[r] |= 1u;
          if (pos == last) faces_[r] |= 2u;
        }
      }
  }

  Shape shape_;
  int connectivity_;
  int axis_;
  std::vector<std::array<int, 3>> backward_;
  ComponentsResult local_;
  uint64_t next_id_ = 0;
  uint32_t incoming_ = 0;
  std::vector<uint32_t> front_;  // per voxel of the last slice walked: 1 + its open component, 0 outside
  std::vector<Open> open_, next_open_;
  std::vector<uint32_t> parent_, min_id_, open_index_;
  std::vector<uint8_t> faces_;
  std::vector<int64_t> voxels_;
};

// Where each component open before a slab went in it: closed there with its value, or into open
// component i after it. Once the first walk is over, resolve() replaces, from the last slab back, each
// open reference by the value it ends with, so the entries of slab k + 1 are the final values of the
// components open after slab k, which the second walk reads. One entry per open component per slab
// face (a deque: no doubling of its storage).
class OpenFates {
 public:
  explicit OpenFates(uint64_t budget_bytes) : budget_bytes_(budget_bytes) {}
  template <class Value>
  void record(const FrontUnionFind& uf, Value&& value) {
    entries_total_ += uf.incoming();
    if (bytes() > budget_bytes_) {
      overflow_ = true;
      return;
    }
    begin_.push_back(entries_.size());
    for (uint32_t t = 0; t < uf.incoming(); ++t) {
      const uint32_t r = uf.root(t);
      entries_.push_back(uf.closed(r) ? kClosedFlag | value(r) : uf.open_index(r));
    }
  }
  void resolve() {
    begin_.push_back(entries_.size());
    for (std::size_t k = begin_.size() - 1; k-- > 0;)
      for (std::size_t e = begin_[k]; e < begin_[k + 1]; ++e)
        if (!(entries_[e] & kClosedFlag)) entries_[e] = entries_[begin_[k + 1] + entries_[e]];
  }
  // The final value of component `open_index` open after slab `slab` (0-based), after resolve().
  uint32_t open_value(std::size_t slab, uint32_t open_index) const {
    return static_cast<uint32_t>(entries_[begin_[slab + 1] + open_index] & ~kClosedFlag);
  }
  bool overflow() const { return overflow_; }
  // Bytes of every entry of the walk (also those not kept after an overflow).
  uint64_t bytes() const { return entries_total_ * sizeof(uint64_t); }

 private:
  static constexpr uint64_t kClosedFlag = uint64_t{1} << 63;
  uint64_t budget_bytes_;
  uint64_t entries_total_ = 0;
  bool overflow_ = false;
  std::deque<uint64_t> entries_;
  std::vector<std::size_t> begin_;
};

// Slab size: per voxel the file's slices, the label copy, the mask, the local labels, the written values
// and the slab's components at their worst (label_components' tables and the nodes here); the last slice's
// front and the open components at their worst come off the budget first.
int64_t component_slab_slices(const VolumeInfo& info, bool phase, const StreamParams& stream, uint64_t output_bytes,
                              int connectivity) {
  const double plane = static_cast<double>(info.shape.ny * info.shape.nx);
  const double per_voxel = static_cast<double>(mask_stream_bytes_per_voxel(info.dtype, phase) + 4 + output_bytes) +
                           max_components_per_voxel(connectivity) * static_cast<double>(kLabellerBytesPerLabel + kNodeBytes);
  const double front = plane * (4.0 + max_components_per_slice_voxel(connectivity) * static_cast<double>(kNodeBytes + kOpenBytes));
  const double budget = std::max(0.0, static_cast<double>(stream.budget_bytes) - front);
  return slab_slices_for_budget(static_cast<uint64_t>(budget), static_cast<uint64_t>(std::ceil(plane * per_voxel)), 0, info.shape.nz);
}

// The InputError of a run whose tables (beyond the slab buffers) would exceed the other half of the limit.
// The tables that grow with the volume (the fates, label's per-component table) get the other half of
// the limit plus 16 MiB of the bound's 48 MiB allowance (limit x 1.25 + 48 MiB), whose first ~20 MiB
// the program itself takes.
constexpr uint64_t kTablesAllowance = uint64_t{16} << 20;
uint64_t tables_budget(const StreamParams& stream) { return stream.budget_bytes + kTablesAllowance; }

// The limit named is twice the tables beyond the allowance, rounded up to the 0.1 MiB it is printed
// with (a larger limit only thickens the slabs, which never adds entries).
[[noreturn]] void throw_tables_too_large(const std::string& what, uint64_t bytes) {
  const double tenth_mib = 0.1 * 1024 * 1024;
  const double need = 2.0 * static_cast<double>(bytes - std::min(bytes, kTablesAllowance));
  throw InputError("--memory-limit: " + what + " need " + mib_text(static_cast<double>(bytes)) +
                   ", above half the limit (the other half holds the slabs) plus " + mib_text(kTablesAllowance) +
                   ", so a --memory-limit of at least " + mib_text(std::ceil(need / tenth_mib) * tenth_mib) + "; raise --memory-limit");
}

// Walks the file's mask slab by slab: visit(slab stream, mask).
template <class Visit>
void walk_masks(const std::string& input, int64_t slab, const std::optional<uint8_t>& phase, const std::string& label,
                StreamReport* report, Visit&& visit) {
  SlabStream s = open_mask_stream(input, slab, phase, label);
  std::vector<uint8_t> mask;
  while (s.next()) {
    slab_mask(s, phase, mask);
    visit(s, mask);
  }
  if (report) report->slabs += s.slabs_read();
}

}  // namespace

StreamedLabelResult streamed_label_components(const std::string& input, const std::string& output,
                                              const StreamedLabelParams& params, const ReadOptions& read_options,
                                              const StreamParams& stream, StreamReport* report) {
  const VolumeInfo info = read_info(input);
  const Spacing spacing = read_options.voxel ? *read_options.voxel : info.spacing;
  const std::optional<uint8_t> phase = params.phase ? std::optional<uint8_t>(params.phase->label) : std::nullopt;
  const int64_t slab = component_slab_slices(info, phase.has_value(), stream, 0, params.connectivity);
  if (report) report->slab_slices = slab, report->halo = 0, report->slabs = 0;
  const std::string name = file_name(input);
  // Walk 1: the smallest provisional id of every component (closed sets), and the fates of the open ones.
  // The final label of a component is the rank of its smallest id: the raster order of its first voxel.
  constexpr uint64_t kStatisticsBytes = sizeof(int64_t) + sizeof(std::array<int64_t, 3>) + sizeof(std::array<int64_t, 6>) + 1;
  constexpr uint64_t kComponentBytes = sizeof(uint32_t) + kStatisticsBytes;
  FrontUnionFind uf(info.shape, params.connectivity, -1);
  OpenFates fates(tables_budget(stream));
  std::deque<uint32_t> first_ids;
  uint64_t count = 0;
  const auto tables_bytes = [&] { return count * kComponentBytes + fates.bytes(); };
  walk_masks(input, slab, phase, stream.progress ? "label (merge) " + name + " by slabs of " + std::to_string(slab) : "",
             report, [&](const SlabStream& s, const std::vector<uint8_t>& mask) {
               uf.add(mask.data(), s.first_slice(), s.end_slice() - s.first_slice());
               for (uint32_t i = 0; i < uf.nodes(); ++i)
                 if (uf.is_root(i) && uf.closed(i)) {
                   ++count;  // counted on after an overflow, for the size needed
                   if (tables_bytes() <= tables_budget(stream)) first_ids.push_back(uf.min_id(i));
                 }
               fates.record(uf, [&](uint32_t r) { return uf.min_id(r); });
             });
  if (tables_bytes() > tables_budget(stream) || fates.overflow())
    throw_tables_too_large("label's tables for " + std::to_string(count) + " components (" + std::to_string(kComponentBytes) +
                               " bytes each) and the components open across slab faces",
                           tables_bytes());
  StreamedLabelResult result;
  result.count = static_cast<uint32_t>(count);
  if (params.phase && result.count == 0) throw InputError(absent_phase_message(*params.phase, "--phase"));
  std::sort(first_ids.begin(), first_ids.end());
  fates.resolve();
  const auto final_label = [&](uint32_t first_id) {
    return static_cast<uint32_t>(std::lower_bound(first_ids.begin(), first_ids.end(), first_id) - first_ids.begin()) + 1;
  };
  result.stats = new_component_statistics(result.count);
  auto writer = open_slab_writer(output, VolumeHeader{info.shape, DType::u32, spacing});
  FrontUnionFind again(info.shape, params.connectivity, -1);  // the same sets and open indices, slab by slab
  std::vector<uint32_t> labels_of;
  std::size_t slab_index = 0;
  walk_masks(input, slab, phase, stream.progress ? "label (write) " + name + " by slabs of " + std::to_string(slab) : "",
             report, [&](const SlabStream& s, const std::vector<uint8_t>& mask) {
               again.add(mask.data(), s.first_slice(), s.end_slice() - s.first_slice());
               again.local_values(labels_of, [&](uint32_t r) {
                 return final_label(again.closed(r) ? again.min_id(r) : fates.open_value(slab_index, again.open_index(r)));
               });
               ComponentsResult& local = again.local();
               for (uint32_t& l : local.labels) l = labels_of[l];
               add_component_statistics(local.labels.view(), s.first_slice(), info.shape.nz, result.stats);
               writer->write(local.labels.data(), local.labels.nz());
               ++slab_index;
             });
  writer->commit();
  finish_component_statistics(result.stats);
  return result;
}

ConnectivityResult streamed_connectivity(const std::string& input, const ConnectivityParams& params,
                                         const std::string& classes_output, const ReadOptions& read_options,
                                         const StreamParams& stream, StreamReport* report) {
  require(params.axis >= 0 && params.axis <= 2, "--axis must be 0, 1 or 2, got " + std::to_string(params.axis));
  require(params.connectivity == 6 || params.connectivity == 26,
          "--connectivity must be 6 or 26, got " + std::to_string(params.connectivity));
  require(params.phase_labels.size() == 1, "streamed connectivity: one phase label at a time");
  const VolumeInfo info = read_info(input);
  const Shape shape = info.shape;
  require(shape.voxels() > 0, "connectivity: the volume is empty");
  const std::optional<uint8_t> phase = params.phase_labels[0];
  const int64_t slab = component_slab_slices(info, true, stream, classes_output.empty() ? 0 : 1, params.connectivity);
  if (report) report->slab_slices = slab, report->halo = 0;
  const std::string name = file_name(input);
  // The class of a set from the faces along the axis it touches: 1 percolating, 2 dead-end, 3 isolated.
  const auto class_of = [](uint8_t faces) -> uint32_t { return faces == 3u ? 1 : faces != 0u ? 2 : 3; };
  // Walk 1: every closed set is a component with its final voxels and faces; the fates of the open ones
  // for the classes volume.
  FrontUnionFind uf(shape, params.connectivity, params.axis);
  OpenFates fates(tables_budget(stream));
  ConnectivityResult result;
  walk_masks(input, slab, phase, stream.progress ? "connectivity " + name + " by slabs of " + std::to_string(slab) : "", report,
             [&](const SlabStream& s, const std::vector<uint8_t>& mask) {
               uf.add(mask.data(), s.first_slice(), s.end_slice() - s.first_slice());
               for (uint32_t i = 0; i < uf.nodes(); ++i) {
                 if (!uf.is_root(i) || !uf.closed(i)) continue;
                 const uint32_t c = class_of(uf.faces(i));
                 (c == 1 ? result.percolating_voxels : c == 2 ? result.dead_end_voxels : result.isolated_voxels) += uf.voxels(i);
                 result.percolating_components += c == 1;
                 ++result.components;
               }
               if (!classes_output.empty()) fates.record(uf, [&](uint32_t r) { return class_of(uf.faces(r)); });
             });
  result.phase_voxels = result.percolating_voxels + result.dead_end_voxels + result.isolated_voxels;
  if (classes_output.empty()) return result;
  if (fates.overflow())
    throw_tables_too_large("connectivity --out's table of the components open across slab faces", fates.bytes());
  fates.resolve();
  // Walk 2: the classes volume.
  auto writer = open_slab_writer(classes_output, VolumeHeader{shape, DType::u8, read_options.voxel ? *read_options.voxel : info.spacing});
  FrontUnionFind again(shape, params.connectivity, params.axis);
  std::vector<uint32_t> class_of_label;
  std::vector<uint8_t> classes;
  std::size_t slab_index = 0;
  walk_masks(input, slab, phase, stream.progress ? "connectivity (classes) " + name + " by slabs of " + std::to_string(slab) : "",
             report, [&](const SlabStream& s, const std::vector<uint8_t>& mask) {
               again.add(mask.data(), s.first_slice(), s.end_slice() - s.first_slice());
               again.local_values(class_of_label, [&](uint32_t r) {
                 return again.closed(r) ? class_of(again.faces(r)) : fates.open_value(slab_index, again.open_index(r));
               });
               const ComponentsResult& local = again.local();
               classes.resize(static_cast<std::size_t>(local.labels.size()));
               for (std::size_t i = 0; i < classes.size(); ++i) classes[i] = static_cast<uint8_t>(class_of_label[local.labels.data()[i]]);
               writer->write(classes.data(), local.labels.nz());
               ++slab_index;
             });
  writer->commit();
  return result;
}

std::vector<int64_t> streamed_label_voxels(const std::string& input, const StreamParams& stream, StreamReport* report) {
  const VolumeInfo info = read_info(input);
  std::vector<int64_t> voxels(256, 0);
  const int64_t slab = slab_slices_for_budget(stream.budget_bytes, static_cast<uint64_t>(info.shape.ny * info.shape.nx) *
                                                                 mask_stream_bytes_per_voxel(info.dtype, true), 0, info.shape.nz);
  walk_masks(input, slab, uint8_t{0}, stream.progress ? "label counts " + file_name(input) : "", report,
             [&](const SlabStream& s, const std::vector<uint8_t>&) {
               const VolumeView<const uint8_t> l = s.label_view({});
               for (int64_t i = 0; i < l.size(); ++i) ++voxels[l.data()[i]];
             });
  return voxels;
}

}  // namespace emorph
