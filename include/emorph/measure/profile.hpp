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
#include "emorph/measure/results_json.hpp"
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

// The `results` object of `emorph profile` (CONTRACT.md): phases.<name>.{label, position_um[],
// fraction[], mean_fraction, rsd_percent, slope_per_um, slope_stderr_per_um,
// slope_relative_percent_per_um}, bulk {first_slice, last_slice, slices, start_um, end_um, source},
// axis, slice_um, window_slices, and electrode_region / depleted_layer where found. Undefined
// statistics (a zero mean, fewer than 3 slices) are null. Throws InputError for bad parameters, an
// empty bulk window, or no bulk window and no electrode region.
Json profile_results(VolumeView<const uint8_t> labels, const PhaseTable& table, const ProfileReportParams& params);
// profile.csv of `emorph profile --csv` and analyze's profiles.csv: position_um, then the fraction of each
// of `names` (keys of results["phases"]), one row per slice.
void write_profile_csv(const std::string& path, const Json& results, const std::vector<std::string>& names);

// The same from slice counts along params.axis (analyze counts once for every step); slice_um: voxel size
// along the axis.
Json profile_results(const SliceLabelCounts& counts, double slice_um, const PhaseTable& table,
                     const ProfileReportParams& params);

}  // namespace emorph
