#pragma once
// Partial tallies of one MPI rank's z slices summed over the ranks (MPI_Allreduce of integer counts, and
// of integer-valued double sums, exact below 2^53), so every rank ends with the whole volume's tally,
// equal to the single-process one. The label tables are widened to the largest label any rank saw.
#include "emorph/io/slab_stream.hpp"
#include "emorph/measure/fractions.hpp"
#include "emorph/measure/grey_calibration.hpp"
#include "emorph/measure/surface_area.hpp"

namespace emorph {

// A distributed slab walk covers this rank's own z slices only (own_slices); otherwise unchanged.
void restrict_to_own_slices(SlabStreamParams& params, bool distributed, int64_t nz);

void sum_over_ranks(SliceLabelCounts& counts, const Shape& shape, int axis);
void sum_over_ranks(SurfaceCrossingTally& tally);
void sum_over_ranks(GreyProfileSums& sums, const Shape& shape, int axis);
// Per-value counts of an 8- or 16-bit volume (`values` entries once any slab was seen).
void sum_over_ranks(std::vector<int64_t>& value_counts, std::size_t values);

}  // namespace emorph
