#pragma once
// Grey volume -> phase map in one call (the `emorph segment` pipeline, reusable from Python): optional
// denoising, histogram (optionally masked), thresholds by the chosen method, classes mapped to phase
// labels; or, for FIB/SEM stacks, shine-through-robust pores then thresholds on the solid voxels.
#include <optional>
#include <string>
#include <vector>

#include "emorph/filter/denoise.hpp"
#include "emorph/phase_table.hpp"
#include "emorph/result.hpp"
#include "emorph/segment/active_material_split.hpp"
#include "emorph/segment/fibsem_pores.hpp"
#include "emorph/segment/histogram.hpp"
#include "emorph/segment/threshold.hpp"
#include "emorph/volume.hpp"

namespace emorph {

struct SegmentParams {
  // otsu | minimum | intermodes | multiotsu:N | manual:T1,... | fibsem. Default: the two-peak method
  // with the threshold half-way between the peaks (intermodes). On PSF-blurred XCT the valley between
  // the peaks is a flat plateau of partial-volume voxels whose lowest point ("minimum") drifts with
  // noise and peak sizes, while a boundary voxel's grey crosses the mean of the two phase greys where
  // the boundary is (ISO-50 % surface): see docs/segmentation.md, XCT acceptance table.
  std::string method = "intermodes";
  std::string classes;                  // "pore,NMC" (darkest first); empty: labels 0..K-1 (fibsem: pore,CBD,LFP,NMC)
  std::optional<DenoiseSpec> denoise;   // applied first
  HistogramParams histogram;
  FibsemPoreParams fibsem;              // method fibsem
  // method fibsem: thresholds of the solid voxels (e.g. multiotsu:3). Empty (default): the solid's grey
  // modes name the phases present and a watershed places their boundaries (fibsem_phases.hpp).
  std::string solid_method;
  Json to_json() const;
};

struct SegmentResult {
  Volume<uint8_t> labels;
  ThresholdResult threshold;            // of the grey classes (fibsem: of the solid classes)
  std::vector<std::string> class_names;
  std::vector<uint8_t> class_labels;
  std::vector<int64_t> class_voxels;    // per class, inside the mask
  int64_t counted_voxels = 0;
  std::optional<FibsemPoreResult> fibsem;  // method fibsem (its pore volume moved into labels)
  Json fibsem_solids;                      // method fibsem, default solid split: FibsemPhaseResult::to_json()
  // results.* of `emorph segment`: method, thresholds, classes, phases.<name>.{label,voxels,volume_fraction},
  // histogram (when with_histogram).
  Json to_json(bool with_histogram) const;
};

// `mask` (optional, same shape): only voxels with mask != 0 are counted and classified, others get
// label 0. Throws InputError for bad parameters or a histogram the method cannot threshold.
SegmentResult segment(const AnyVolume& grey, const SegmentParams& params, const PhaseTable& table,
                      const Volume<uint8_t>* mask = nullptr);

}  // namespace emorph
