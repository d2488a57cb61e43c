// Seam-stitched distance watershed (Beucher & Lantuejoul 1979 on halo'd z slabs, after pi2's block
// processing): in-core markers and flooding per window, a union-find joining overlapping particles of
// neighbouring windows on the slices around each seam.
#include "emorph/stream/streamed_particles.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "emorph/io/scratch_store.hpp"
#include "emorph/io/slab_stream.hpp"
#include "emorph/measure/components.hpp"
#include "emorph/measure/edt.hpp"
#include "emorph/stream/streamed_edt.hpp"
#include "slab_masks.hpp"

namespace emorph {
namespace {

// Window particles (nodes) of every slab: their core-slice statistics and the union-find joining them.
struct Nodes {
  std::vector<uint32_t> parent{0};  // node 0: outside the phase
  ComponentStats stats = new_component_statistics(0);

  // The id before the next window's first node (its labels 1..count become base+1..base+count).
  uint32_t base() const { return static_cast<uint32_t>(parent.size() - 1); }
  // Appends the window's labels as nodes, with their core-slice statistics.
  void append(const ComponentStats& window) {
    for (std::size_t l = 1; l < window.voxels.size(); ++l) {
      parent.push_back(static_cast<uint32_t>(parent.size()));
      stats.voxels.push_back(window.voxels[l]);
      stats.sum.push_back(window.sum[l]);
      stats.bbox.push_back(window.bbox[l]);
      stats.touches_border.push_back(window.touches_border[l]);
    }
  }
};

// The seam between the previous window and this one lies between slices z0 - 1 and z0. Both windows
// labelled both slices (`before` and `after`: node ids, 2 slices each, 0 outside the phase, the same
// voxels since both windows hold the same heights). Two nodes are joined when each is the other's
// largest overlap there (ties: the smaller id): a particle that one window splits and the other does
// not stays split on the side that splits it. Returns how many joins merged two trees.
int64_t stitch_seam(const std::vector<uint32_t>& before, const std::vector<uint32_t>& after, std::vector<uint32_t>& parent) {
  std::map<std::pair<uint32_t, uint32_t>, int64_t> overlap;
  for (std::size_t i = 0; i < before.size(); ++i)
    if (before[i] != 0 && after[i] != 0) ++overlap[{before[i], after[i]}];
  // Best partner of each node: {voxels, partner}, the first (smallest) partner on ties.
  std::map<uint32_t, std::pair<int64_t, uint32_t>> best_after, best_before;
  for (const auto& [pair, voxels] : overlap) {
    auto& a = best_after[pair.first];
    if (voxels > a.first) a = {voxels, pair.second};
    auto& b = best_before[pair.second];
    if (voxels > b.first) b = {voxels, pair.first};
  }
  int64_t joins = 0;
  for (const auto& [node, best] : best_after) {
    if (best_before[best.second].second != node) continue;
    if (union_find_root(parent, node) != union_find_root(parent, best.second)) ++joins;
    union_find_unite(parent, node, best.second);
  }
  return joins;
}

// The labels of window slices [s0, s1) as node ids (base + label, 0 outside).
std::vector<uint32_t> node_slices(const Volume<uint32_t>& labels, int64_t s0, int64_t s1, uint32_t base) {
  const int64_t plane = labels.ny() * labels.nx();
  std::vector<uint32_t> out(labels.data() + s0 * plane, labels.data() + s1 * plane);
  for (uint32_t& l : out)
    if (l != 0) l += base;
  return out;
}

}  // namespace

StreamedParticles streamed_particles(const std::string& input, const StreamedParticlesParams& params,
                                     const ReadOptions& read_options, const StreamParams& stream, StreamReport* report) {
  const ParticleAnalysisParams& ap = params.analysis;
  require(ap.separate, "streamed particles: only the separation streams (not --no-separate)");
  const double min_volume = ap.measures.min_volume_um3;
  require(std::isfinite(min_volume) && min_volume >= 0, "particles: --min-volume must be a finite volume >= 0 (um^3)");
  const VolumeInfo info = read_info(input);
  const Shape shape = info.shape;
  const Spacing sp = read_options.voxel ? *read_options.voxel : info.spacing;
  for (int a = 0; a < 3; ++a)
    require(std::isfinite(sp[a]) && sp[a] > 0, "separate particles: voxel size must be positive and finite");
  const double smallest = std::min({sp.dz, sp.dy, sp.dx});
  const double h_um = ap.separation.h_um.value_or(2.0 * smallest);
  require(std::isfinite(h_um) && h_um > 0, "separate particles: h must be positive (um)");
  const int64_t plane = shape.ny * shape.nx;
  const std::string name = std::filesystem::path(file_part(input)).filename().string();
  StreamedParticles out;

  const uint64_t edt_slice_bytes = static_cast<uint64_t>(plane) * (mask_stream_bytes_per_voxel(info.dtype, true) + 4);
  const double largest_cap = smallest * static_cast<double>(std::max({shape.nz, shape.ny, shape.nx}));
  // The halo of `radii` particle radii of `radius_um`, in slices; one core slice with halos of one radius
  // must fit (the refusal below names the size).
  const uint64_t slice_bytes = static_cast<uint64_t>(plane) * streamed_particles_bytes_per_voxel;
  const auto radii_slices = [&](double radius_um, double radii) {
    return static_cast<int64_t>(std::ceil(radii * radius_um / sp.dz)) + 2;
  };
  const auto one_radius_need = [&](double radius_um) {
    return static_cast<uint64_t>(std::min<int64_t>(shape.nz, 1 + 2 * radii_slices(radius_um, 1))) * slice_bytes;
  };
  const auto refuse = [&](double radius_um, const std::string& known) {
    const uint64_t need = one_radius_need(radius_um);
    throw InputError("--memory-limit: particle separation needs a halo of " + std::to_string(radii_slices(radius_um, 1)) +
                     " slices on either side of each slab (the largest particle radius, " + known + std::to_string(radius_um) +
                     " um): one slab needs " + mib_text(static_cast<double>(need)) +
                     " of buffers, half the limit, so a --memory-limit of at least " + mib_text(2.0 * static_cast<double>(need)) +
                     "; raise --memory-limit");
  };
  if (report) *report = StreamReport{};

  // 0. A lower bound of the largest radius before any EDT of the volume: when halos of that radius do not
  // fit, neither do the true ones (the halo grows with the radius), and the refusal costs no EDT. Not
  // needed when the whole volume fits as one window. The relative margin covers the float rounding between
  // two EDTs of the same distances (the hint's, the probe's), so the early refusal is never wrong; a bound
  // within that margin of a slice boundary only leaves the decision to the exact check after the EDT.
  std::optional<double> lower_um;
  if (static_cast<uint64_t>(shape.nz) * slice_bytes > stream.budget_bytes) {
    std::string known;
    if (params.known_largest_distance_um) {
      lower_um = *params.known_largest_distance_um;
      known = "known before its distance transform from the phase's granulometry: at least ";
    } else {
      // The middle slab of the volume (an electrode's bulk, away from a collector or air layer), with a
      // background slice on each side: 1.5 windows thick, room for a ball whose halos do not fit (its
      // diameter is about one window), and within the budget (about half of it, at 6 of 18 bytes per voxel).
      const int64_t window_slices = static_cast<int64_t>(stream.budget_bytes / slice_bytes);
      const int64_t slices =
          std::min(slab_slices_for_budget(stream.budget_bytes, edt_slice_bytes, 1, shape.nz), 3 * window_slices / 2 + 2);
      const int64_t z0 = (shape.nz - slices) / 2;
      lower_um = largest_distance_lower_bound_um(input, params.phase, sp, z0, z0 + slices);
      known = "known before its distance transform from slices " + std::to_string(z0) + ".." + std::to_string(z0 + slices - 1) +
              ": at least ";
    }
    const double bound = std::min(*lower_um * (1.0 - 1e-6), largest_cap);
    if (one_radius_need(bound) > stream.budget_bytes) refuse(bound, known);
  }

  // 1. The exact squared EDT into a scratch store, as streamed_edt slabs it.
  const int64_t edt_z = slab_slices_for_budget(stream.budget_bytes, edt_slice_bytes, 0, shape.nz);
  const int64_t edt_y = std::clamp<int64_t>(
      static_cast<int64_t>(stream.budget_bytes / std::max<uint64_t>(1, static_cast<uint64_t>(shape.nz * shape.nx) * 4)), 1,
      shape.ny);
  check_scratch_space(params.scratch_dir, 2 * scratch_store_bytes(shape), params.scratch_option);
  ScratchStore distances(params.scratch_dir, shape, edt_y, params.scratch_option);
  streamed_squared_edt_into(input, params.phase, Spacing{sp.dz * sp.dz, sp.dy * sp.dy, sp.dx * sp.dx}, distances, edt_z, edt_y,
                            stream, report);

  // 2. The largest distance: the in-core height step, and the halo (the largest particle radius).
  std::vector<float> buffer(static_cast<std::size_t>(edt_z * plane));
  LargestDistance largest;
  for (int64_t z0 = 0; z0 < shape.nz; z0 += edt_z) {
    const int64_t z1 = std::min(shape.nz, z0 + edt_z);
    distances.read(z0, z1, 0, shape.ny, buffer.data());
    const LargestDistance l = largest_distance(buffer.data(), (z1 - z0) * plane);
    largest.um = std::max(largest.um, l.um);
    largest.unbounded = largest.unbounded || l.unbounded;
  }
  buffer = std::vector<float>();
  const double top = largest.unbounded ? largest_cap : largest.um;
  const double quantum = height_quantum_um(top, smallest);
  out.largest_distance_um = top;
  // The bound of step 0 was a lower one (a larger hint would refuse windows that fit).
  if (lower_um && std::min(*lower_um, largest_cap) > top * (1.0 + 1e-5))
    throw std::logic_error("streamed particles: the known largest distance " + std::to_string(*lower_um) +
                           " um exceeds the distance transform's " + std::to_string(top) + " um");
  // A voxel of a seam slice lies within the largest radius of its particle's centre (its marker): with
  // that radius plus the seam's two slices as halo, both windows hold the markers of the seam's
  // particles. Their h-maxima and flooding can still depend on paths that leave a window (a neighbour's
  // higher maximum one more radius away), so the halo grows to two radii where the budget leaves a core
  // at least as thick as the halo (docs/validation.md, #18 stop 17: 2 radii agree far better).
  const int64_t budget_slices = static_cast<int64_t>(stream.budget_bytes / slice_bytes);
  const int64_t halo = std::min(shape.nz, std::clamp(budget_slices / 3, radii_slices(top, 1), radii_slices(top, 2)));
  if (one_radius_need(top) > stream.budget_bytes) refuse(top, "");
  const int64_t core = slab_slices_for_budget(stream.budget_bytes, slice_bytes, halo, shape.nz);
  if (report) report->slab_slices = core, report->halo = halo;

  // 3. Per slab: heights of the window, markers and watershed in core, node ids of the core slices to
  // a second store, the statistics of the core slices, and the seam with the previous window.
  ScratchStore slab_labels(params.scratch_dir, shape, shape.ny, params.scratch_option);  // z slabs of whole slices
  Nodes nodes;
  std::vector<uint32_t> previous_seam;  // the previous window's node ids on slices z0 - 1 and z0
  const auto progress = slab_progress(stream.progress, "particles " + name, core, shape.nz);
  const int64_t read_slices = 4;  // the store is read a few slices at a time into the window's heights
  std::vector<float> squared(static_cast<std::size_t>(read_slices * plane));
  std::vector<float> ids;
  for (int64_t z0 = 0; z0 < shape.nz; z0 += core) {
    const int64_t z1 = std::min(shape.nz, z0 + core);
    const int64_t w0 = std::max<int64_t>(0, z0 - halo), w1 = std::min(shape.nz, z1 + halo);
    const Shape window{w1 - w0, shape.ny, shape.nx};
    Volume<uint16_t> height(window, sp);
    for (int64_t r0 = w0; r0 < w1; r0 += read_slices) {
      const int64_t r1 = std::min(w1, r0 + read_slices);
      distances.read(r0, r1, 0, shape.ny, squared.data());
      quantise_heights(squared.data(), (r1 - r0) * plane, top, quantum, height.data() + (r0 - w0) * plane);
    }
    Volume<uint8_t> mask(window, sp);
    std::transform(height.data(), height.data() + height.size(), mask.data(), [](uint16_t h) { return uint8_t{h != 0}; });
    ComponentsResult flooded = flood_heights(height, mask.view(), h_um, quantum, ap.separation);
    mask = Volume<uint8_t>();
    require(static_cast<uint64_t>(nodes.parent.size()) + flooded.count < (uint64_t{1} << 24),
            "streamed particles: more than 2^24 particles in the slab windows; raise --memory-limit");
    const uint32_t base = nodes.base();
    const VolumeView<const uint32_t> core_labels(flooded.labels.data() + (z0 - w0) * plane, Shape{z1 - z0, shape.ny, shape.nx});
    ComponentStats st = new_component_statistics(flooded.count);
    add_component_statistics(core_labels, z0, shape.nz, st);
    nodes.append(st);
    if (z0 > 0) out.seam_joins += stitch_seam(previous_seam, node_slices(flooded.labels, z0 - 1 - w0, z0 + 1 - w0, base), nodes.parent);
    if (z1 < shape.nz) previous_seam = node_slices(flooded.labels, z1 - 1 - w0, z1 + 1 - w0, base);
    // Node ids below 2^24 are exact as floats.
    ids.resize(static_cast<std::size_t>((z1 - z0) * plane));
    const uint32_t* l = core_labels.data();
    for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = l[i] == 0 ? 0.0f : static_cast<float>(l[i] + base);
    slab_labels.write(z0, z1, 0, shape.ny, ids.data());
    if (progress) progress->advance();
    if (report) ++report->slabs;
  }

  // 4. The particles: the trees, numbered in the order of their first node (slabs in z, windows' labels
  // in raster order of their markers), their statistics summed; border and size cuts as in core.
  const std::size_t node_count = nodes.parent.size();
  std::vector<uint32_t> particle_of(node_count, 0);
  ComponentStats merged = new_component_statistics(0);
  std::vector<uint32_t> root_particle(node_count, 0);
  for (std::size_t v = 1; v < node_count; ++v) {
    const uint32_t r = union_find_root(nodes.parent, static_cast<uint32_t>(v));
    if (root_particle[r] == 0) {
      root_particle[r] = static_cast<uint32_t>(merged.voxels.size());
      merged.voxels.push_back(0), merged.sum.push_back({0, 0, 0});
      merged.bbox.push_back({std::numeric_limits<int64_t>::max(), 0, std::numeric_limits<int64_t>::max(), 0,
                             std::numeric_limits<int64_t>::max(), 0});
      merged.touches_border.push_back(0);
    }
    const uint32_t p = root_particle[r];
    particle_of[v] = p;
    merged.voxels[p] += nodes.stats.voxels[v];
    for (int a = 0; a < 3; ++a) merged.sum[p][a] += nodes.stats.sum[v][a];
    for (int a = 0; a < 6; a += 2) {
      merged.bbox[p][a] = std::min(merged.bbox[p][a], nodes.stats.bbox[v][a]);
      merged.bbox[p][a + 1] = std::max(merged.bbox[p][a + 1], nodes.stats.bbox[v][a + 1]);
    }
    merged.touches_border[p] |= nodes.stats.touches_border[v];
  }
  // Keep particles with voxels (a window particle may lie in its halo only), not cut away; renumber.
  const double voxel_um3 = sp.voxel_volume_um3();
  std::vector<uint32_t> final_label(merged.voxels.size(), 0);
  ComponentStats kept = new_component_statistics(0);
  for (std::size_t p = 1; p < merged.voxels.size(); ++p) {
    if (merged.voxels[p] == 0) continue;
    if (ap.separation.exclude_border && merged.touches_border[p]) {
      ++out.analysis.excluded_border;
      continue;
    }
    if (static_cast<double>(merged.voxels[p]) * voxel_um3 < min_volume) {
      ++out.analysis.excluded_small;
      continue;
    }
    final_label[p] = static_cast<uint32_t>(kept.voxels.size());
    kept.voxels.push_back(merged.voxels[p]), kept.sum.push_back(merged.sum[p]);
    kept.bbox.push_back(merged.bbox[p]), kept.touches_border.push_back(merged.touches_border[p]);
  }
  for (std::size_t v = 1; v < node_count; ++v) particle_of[v] = final_label[particle_of[v]];
  ParticlesParams measures = ap.measures;
  measures.min_volume_um3 = 0;  // already cut
  ParticleAnalysis& a = out.analysis;
  a.particles = particle_records(kept, sp, measures);
  std::vector<double> diameters, volumes;
  for (const auto& p : a.particles) diameters.push_back(p.equivalent_diameter_um), volumes.push_back(p.volume_um3);
  a.distribution = size_distribution(diameters, volumes, ap.distribution);

  // 5. A second walk: final labels by slab, the size-class profile (per-slice class counts summed over
  // the slabs) and the labels output.
  std::unique_ptr<SlabWriter> writer;
  if (!params.labels_output.empty()) writer = open_slab_writer(params.labels_output, VolumeHeader{shape, DType::u32, sp});
  const int axis = ap.classes.axis < 0 ? 0 : ap.classes.axis;
  const int64_t slices = shape[axis];
  std::vector<std::array<int64_t, 3>> class_counts(static_cast<std::size_t>(slices), {0, 0, 0});
  Volume<uint32_t> labels;
  const auto progress2 = slab_progress(stream.progress, "particle labels " + name, core, shape.nz);
  for (int64_t z0 = 0; z0 < shape.nz; z0 += core) {
    const int64_t z1 = std::min(shape.nz, z0 + core);
    ids.resize(static_cast<std::size_t>((z1 - z0) * plane));
    slab_labels.read(z0, z1, 0, shape.ny, ids.data());
    labels = Volume<uint32_t>(Shape{z1 - z0, shape.ny, shape.nx}, sp);
    for (std::size_t i = 0; i < ids.size(); ++i) labels.data()[i] = particle_of[static_cast<std::size_t>(ids[i])];
    SizeClassProfileParams cp = ap.classes;
    cp.axis = axis;
    const SizeClassProfile slab_profile = size_class_profile(labels.view(), kept.voxels, cp);
    // Back from the slab's fractions to integer counts (exact: count / per_slice rounds back).
    const double per_slice = static_cast<double>(labels.size() / labels.shape()[axis]);
    for (int64_t i = 0; i < labels.shape()[axis]; ++i) {
      auto& c = class_counts[static_cast<std::size_t>(axis == 0 ? z0 + i : i)];
      c[0] += std::llround(slab_profile.all_fraction[static_cast<std::size_t>(i)] * per_slice);
      c[1] += std::llround(slab_profile.small_fraction[static_cast<std::size_t>(i)] * per_slice);
      c[2] += std::llround(slab_profile.large_fraction[static_cast<std::size_t>(i)] * per_slice);
    }
    a.classes = slab_profile;
    if (writer) writer->write(labels.data(), z1 - z0);
    if (progress2) progress2->advance();
    if (report) ++report->slabs;
  }
  if (writer) writer->commit();
  const double per_slice = static_cast<double>(shape.voxels() / slices);
  a.classes.position_um.clear(), a.classes.all_fraction.clear(), a.classes.small_fraction.clear(), a.classes.large_fraction.clear();
  for (int64_t i = 0; i < slices; ++i) {
    const auto& c = class_counts[static_cast<std::size_t>(i)];
    a.classes.position_um.push_back((static_cast<double>(i) + 0.5) * sp[axis]);
    a.classes.all_fraction.push_back(static_cast<double>(c[0]) / per_slice);
    a.classes.small_fraction.push_back(static_cast<double>(c[1]) / per_slice);
    a.classes.large_fraction.push_back(static_cast<double>(c[2]) / per_slice);
  }
  return out;
}

// The in-core squared EDT of slices [z0, z1) with a background slice beyond each face cut inside
// the volume. The nearest background of a probe voxel either lies in the probe or beyond a cut face, and
// then the background slice on that face is at least as close: every distance is at most the whole
// volume's, so their largest is too. (A coarse EDT of a downsampled mask would be neither bound.)
double largest_distance_lower_bound_um(const std::string& input, const Phase& phase, const Spacing& sp, int64_t z0,
                                       int64_t z1) {
  const Shape shape = read_info(input).shape;
  require(0 <= z0 && z0 < z1 && z1 <= shape.nz, "streamed particles: probe slices outside the volume");
  const uint8_t label = phase.label;
  const int64_t plane = shape.ny * shape.nx;
  const int64_t below = z0 > 0 ? 1 : 0, above = z1 < shape.nz ? 1 : 0;
  SlabStreamParams sp_params;
  sp_params.slab_slices = z1 - z0;
  sp_params.labels = true;
  sp_params.source = input;
  sp_params.z_begin = z0;
  sp_params.z_end = z1;
  SlabStream s(open_slab_reader(input), sp_params);
  require(s.next(), "streamed particles: the probe slab could not be read");
  const Shape window{z1 - z0 + below + above, shape.ny, shape.nx};
  auto mask = Volume<uint8_t>::filled(window, sp, 0);
  const uint8_t* l = s.label_view(sp).data();
  uint8_t* m = mask.data() + below * plane;
  for (int64_t i = 0; i < (z1 - z0) * plane; ++i) m[i] = l[i] == label;
  Volume<float> d2(window, sp);
  squared_distance_transform_into(mask.view(), Spacing{sp.dz * sp.dz, sp.dy * sp.dy, sp.dx * sp.dx}, d2.view());
  const LargestDistance largest = largest_distance(d2.data() + below * plane, (z1 - z0) * plane);
  return largest.unbounded ? std::numeric_limits<double>::infinity() : largest.um;
}

}  // namespace emorph
