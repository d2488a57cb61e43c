#pragma once
// Per-phase voxel counts of a uint8 label volume, per slice along an axis and in total: the one pass
// behind volume fractions, thickness profiles and the electrode region.
#include <cstdint>
#include <string>
#include <vector>

#include "emorph/phase_table.hpp"
#include "emorph/volume.hpp"

namespace emorph {

struct SliceCountsParams {
  int axis = 0;  // 0, 1 or 2: the slices are perpendicular to this axis
};

// Voxel count of every label in every slice perpendicular to an axis.
struct SliceLabelCounts {
  int axis = 0;
  int num_labels = 0;            // max label present + 1
  int64_t slices = 0;            // extent of the volume along axis
  int64_t voxels_per_slice = 0;
  std::vector<int64_t> counts;   // [slice * num_labels + label]

  int64_t at(int64_t slice, int label) const {
    return label < num_labels ? counts[static_cast<std::size_t>(slice * num_labels + label)] : 0;
  }
  // Counts per label summed over slices first..last (inclusive).
  std::vector<int64_t> totals(int64_t first, int64_t last) const;
  std::vector<int64_t> totals() const { return totals(0, slices - 1); }
};

// One pass, OpenMP over slabs with per-thread counts (integer, so independent of the thread count).
SliceLabelCounts slice_label_counts(VolumeView<const uint8_t> labels, const SliceCountsParams& params = {});

// Adds the counts of a z slab (slices z0 .. z0 + slab.nz() - 1 of a volume of shape `whole_shape`) to
// `whole`, which starts empty (default-constructed) and after the last slab equals
// slice_label_counts of the whole volume exactly (integer counts; the streamed route).
void accumulate_slice_label_counts(SliceLabelCounts& whole, VolumeView<const uint8_t> slab, int64_t z0,
                                   const Shape& whole_shape, const SliceCountsParams& params = {});

// Voxel counts per label (index = label, size max label + 1) and their fractions of a total.
struct PhaseFractions {
  std::vector<int64_t> voxels;
  int64_t total = 0;
  int64_t count(int label) const { return label < static_cast<int>(voxels.size()) ? voxels[static_cast<std::size_t>(label)] : 0; }
  double fraction(int label) const { return total > 0 ? static_cast<double>(count(label)) / static_cast<double>(total) : 0.0; }
};

// Fractions over slices first..last (inclusive) of precomputed slice counts.
PhaseFractions phase_fractions(const SliceLabelCounts& counts, int64_t first, int64_t last);
// Fractions of the whole volume.
PhaseFractions phase_fractions(VolumeView<const uint8_t> labels);

struct FractionsReportParams {
  int axis = 0;                   // thickness axis (collector at index 0) of the electrode region
  std::vector<std::string> only;  // report only these phases (each must be present); empty: all
  std::string ratios;             // phase_ratios spec ("LFP/pore,LFP/CBD"); empty: the default ratios
};

}  // namespace emorph
