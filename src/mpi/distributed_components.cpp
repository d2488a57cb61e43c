// Distributed connected components (Wu, Otoo & Suzuki 2009, the slab merge of measure/components.cpp
// across MPI ranks): local union-find per z slab, face equivalences merged on rank 0, global numbering
// by first voxel in raster order.
#include "emorph/mpi/distributed_components.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include "emorph/measure/components.hpp"
#include "emorph/measure/phase_selection.hpp"
#include "emorph/mpi/exchange.hpp"
#include "emorph/mpi/world.hpp"
#include "emorph/neighbour_offsets.hpp"
#include "emorph/parallel.hpp"
#include "own_slab.hpp"
#include "rank_components.hpp"

namespace emorph {
namespace {

// The ids of this rank's first and last slices (sorted, distinct): the only ones that can join a
// component of another rank.
std::vector<uint32_t> face_ids(const Volume<uint32_t>& labels) {
  const int64_t plane = labels.ny() * labels.nx();
  std::vector<uint32_t> ids(labels.data(), labels.data() + plane);
  ids.insert(ids.end(), labels.data() + (labels.nz() - 1) * plane, labels.data() + labels.nz() * plane);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  if (!ids.empty() && ids.front() == 0) ids.erase(ids.begin());
  return ids;
}

// Provisional-id pairs (this rank's id, the previous rank's id) that touch across the lower face.
std::vector<std::pair<int64_t, int64_t>> lower_face_pairs(const Volume<uint32_t>& labels, int64_t offset,
                                                          const std::vector<int64_t>& previous_last, int connectivity) {
  std::vector<std::pair<int64_t, int64_t>> pairs;
  if (previous_last.empty()) return pairs;
  const int64_t ny = labels.ny(), nx = labels.nx();
  for (const auto& d : neighbour_offsets(connectivity, true, "--connectivity")) {
    if (d[0] != -1) continue;
    for (int64_t y = 0; y < ny; ++y)
      for (int64_t x = 0; x < nx; ++x) {
        const uint32_t l = labels(0, y, x);
        const int64_t yy = y + d[1], xx = x + d[2];
        if (l == 0 || yy < 0 || yy >= ny || xx < 0 || xx >= nx) continue;
        if (const int64_t p = previous_last[static_cast<std::size_t>(yy * nx + xx)]; p != 0) pairs.emplace_back(offset + l, p);
      }
  }
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  return pairs;
}

// On rank 0: the face ids of every rank (message: count, then (id, faces) pairs, then the pairs), joined.
// Answer per rank: merged ids before the rank's first, components in all, then per face id (final
// number, tree faces, smallest-of-tree flag).
std::vector<std::vector<int64_t>> merge_on_root(const std::vector<std::vector<int64_t>>& messages, int64_t provisional) {
  std::vector<int64_t> node_id;  // global provisional ids, increasing (ranks in order, ids sorted within)
  std::vector<uint8_t> node_faces;
  std::vector<std::size_t> first_node;
  for (const auto& m : messages) {
    first_node.push_back(node_id.size());
    const int64_t n = m[0];
    for (int64_t i = 0; i < n; ++i) node_id.push_back(m[1 + 2 * i]), node_faces.push_back(static_cast<uint8_t>(m[2 + 2 * i]));
  }
  first_node.push_back(node_id.size());
  require(node_id.size() < std::numeric_limits<uint32_t>::max(), "label: too many component ids on the rank faces");
  auto node_of = [&](int64_t id) {
    return static_cast<uint32_t>(std::lower_bound(node_id.begin(), node_id.end(), id) - node_id.begin());
  };
  std::vector<uint32_t> parent(node_id.size());
  for (uint32_t i = 0; i < parent.size(); ++i) parent[i] = i;
  for (const auto& m : messages)
    for (std::size_t k = 1 + 2 * static_cast<std::size_t>(m[0]); k + 1 < m.size(); k += 2)
      union_find_unite(parent, node_of(m[k]), node_of(m[k + 1]));  // the smaller node (smaller id) stays the root
  std::vector<uint8_t> faces(node_id.size(), 0);
  std::vector<int64_t> merged_before(node_id.size() + 1, 0);  // merged (non-smallest) ids among nodes [0, i)
  for (uint32_t i = 0; i < parent.size(); ++i) {
    const uint32_t r = union_find_root(parent, i);
    faces[r] |= node_faces[i];
    merged_before[i + 1] = merged_before[i] + (r != i);
  }
  const int64_t count = provisional - merged_before.back();
  std::vector<std::vector<int64_t>> answers(messages.size());
  for (std::size_t rank = 0; rank < messages.size(); ++rank) {
    auto& a = answers[rank];
    a = {merged_before[first_node[rank]], count};
    for (std::size_t i = first_node[rank]; i < first_node[rank + 1]; ++i) {
      const uint32_t r = union_find_root(parent, static_cast<uint32_t>(i));
      // The tree's number: its smallest id less the merged ids below it (numbers follow the smallest ids).
      a.insert(a.end(), {node_id[r] - merged_before[r], faces[r], r == i});
    }
  }
  return answers;
}

// Faces normal to `axis` that each local id touches: 1 first slice along the axis, 2 the last.
std::vector<uint8_t> local_faces(const OwnSlab<uint32_t>& l, uint32_t local_count, int axis) {
  std::vector<uint8_t> faces(static_cast<std::size_t>(local_count) + 1, 0);
  if (axis < 0) return faces;
  const Shape whole = l.info.shape;
  const int64_t last = whole[axis] - 1;
  for (int64_t z = 0; z < l.voxels.nz(); ++z)
    for (int64_t y = 0; y < whole.ny; ++y)
      for (int64_t x = 0; x < whole.nx; ++x) {
        const int64_t pos = axis == 0 ? l.z0 + z : axis == 1 ? y : x;
        if (pos == 0) faces[l.voxels(z, y, x)] |= 1u;
        if (pos == last) faces[l.voxels(z, y, x)] |= 2u;
      }
  faces[0] = 0;
  return faces;
}

// Writes the rank slabs of `volume` (global z order) to `output` through rank 0.
template <class T>
void write_through_root(const std::string& output, const Volume<T>& slab, const Shape& whole, const Spacing& spacing) {
  std::unique_ptr<SlabWriter> writer;
  if (is_root_rank()) writer = open_slab_writer(output, VolumeHeader{whole, dtype_of<T>, spacing});
  const int64_t plane_bytes = whole.ny * whole.nx * static_cast<int64_t>(sizeof(T));
  world_collect_on_root(slab.data(), static_cast<uint64_t>(slab.size()) * sizeof(T), static_cast<uint64_t>(plane_bytes),
                        [&](const void* bytes, uint64_t size) { writer->write(bytes, static_cast<int64_t>(size) / plane_bytes); });
  if (writer) writer->commit();
}

// Per-label statistics of every rank's slab, reduced over the ranks (sums, minima, maxima: exact).
void reduce_statistics(ComponentStats& st) {
  const std::size_t n = st.voxels.size();
  std::vector<int64_t> sums(4 * n), minima(3 * n), maxima(4 * n);
  for (std::size_t l = 0; l < n; ++l) {
    sums[4 * l] = st.voxels[l];
    for (int a = 0; a < 3; ++a) {
      sums[4 * l + 1 + a] = st.sum[l][a];
      minima[3 * l + a] = st.bbox[l][2 * a];
      maxima[4 * l + a] = st.bbox[l][2 * a + 1];
    }
    maxima[4 * l + 3] = st.touches_border[l];
  }
  world_sum(sums);
  world_min(minima);
  world_max(maxima);
  for (std::size_t l = 0; l < n; ++l) {
    st.voxels[l] = sums[4 * l];
    for (int a = 0; a < 3; ++a) {
      st.sum[l][a] = sums[4 * l + 1 + a];
      st.bbox[l][2 * a] = minima[3 * l + a];
      st.bbox[l][2 * a + 1] = maxima[4 * l + a];
    }
    st.touches_border[l] = static_cast<uint8_t>(maxima[4 * l + 3]);
  }
}

}  // namespace

RankComponents label_across_ranks(OwnSlab<uint8_t>&& mask, int connectivity, int axis) {
  RankComponents c;
  ComponentsResult local = label_components(mask.voxels.view(), {connectivity});
  c.labels.info = mask.info, c.labels.z0 = mask.z0, c.labels.z1 = mask.z1;
  c.labels.voxels = std::move(local.labels);
  c.local_count = local.count;
  mask.voxels = Volume<uint8_t>();
  const int64_t offset = world_sum_before(c.local_count);
  std::vector<int64_t> provisional{static_cast<int64_t>(c.local_count)};
  world_sum(provisional);
  // The halo: the previous rank's last slice, as global provisional ids.
  const Volume<uint32_t>& labels = c.labels.voxels;
  const int64_t plane = labels.ny() * labels.nx();
  std::vector<int64_t> last(static_cast<std::size_t>(plane));
  for (int64_t i = 0; i < plane; ++i) {
    const uint32_t l = labels.data()[(labels.nz() - 1) * plane + i];
    last[static_cast<std::size_t>(i)] = l ? offset + l : 0;
  }
  const auto pairs = lower_face_pairs(labels, offset, world_pass_forward(last), connectivity);
  const std::vector<uint8_t> faces = local_faces(c.labels, c.local_count, axis);
  const std::vector<uint32_t> ids = face_ids(labels);
  std::vector<int64_t> message{static_cast<int64_t>(ids.size())};
  for (uint32_t id : ids) message.insert(message.end(), {offset + id, faces[id]});
  for (const auto& [a, b] : pairs) message.insert(message.end(), {a, b});
  const auto messages = world_gather(message);
  const std::vector<int64_t> answer =
      world_scatter(is_root_rank() ? merge_on_root(messages, provisional[0]) : std::vector<std::vector<int64_t>>());
  c.count = answer[1];
  require(c.count < std::numeric_limits<uint32_t>::max() - 1, "label_components: too many components (more than 2^32 - 2)");
  // Numbers: a face id's from rank 0; any other id's is its provisional id less the merged ids before it.
  c.final_id.assign(static_cast<std::size_t>(c.local_count) + 1, 0);
  c.tree_faces = faces;
  c.is_first.assign(c.final_id.size(), 1);
  int64_t merged = answer[0];
  std::size_t next_face = 0;
  for (uint32_t l = 1; l <= c.local_count; ++l) {
    if (next_face < ids.size() && ids[next_face] == l) {
      const int64_t* a = answer.data() + 2 + 3 * next_face++;
      c.final_id[l] = static_cast<uint32_t>(a[0]);
      c.tree_faces[l] = static_cast<uint8_t>(a[1]);
      c.is_first[l] = static_cast<uint8_t>(a[2]);
      merged += a[2] == 0;
      continue;
    }
    c.final_id[l] = static_cast<uint32_t>(offset + l - merged);
  }
  c.is_first[0] = 0;
  return c;
}

StreamedLabelResult distributed_label_components(const std::string& input, const std::string& output,
                                                 const StreamedLabelParams& params, const ReadOptions& read_options,
                                                 StreamReport* report) {
  const std::optional<uint8_t> phase = params.phase ? std::optional<uint8_t>(params.phase->label) : std::nullopt;
  RankComponents c = label_across_ranks(read_own_slab_mask(input, phase, "label"), params.connectivity, -1);
  StreamedLabelResult result;
  result.count = static_cast<uint32_t>(c.count);
  if (params.phase && result.count == 0) throw InputError(absent_phase_message(*params.phase, "--phase"));
  for (uint32_t& l : c.labels.voxels) l = c.final_id[l];
  result.stats = new_component_statistics(result.count);
  add_component_statistics(c.labels.voxels.view(), c.labels.z0, c.labels.info.shape.nz, result.stats);
  reduce_statistics(result.stats);
  finish_component_statistics(result.stats);
  if (report) report->slab_slices = c.labels.z1 - c.labels.z0, report->halo = 1, report->slabs = 1;
  write_through_root(output, c.labels.voxels, c.labels.info.shape, read_options.voxel.value_or(c.labels.info.spacing));
  return result;
}

ConnectivityResult distributed_connectivity(const std::string& input, const ConnectivityParams& params,
                                            const std::string& classes_output, const ReadOptions& read_options,
                                            StreamReport* report) {
  require(params.axis >= 0 && params.axis <= 2, "--axis must be 0, 1 or 2, got " + std::to_string(params.axis));
  require(params.connectivity == 6 || params.connectivity == 26,
          "--connectivity must be 6 or 26, got " + std::to_string(params.connectivity));
  require(params.phase_labels.size() == 1, "distributed connectivity: one phase label at a time");
  RankComponents c = label_across_ranks(read_own_slab_mask(input, params.phase_labels[0], "connectivity"), params.connectivity,
                                        params.axis);
  // Classes per local id from its component's faces; voxels and percolating components summed over ranks.
  std::vector<uint8_t> class_of(c.tree_faces.size(), 0);
  for (std::size_t l = 1; l < class_of.size(); ++l) class_of[l] = c.tree_faces[l] == 3u ? 1 : c.tree_faces[l] != 0u ? 2 : 3;
  Volume<uint8_t> classes(c.labels.voxels.shape());
  std::vector<int64_t> tally(5, 0);  // voxels of classes 0..3, percolating components
  for (int64_t i = 0; i < classes.size(); ++i) ++tally[classes.data()[i] = class_of[c.labels.voxels.data()[i]]];
  for (std::size_t l = 1; l < class_of.size(); ++l) tally[4] += c.is_first[l] && class_of[l] == 1;
  world_sum(tally);
  ConnectivityResult result;
  result.percolating_voxels = tally[1];
  result.dead_end_voxels = tally[2];
  result.isolated_voxels = tally[3];
  result.phase_voxels = tally[1] + tally[2] + tally[3];
  result.components = c.count;
  result.percolating_components = tally[4];
  if (report) report->slab_slices = c.labels.z1 - c.labels.z0, report->halo = 1, report->slabs = 1;
  if (!classes_output.empty())
    write_through_root(classes_output, classes, c.labels.info.shape, read_options.voxel.value_or(c.labels.info.spacing));
  return result;
}

std::vector<int64_t> distributed_label_voxels(const std::string& input) {
  const OwnSlab<uint8_t> own = read_own_slab_labels(input, "connectivity");
  std::vector<int64_t> voxels(256, 0);
  for (uint8_t l : own.voxels) ++voxels[l];
  world_sum(voxels);
  return voxels;
}

}  // namespace emorph
