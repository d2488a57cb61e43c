#pragma once
// The electrode's extent along the thickness axis of a label volume: from above the current collector
// (slices dominated by the collector label, if any, at either end) to the top surface (where the solid
// fraction falls below a share of the bulk's).
#include <cstdint>
#include <optional>

#include "emorph/measure/fractions.hpp"
#include "emorph/phase_table.hpp"

namespace emorph {

struct ElectrodeRegionParams {
  uint8_t pore_label = 0;                    // not solid
  std::optional<uint8_t> collector_label = 4;  // nullopt: no collector phase in the table
  double collector_dominance = 0.5;  // a slice is collector when more than this share of it is collector
  double surface_drop = 0.5;  // the electrode ends (and starts, above the collector) where the solid
                              // fraction is below this share of the bulk's (90th percentile of slices)
};

struct ElectrodeRegion {
  int axis = 0;
  int64_t first_slice = 0, last_slice = 0;  // inclusive
  int64_t collector_slices = 0;              // slices at the start that belong to the collector
  int64_t upper_collector_slices = 0;        // slices at the far end that belong to it (a flipped sample)
  double collector_um = 0;                   // collector thickness inside the volume, both ends
  double start_um = 0, end_um = 0;           // lower face of first_slice, upper face of last_slice
  double thickness_um = 0;
  double bulk_solid_fraction = 0;            // the reference the surface is found against
};

// Pore and collector labels from a phase table ("pore", else label 0; "collector" if the table has one).
ElectrodeRegionParams electrode_region_params(const PhaseTable& table);

// From counts along the thickness axis; spacing_um is the voxel size along that axis.
ElectrodeRegion electrode_region(const SliceLabelCounts& counts, double spacing_um, const ElectrodeRegionParams& params = {});

}  // namespace emorph
