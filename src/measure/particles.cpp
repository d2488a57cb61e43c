// Region properties of labelled particles (as MorphoLibJ's "Analyze Regions 3D" and scikit-image's
// regionprops): integer moments from component_statistics, closed surface areas by the Crofton
// formula on a tight crop of each particle, sphericity after Wadell 1935.
#include "emorph/measure/particles.hpp"

#include <cmath>
#include <limits>
#include <numbers>

#include "emorph/measure/components.hpp"
#include "emorph/measure/surface_area.hpp"

namespace emorph {

std::vector<ParticleRecord> particle_records(const ComponentStats& st, const Spacing& sp, const ParticlesParams& params) {
  require(std::isfinite(params.min_volume_um3) && params.min_volume_um3 >= 0,
          "particles: --min-volume must be a finite volume >= 0 (um^3)");
  const uint32_t count = static_cast<uint32_t>(st.voxels.size() - 1);
  std::vector<ParticleRecord> out;
  for (uint32_t l = 1; l <= count; ++l) {
    if (st.voxels[l] == 0) continue;
    ParticleRecord p;
    p.label = l;
    p.voxels = st.voxels[l];
    p.volume_um3 = static_cast<double>(p.voxels) * sp.voxel_volume_um3();
    if (p.volume_um3 < params.min_volume_um3) continue;
    p.equivalent_diameter_um = std::cbrt(6.0 * p.volume_um3 / std::numbers::pi);
    const auto c = st.centroid(l);
    p.centroid_um = {(c[0] + 0.5) * sp.dz, (c[1] + 0.5) * sp.dy, (c[2] + 0.5) * sp.dx};
    p.bbox = st.bbox[l];
    p.touches_border = st.touches_border[l] != 0;
    p.surface_area_um2 = std::numeric_limits<double>::quiet_NaN();
    p.sphericity = std::numeric_limits<double>::quiet_NaN();
    out.push_back(p);
  }
  return out;
}

std::vector<ParticleRecord> measure_particles(VolumeView<const uint32_t> labels, uint32_t count,
                                              const ParticlesParams& params) {
  const Spacing sp = labels.spacing();
  std::vector<ParticleRecord> out = particle_records(component_statistics(labels, count), sp, params);
  if (!params.surface_area) return out;
  const int64_t n = static_cast<int64_t>(out.size());
#pragma omp parallel
  {
    std::vector<uint8_t> crop;
#pragma omp for schedule(dynamic, 8)
    for (int64_t k = 0; k < n; ++k) {
      ParticleRecord& p = out[static_cast<std::size_t>(k)];
      const Box b{p.bbox[0], p.bbox[1], p.bbox[2], p.bbox[3], p.bbox[4], p.bbox[5]};
      const Shape s = b.shape();
      crop.resize(static_cast<std::size_t>(s.voxels()));
      std::size_t i = 0;
      for (int64_t z = b.z0; z < b.z1; ++z)
        for (int64_t y = b.y0; y < b.y1; ++y)
          for (int64_t x = b.x0; x < b.x1; ++x) crop[i++] = labels(z, y, x) == p.label;
      p.surface_area_um2 = phase_surface_area_um2(VolumeView<const uint8_t>(crop.data(), s, sp), 1, sp, true);
      p.sphericity = std::cbrt(std::numbers::pi) * std::pow(6.0 * p.volume_um3, 2.0 / 3.0) / p.surface_area_um2;
    }
  }
  return out;
}

}  // namespace emorph
