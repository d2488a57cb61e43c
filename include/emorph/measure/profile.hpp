#pragma once
// Phase fraction profiles: the fraction of each label in every slice perpendicular to an axis, at the
// slice centres in um, optionally averaged over a moving window of slices.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "emorph/measure/electrode_region.hpp"
#include "emorph/measure/fractions.hpp"
#include "emorph/phase_table.hpp"

namespace emorph {

struct ProfileParams {
  int axis = 0;
  int window = 1;  // odd number of slices averaged around each slice (truncated at the ends); 1 = none
};

struct FractionProfile {
  int axis = 0;
  std::vector<double> position_um;           // slice centres, 0 at the first slice's lower face
  std::vector<std::vector<double>> fraction;  // [label][slice], labels 0 .. num_labels-1
};

// From slice counts along params.axis (counts.axis must equal it); slice_um: voxel size along the axis.
FractionProfile fraction_profile(const SliceLabelCounts& counts, double slice_um, const ProfileParams& params = {});

// Convenience: counts the volume along params.axis first (spacing from the view).
FractionProfile fraction_profile(VolumeView<const uint8_t> labels, const ProfileParams& params = {});

// Centred moving average over `window` (odd) samples, truncated at the ends.
std::vector<double> moving_average(const std::vector<double>& values, int window);

struct ProfileReportParams {
  int axis = 0;    // thickness axis: current collector at index 0
  int window = 1;  // moving average of the reported fractions (odd); statistics use per-slice fractions
  // Bulk window (start_um, end_um): slices whose centre lies inside. Unset: the detected electrode
  // region minus exclude_collector_um and exclude_surface_um (which need it unset).
  std::optional<std::pair<double, double>> bulk_um;
  double exclude_collector_um = 0, exclude_surface_um = 0;
  std::vector<std::string> only;       // report only these phases; empty: all
  std::string depleted_phase = "NMC";  // phase whose depleted layer above the collector is detected
  bool exclude_depleted = false;       // collector-side exclusion = the detected layer's thickness
  // The electrode region when the caller knows it (analyze's grey boundaries); unset: detected from the labels.
  std::optional<ElectrodeRegion> region;
};

}  // namespace emorph
