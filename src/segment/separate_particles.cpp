// Distance-transform watershed (Beucher & Lantuejoul 1979): exact EDT, h-maxima markers (Soille 2003),
// marker-controlled flooding of the inverted distance map restricted to the phase.
#include "emorph/segment/separate_particles.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "emorph/measure/components.hpp"
#include "emorph/measure/edt.hpp"
#include "emorph/segment/hmaxima.hpp"
#include "emorph/segment/watershed.hpp"

namespace emorph {
namespace {

// Sets the particles for which drop(statistics, label) holds to 0 and renumbers the others 1..count
// in order; returns how many were dropped.
template <class Drop>
uint32_t drop_particles(Volume<uint32_t>& labels, uint32_t& count, Drop drop) {
  if (count == 0) return 0;
  const ComponentStats st = component_statistics(labels.view(), count);
  std::vector<uint32_t> new_label(static_cast<std::size_t>(count) + 1, 0);
  uint32_t next = 0, dropped = 0;
  for (uint32_t l = 1; l <= count; ++l) {
    if (drop(st, l)) ++dropped;
    else new_label[l] = ++next;
  }
  uint32_t* lab = labels.data();
  const int64_t n = labels.size();
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < n; ++i) lab[i] = new_label[lab[i]];
  count = next;
  return dropped;
}

uint32_t drop_border_particles(Volume<uint32_t>& labels, uint32_t& count) {
  return drop_particles(labels, count, [](const ComponentStats& st, uint32_t l) { return st.touches_border[l] != 0; });
}

}  // namespace

LargestDistance largest_distance(const float* squared_um2, int64_t n) {
  float largest2 = 0;
  bool unbounded = false;
#pragma omp parallel for schedule(static) reduction(max : largest2) reduction(|| : unbounded)
  for (int64_t i = 0; i < n; ++i) {
    const float v = squared_um2[i];
    if (std::isinf(v)) unbounded = true;
    else largest2 = std::max(largest2, v);
  }
  return {std::sqrt(static_cast<double>(largest2)), unbounded};
}

double height_quantum_um(double largest_um, double smallest_voxel_um) {
  return std::max(smallest_voxel_um / 8.0, largest_um / 65000.0);
}

void quantise_heights(const float* squared_um2, int64_t n, double largest_um, double quantum_um, uint16_t* height) {
  const double inv = 1.0 / quantum_um;
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < n; ++i) {
    const float v = squared_um2[i];
    // Foreground voxels get at least 1 so that 0 means "outside the phase".
    height[i] = v == 0 ? 0
                       : static_cast<uint16_t>(std::clamp(
                             std::lround(std::min(std::sqrt(static_cast<double>(v)), largest_um) * inv), 1L, 65000L));
  }
}

ComponentsResult flood_heights(Volume<uint16_t>& height, VolumeView<const uint8_t> mask, double h_um, double quantum_um,
                               const SeparateParticlesParams& params, Progress* progress) {
  HMaximaParams hp;
  hp.h = static_cast<uint16_t>(std::clamp(std::lround(h_um / quantum_um), 1L, 65000L));
  hp.connectivity = params.marker_connectivity;
  ComponentsResult markers = h_maxima_markers(height.view(), hp);
  if (progress) progress->advance();
  // Flood from the highest distances down: relief = 65535 - height, restricted to the phase.
  uint16_t* h = height.data();
  const int64_t n = height.size();
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < n; ++i) h[i] = static_cast<uint16_t>(65535 - h[i]);
  WatershedParams wp;
  wp.connectivity = params.flood_connectivity;
  watershed_levels_inplace(height.view(), mask, markers.labels.view(), wp);
  height = Volume<uint16_t>();
  return markers;
}

SeparateParticlesResult separate_particles(VolumeView<const uint8_t> mask_view, const SeparateParticlesParams& params) {
  const Spacing sp = mask_view.spacing();
  for (int a = 0; a < 3; ++a)
    require(std::isfinite(sp[a]) && sp[a] > 0, "separate particles: voxel size must be positive and finite");
  const double smallest = std::min({sp.dz, sp.dy, sp.dx});
  const double h_um = params.h_um.value_or(2.0 * smallest);
  require(std::isfinite(h_um) && h_um > 0, "separate particles: h must be positive (um)");
  Volume<uint8_t> mask_copy;
  VolumeView<const uint8_t> mask = mask_view;
  if (!mask.is_contiguous()) {
    mask_copy = to_volume(mask_view);
    mask = mask_copy.view();
  }
  const Shape s = mask.shape();
  const int64_t n = s.voxels();
  SeparateParticlesResult r;

  // Distance map quantised to 16 bits: 1/8 voxel steps unless the largest distance needs coarser ones.
  // Squared distances in um^2 (no float distance volume), square roots taken while quantising.
  // Stages: the distance map, the h-maxima markers, the watershed.
  Progress progress("separating particles", 3);
  Volume<uint16_t> height(s, sp, mask.thickness_axis());
  {
    const Volume<float> d2 = squared_distance_transform(mask, Spacing{sp.dz * sp.dz, sp.dy * sp.dy, sp.dx * sp.dx});
    const LargestDistance largest = largest_distance(d2.data(), n);
    // No background at all (the phase fills the volume): the distances are capped at the volume's size.
    const double top = largest.unbounded ? smallest * static_cast<double>(std::max({s.nz, s.ny, s.nx})) : largest.um;
    r.height_quantum_um = height_quantum_um(top, smallest);
    quantise_heights(d2.data(), n, top, r.height_quantum_um, height.data());
  }
  progress.advance();
  ComponentsResult flooded = flood_heights(height, mask, h_um, r.height_quantum_um, params, &progress);
  r.labels = std::move(flooded.labels);
  r.labels.set_spacing(sp);
  r.labels.set_thickness_axis(mask.thickness_axis());
  r.count = flooded.count;

  if (params.exclude_border) r.excluded_border = drop_border_particles(r.labels, r.count);
  return r;
}

ParticleAnalysis analyse_particles(VolumeView<const uint8_t> mask, const ParticleAnalysisParams& params) {
  const double min_volume = params.measures.min_volume_um3;
  require(std::isfinite(min_volume) && min_volume >= 0, "particles: --min-volume must be a finite volume >= 0 (um^3)");
  ParticleAnalysis a;
  // Stages: separation (or labelling), the size cut, the measures, the distributions and size classes.
  Progress progress("particles", 4);
  uint32_t count = 0;
  if (params.separate) {
    SeparateParticlesResult s = separate_particles(mask, params.separation);
    a.labels = std::move(s.labels);
    count = s.count;
    a.excluded_border = s.excluded_border;
  } else {
    ComponentsResult c = label_components(mask, {params.connectivity});
    a.labels = std::move(c.labels);
    count = c.count;
    if (params.separation.exclude_border) a.excluded_border = drop_border_particles(a.labels, count);
  }
  progress.advance();
  if (min_volume > 0) {
    const double voxel_um3 = mask.spacing().voxel_volume_um3();
    a.excluded_small = drop_particles(a.labels, count, [&](const ComponentStats& st, uint32_t l) {
      return static_cast<double>(st.voxels[l]) * voxel_um3 < min_volume;
    });
  }
  progress.advance();
  a.particles = measure_particles(a.labels.view(), count, params.measures);
  progress.advance();
  std::vector<double> diameters, volumes;
  std::vector<int64_t> voxels(static_cast<std::size_t>(count) + 1, 0);
  for (const auto& p : a.particles) {
    diameters.push_back(p.equivalent_diameter_um);
    volumes.push_back(p.volume_um3);
    voxels[p.label] = p.voxels;
  }
  a.distribution = size_distribution(diameters, volumes, params.distribution);
  a.classes = size_class_profile(a.labels.view(), voxels, params.classes);
  return a;
}

}  // namespace emorph
