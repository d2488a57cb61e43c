// Solid-phase separation at FIB/SEM scale (Etiemble et al. 2017, section 3.1.2: thresholds on BSE grey
// levels, then a manual correction): multi-level thresholds on the histogram of the solid voxels only,
// so the pore grey levels (shine-through) do not bias them; then an optional correction mask.
#include "emorph/segment/active_material_split.hpp"

#include <string>

#include "emorph/dtype_list.hpp"
#include "emorph/error.hpp"
#include "emorph/segment/phase_map.hpp"

namespace emorph {

template <class T>
ActiveSplitResult active_material_split(VolumeView<const T> grey, VolumeView<const uint8_t> pores,
                                        const ActiveSplitParams& p) {
  require(pores.shape() == grey.shape(), "active material split: pore mask shape " + pores.shape().str() +
                                             " differs from volume shape " + grey.shape().str());
  require(static_cast<int>(p.solid_labels.size()) == p.method.class_count(),
          "active material split: " + std::to_string(p.solid_labels.size()) + " solid phases named for " +
              std::to_string(p.method.class_count()) + " classes");
  Volume<uint8_t> solid(grey.shape());
  {
    const int64_t ny = grey.ny(), nx = grey.nx();
#pragma omp parallel for schedule(static)
    for (int64_t row = 0; row < grey.nz() * ny; ++row)
      for (int64_t x = 0; x < nx; ++x) solid(row / ny, row % ny, x) = pores(row / ny, row % ny, x) == 0;
  }
  HistogramParams hp;
  hp.bins = p.bins;
  Histogram h;
  try {
    h = histogram<T>(grey, hp, solid.view());
  } catch (const InputError&) {
    throw InputError("active material split: no solid voxel (the pore mask covers the whole volume)");
  }
  ActiveSplitResult r;
  r.thresholds = compute_threshold(h, p.method);
  auto pm = phase_map<T>(grey, r.thresholds.thresholds, p.solid_labels, solid.view(), p.pore_label);
  r.labels = std::move(pm.labels);
  r.class_voxels = pm.class_voxels;
  r.pore_voxels = grey.size() - h.total();
  return r;
}

int64_t apply_mask_fix(VolumeView<uint8_t> labels, VolumeView<const uint8_t> fix, uint8_t label, uint8_t pore_label) {
  require(fix.shape() == labels.shape(), "--mask-fix: mask shape " + fix.shape().str() +
                                             " differs from volume shape " + labels.shape().str());
  int64_t changed = 0;
  for (int64_t z = 0; z < labels.nz(); ++z)
    for (int64_t y = 0; y < labels.ny(); ++y)
      for (int64_t x = 0; x < labels.nx(); ++x) {
        uint8_t& l = labels(z, y, x);
        if (fix(z, y, x) && l != pore_label && l != label) {
          l = label;
          ++changed;
        }
      }
  return changed;
}

#define EMORPH_ACTIVE_SPLIT(T) \
  template ActiveSplitResult active_material_split(VolumeView<const T>, VolumeView<const uint8_t>, const ActiveSplitParams&);
EMORPH_FOR_EACH_DTYPE(EMORPH_ACTIVE_SPLIT)
#undef EMORPH_ACTIVE_SPLIT

}  // namespace emorph
