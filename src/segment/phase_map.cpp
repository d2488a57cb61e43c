// Phase map from thresholds: class = number of thresholds below the grey value (scikit-image's
// "value > threshold" rule), mapped to phase-table labels; rows in parallel, counts summed per thread
// (integers, so deterministic).
#include "emorph/segment/phase_map.hpp"

#include <omp.h>

#include <cmath>
#include <sstream>

#include "emorph/dtype_list.hpp"
#include "emorph/error.hpp"
#include "emorph/parallel.hpp"
#include "emorph/parse.hpp"

namespace emorph {

std::vector<uint8_t> class_labels(const std::string& spec, const PhaseTable& table, int classes,
                                  const std::string& option) {
  std::vector<uint8_t> labels;
  if (spec.empty()) {
    require(classes <= 256, option + ": too many classes");
    for (int k = 0; k < classes; ++k) labels.push_back(static_cast<uint8_t>(k));
    return labels;
  }
  for (const auto& name : parse_name_list(spec, option)) labels.push_back(table.at(name, option).label);
  require(static_cast<int>(labels.size()) == classes,
          option + ": " + std::to_string(labels.size()) + " names given for " + std::to_string(classes) +
              " classes (the method gives " + std::to_string(classes) + ")");
  return labels;
}

template <class T>
PhaseMapResult phase_map(VolumeView<const T> grey, const std::vector<double>& thresholds,
                         const std::vector<uint8_t>& labels, VolumeView<const uint8_t> mask, uint8_t outside_label) {
  require(labels.size() == thresholds.size() + 1, "phase map: one label per class is needed");
  for (std::size_t i = 0; i < thresholds.size(); ++i)
    require(std::isfinite(thresholds[i]) && (i == 0 || thresholds[i] > thresholds[i - 1]),
            "phase map: thresholds must be finite and strictly increasing");
  const bool masked = mask.data() != nullptr;
  if (masked) require(mask.shape() == grey.shape(), "phase map: mask shape " + mask.shape().str() +
                                                        " differs from volume shape " + grey.shape().str());
  PhaseMapResult r{Volume<uint8_t>(grey.shape(), grey.spacing(), grey.thickness_axis()),
                   std::vector<int64_t>(labels.size(), 0)};
  const int nt = thread_count();
  const std::size_t nc = labels.size();
  std::vector<int64_t> counts(static_cast<std::size_t>(nt) * nc, 0);
  const int64_t ny = grey.ny();
#pragma omp parallel num_threads(nt)
  {
    int64_t* c = &counts[omp_get_thread_num() * nc];
#pragma omp for schedule(static)
    for (int64_t row = 0; row < grey.nz() * ny; ++row) {
      const int64_t z = row / ny, y = row % ny;
      uint8_t* o = &r.labels(z, y, 0);
      for (int64_t x = 0; x < grey.nx(); ++x) {
        if (masked && !mask(z, y, x)) {
          o[x] = outside_label;
          continue;
        }
        const double v = static_cast<double>(grey(z, y, x));
        std::size_t k = 0;
        while (k < thresholds.size() && v > thresholds[k]) ++k;
        o[x] = labels[k];
        ++c[k];
      }
    }
  }
  for (int t = 0; t < nt; ++t)
    for (std::size_t k = 0; k < nc; ++k) r.class_voxels[k] += counts[t * nc + k];
  return r;
}

#define EMORPH_PHASE_MAP(T)                                                                                  \
  template PhaseMapResult phase_map(VolumeView<const T>, const std::vector<double>&, const std::vector<uint8_t>&, \
                                    VolumeView<const uint8_t>, uint8_t);
EMORPH_FOR_EACH_DTYPE(EMORPH_PHASE_MAP)
#undef EMORPH_PHASE_MAP

}  // namespace emorph
