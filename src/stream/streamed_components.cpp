// Streamed labelling: per-slab label_components, provisional ids offset per slab, union-find across
// slab faces, final numbering by smallest id (Wu, Otoo & Suzuki 2009, the merge of components.cpp
// applied to slabs read one at a time).
#include "emorph/stream/streamed_components.hpp"

#include <algorithm>
#include <array>
#include <filesystem>
#include <limits>
#include <vector>

#include "emorph/measure/phase_selection.hpp"
#include "emorph/neighbour_offsets.hpp"
#include "slab_masks.hpp"

namespace emorph {
namespace {

std::string file_name(const std::string& address) { return std::filesystem::path(file_part(address)).filename().string(); }

// The union-find of provisional ids over the slabs of one walk, then the final numbering.
class SlabUnionFind {
 public:
  SlabUnionFind(const Shape& shape, int connectivity)
      : shape_(shape), connectivity_(connectivity), backward_(neighbour_offsets(connectivity, true, "--connectivity")) {
    parent_.assign(1, 0);
  }

  // Labels the mask of `slices` slices (the next slab) and joins it to the slab before; returns the
  // slab's local labels (1..count), whose provisional ids are offset() + local.
  ComponentsResult& add(const uint8_t* mask, int64_t slices) {
    const Shape slab{slices, shape_.ny, shape_.nx};
    local_ = label_components(VolumeView<const uint8_t>(mask, slab), {connectivity_});
    offset_ = parent_.size() - 1;
    require(offset_ + local_.count < std::numeric_limits<uint32_t>::max() - 1,
            "label_components: too many provisional labels (more than 2^32 - 2)");
    for (uint32_t i = 1; i <= local_.count; ++i) parent_.push_back(static_cast<uint32_t>(offset_ + i));
    const int64_t ny = shape_.ny, nx = shape_.nx, plane = ny * nx;
    const uint32_t* first = local_.labels.data();
    if (!previous_last_.empty())
      for (int64_t y = 0; y < ny; ++y)
        for (int64_t x = 0; x < nx; ++x) {
          const uint32_t l = first[y * nx + x];
          if (l == 0) continue;
          for (const auto& d : backward_) {
            if (d[0] != -1) continue;
            const int64_t yy = y + d[1], xx = x + d[2];
            if (yy < 0 || yy >= ny || xx < 0 || xx >= nx) continue;
            const uint32_t p = previous_last_[static_cast<std::size_t>(yy * nx + xx)];
            if (p != 0) union_find_unite(parent_, static_cast<uint32_t>(offset_ + l), static_cast<uint32_t>(previous_offset_ + p));
          }
        }
    const uint32_t* last = local_.labels.data() + (slices - 1) * plane;
    previous_last_.assign(last, last + plane);
    previous_offset_ = offset_;
    return local_;
  }
  uint64_t offset() const { return offset_; }
  uint64_t provisional() const { return parent_.size() - 1; }
  uint32_t root(uint32_t i) { return union_find_root(parent_, i); }
  // Final numbering: the first id met of each tree is its component's first voxel in raster order.
  std::vector<uint32_t> final_ids(uint32_t& count) {
    std::vector<uint32_t> final_id(parent_.size(), 0);
    count = 0;
    for (uint32_t g = 1; g < parent_.size(); ++g) {
      const uint32_t r = root(g);
      if (final_id[r] == 0) final_id[r] = ++count;
      final_id[g] = final_id[r];
    }
    return final_id;
  }

 private:
  Shape shape_;
  int connectivity_;
  std::vector<std::array<int, 3>> backward_;
  std::vector<uint32_t> parent_;
  ComponentsResult local_;
  std::vector<uint32_t> previous_last_;
  uint64_t offset_ = 0, previous_offset_ = 0;
};

// Slab size: the file's slices, the label copy, the mask, the local labels and the written labels.
int64_t component_slab_slices(const VolumeInfo& info, bool phase, const StreamParams& stream, uint64_t output_bytes) {
  const uint64_t per_voxel = mask_stream_bytes_per_voxel(info.dtype, phase) + 4 + output_bytes;
  return slab_slices_for_budget(stream.budget_bytes, static_cast<uint64_t>(info.shape.ny * info.shape.nx) * per_voxel, 0,
                                info.shape.nz);
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
  const int64_t slab = component_slab_slices(info, phase.has_value(), stream, 0);
  if (report) report->slab_slices = slab, report->halo = 0, report->slabs = 0;
  const std::string name = file_name(input);
  SlabUnionFind uf(info.shape, params.connectivity);
  walk_masks(input, slab, phase, stream.progress ? "label (merge) " + name + " by slabs of " + std::to_string(slab) : "",
             report, [&](const SlabStream& s, const std::vector<uint8_t>& mask) { uf.add(mask.data(), s.end_slice() - s.first_slice()); });
  StreamedLabelResult result;
  const std::vector<uint32_t> final_id = uf.final_ids(result.count);
  if (params.phase && result.count == 0) throw InputError(absent_phase_message(*params.phase, "--phase"));
  result.stats = new_component_statistics(result.count);
  auto writer = open_slab_writer(output, VolumeHeader{info.shape, DType::u32, spacing});
  SlabUnionFind again(info.shape, params.connectivity);  // the same provisional ids, slab by slab
  walk_masks(input, slab, phase, stream.progress ? "label (write) " + name + " by slabs of " + std::to_string(slab) : "",
             report, [&](const SlabStream& s, const std::vector<uint8_t>& mask) {
               ComponentsResult& local = again.add(mask.data(), s.end_slice() - s.first_slice());
               const uint64_t offset = again.offset();
               for (uint32_t& l : local.labels)
                 if (l != 0) l = final_id[offset + l];
               add_component_statistics(local.labels.view(), s.first_slice(), info.shape.nz, result.stats);
               writer->write(local.labels.data(), local.labels.nz());
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
  const int64_t slab = component_slab_slices(info, true, stream, classes_output.empty() ? 0 : 1);
  if (report) report->slab_slices = slab, report->halo = 0;
  const std::string name = file_name(input);
  // Walk 1: provisional ids, their voxels and the faces they touch (1 first slice along the axis, 2 last).
  SlabUnionFind uf(shape, params.connectivity);
  std::vector<int64_t> voxels(1, 0);
  std::vector<uint8_t> faces(1, 0);
  const int axis = params.axis;
  const int64_t last = shape[axis] - 1;
  walk_masks(input, slab, phase, stream.progress ? "connectivity " + name + " by slabs of " + std::to_string(slab) : "", report,
             [&](const SlabStream& s, const std::vector<uint8_t>& mask) {
               const ComponentsResult& local = uf.add(mask.data(), s.end_slice() - s.first_slice());
               const uint64_t offset = uf.offset();
               voxels.resize(offset + local.count + 1, 0);
               faces.resize(offset + local.count + 1, 0);
               const Shape ls = local.labels.shape();
               for (int64_t z = 0; z < ls.nz; ++z)
                 for (int64_t y = 0; y < ls.ny; ++y) {
                   const uint32_t* row = local.labels.view().row(z, y);
                   const int64_t zg = s.first_slice() + z;
                   for (int64_t x = 0; x < ls.nx; ++x) {
                     if (row[x] == 0) continue;
                     const uint64_t id = offset + row[x];
                     ++voxels[id];
                     const int64_t pos = axis == 0 ? zg : axis == 1 ? y : x;
                     if (pos == 0) faces[id] |= 1u;
                     if (pos == last) faces[id] |= 2u;
                   }
                 }
             });
  // Components: the trees; their faces the union of their members'.
  uint32_t count = 0;
  const std::vector<uint32_t> final_id = uf.final_ids(count);
  std::vector<uint8_t> component_faces(static_cast<std::size_t>(count) + 1, 0);
  std::vector<int64_t> component_voxels(static_cast<std::size_t>(count) + 1, 0);
  for (std::size_t g = 1; g < final_id.size(); ++g) {
    component_faces[final_id[g]] |= faces[g];
    component_voxels[final_id[g]] += voxels[g];
  }
  ConnectivityResult result;
  for (uint32_t c = 1; c <= count; ++c) {
    const uint8_t f = component_faces[c];
    (f == 3u ? result.percolating_voxels : f != 0u ? result.dead_end_voxels : result.isolated_voxels) += component_voxels[c];
    result.percolating_components += f == 3u;
  }
  result.phase_voxels = result.percolating_voxels + result.dead_end_voxels + result.isolated_voxels;
  result.components = count;
  if (classes_output.empty()) return result;
  // Walk 2: the classes volume.
  auto writer = open_slab_writer(classes_output, VolumeHeader{shape, DType::u8, read_options.voxel ? *read_options.voxel : info.spacing});
  SlabUnionFind again(shape, params.connectivity);
  std::vector<uint8_t> classes;
  walk_masks(input, slab, phase, stream.progress ? "connectivity (classes) " + name + " by slabs of " + std::to_string(slab) : "",
             report, [&](const SlabStream& s, const std::vector<uint8_t>& mask) {
               const ComponentsResult& local = again.add(mask.data(), s.end_slice() - s.first_slice());
               const uint64_t offset = again.offset();
               classes.resize(static_cast<std::size_t>(local.labels.size()));
               for (std::size_t i = 0; i < classes.size(); ++i) {
                 const uint32_t l = local.labels.data()[i];
                 const uint8_t f = l == 0 ? 0 : component_faces[final_id[offset + l]];
                 classes[i] = l == 0 ? 0 : f == 3u ? 1 : f != 0u ? 2 : 3;
               }
               writer->write(classes.data(), local.labels.nz());
             });
  writer->commit();
  return result;
}

std::vector<int64_t> streamed_label_voxels(const std::string& input, const StreamParams& stream, StreamReport* report) {
  const VolumeInfo info = read_info(input);
  std::vector<int64_t> voxels(256, 0);
  const int64_t slab = component_slab_slices(info, true, stream, 0);
  walk_masks(input, slab, uint8_t{0}, stream.progress ? "label counts " + file_name(input) : "", report,
             [&](const SlabStream& s, const std::vector<uint8_t>&) {
               const VolumeView<const uint8_t> l = s.label_view({});
               for (int64_t i = 0; i < l.size(); ++i) ++voxels[l.data()[i]];
             });
  return voxels;
}

}  // namespace emorph
