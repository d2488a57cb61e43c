#pragma once
// The results layer of the measure commands: the `results` objects of the CLI's JSON envelope for
// fractions, profile, surface, composition, calibrate, granulometry and tpb, built once from the
// algorithms' structs (include/emorph/measure/) so that the CLI, the Python module and analyze return
// identical figures. The algorithm headers carry no JSON.
#include <optional>
#include <string>
#include <vector>

#include "emorph/measure/composition.hpp"
#include "emorph/measure/fractions.hpp"
#include "emorph/measure/grey_calibration.hpp"
#include "emorph/measure/lfp_calibration.hpp"
#include "emorph/measure/phase_ratios.hpp"
#include "emorph/measure/profile.hpp"
#include "emorph/measure/specific_surface.hpp"
#include "emorph/phase_table.hpp"
#include "emorph/result.hpp"

namespace emorph {

struct ElectrodeRegion;
struct SizeDistribution;
struct GranulometryResult;
struct TripleLineResult;

// A finite number, or null (NaN, infinities: undefined statistics such as an RSD of a zero mean).
Json number_or_null(double v);
Json optional_json(const std::optional<double>& v);

// The keys of a results `phases` object (JSON objects iterate alphabetically) in select_phases' order:
// `only` when given, else the table's phases in table order, then the others ("label_<n>") by label.
std::vector<std::string> phase_order(const PhaseTable& table, const Json& phases,
                                     const std::vector<std::string>& only = {});

// first_slice, last_slice, collector_slices, upper_collector_slices, collector_um, start_um, end_um,
// thickness_um.
Json electrode_region_json(const ElectrodeRegion& region);

// d10_um, d50_um, d90_um (volume-weighted), number_d10_um .. number_d90_um, mean_diameter_um.
Json size_quantiles_json(const SizeDistribution& d);
// diameter_um, cumulative_number, cumulative_volume, bin_edges_um, number_fraction, volume_fraction.
Json size_curves_json(const SizeDistribution& d);

// The results of `emorph granulometry --json` (and emorph.granulometry): phase, phase_voxels,
// radius_um, diameter_um, opening_voxels, volume_fraction_removed, cumulative_fraction, d50_um.
Json granulometry_results(const GranulometryResult& g, const Json& phase);

// The results of `emorph tpb --json` (and analyze's results.tpb): method, phases (active, conductor,
// pore), length_um, length_per_um2, raw_length_um, total_volume_um3, segments, ends.
Json triple_line_results(const TripleLineResult& r, const std::vector<std::string>& phases);

// The `results` object of `emorph fractions` (CONTRACT.md): phases.<name>.{label, voxels,
// volume_fraction[, region_voxels, region_volume_fraction]}, total_voxels, axis, ratios and, when an
// electrode region is found along the axis, electrode_region and region_ratios. When none is found,
// the reason is appended to `warnings` (if given) and the region keys are left out.
Json fractions_results(VolumeView<const uint8_t> labels, const PhaseTable& table, const FractionsReportParams& params,
                       std::vector<std::string>* warnings = nullptr);
// The same from slice counts along params.axis (slice_um: voxel size along it), e.g. streamed.
Json fractions_results(const SliceLabelCounts& counts, double slice_um, const PhaseTable& table,
                       const FractionsReportParams& params, std::vector<std::string>* warnings = nullptr);

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

// The `results` object of `emorph surface` (CONTRACT.md): method, count_volume_boundary,
// total_volume_um3, phases.<name>.{label, voxels, volume_um3, surface_area_um2,
// specific_surface_per_um, specific_surface_phase_per_um[, specific_surface_m2_per_g], surface_shares},
// interfaces["a|b"].{area_um2, specific_surface_per_um}, and solid_density_g_cm3 /
// electrode_specific_surface_m2_per_g where the densities are known. Spacing from the view.
Json surface_results(VolumeView<const uint8_t> labels, const PhaseTable& table, const SurfaceReportParams& params = {});
// The same from measured areas (e.g. a streamed SurfaceCrossingTally) and the voxel size.
Json surface_results(const SurfaceAreaResult& areas, const Spacing& spacing, const PhaseTable& table,
                     const SurfaceReportParams& params = {});

// results.phases.<name>.surface_shares: {"<other>": share, ...} (an empty object without interfaces).
Json surface_shares_json(const PhaseSurface& phase);

// The `results` object of `emorph composition` (CONTRACT.md): porosity_percent (null without porosity),
// porosity_from_loading, density_g_cm3.<name> (the densities used), solid_density_g_cm3 and
// solid_vol_percent.<name> (null / absent when a density is unknown), vol_percent.<name> (with a
// porosity), theoretical_ssa_m2_per_g (null without any BET value), no_bet, and where given
// ssa_contribution_m2_per_g, geometric_ssa_m2_per_g, theoretical_ssa_geometric_m2_per_g.
Json composition_results(const CompositionParams& params);

// The `results` object of `emorph calibrate`: samples, slope_g_cm3_per_grey, intercept_g_cm3,
// r_squared (null when the densities are all equal), calibration ("SLOPE,INTERCEPT" for --calibration).
Json grey_calibration_results(const GreyCalibration& calibration);

// The grey_profile object of `emorph profile --grey`: position_um[], mean_grey[] (null where a slice
// has no masked voxel), voxels[] and, with a calibration, density_g_cm3[] = intercept + slope * grey.
Json grey_profile_results(const GreyProfile& profile, const std::optional<GreyCalibration>& calibration = std::nullopt);

// The `results` object of `emorph calibrate --lfp-fraction`: kind "lfp_fraction_of_matrix", samples,
// slope, intercept, r_squared, slope_stderr, intercept_stderr, residual_std, grey_mean, grey_sxx,
// grey[], lfp_fraction[], residuals[].
Json lfp_calibration_results(const LfpCalibration& calibration);

// Reads a CAL.json written by `emorph calibrate --lfp-fraction --json` (the envelope or its results);
// InputError naming `option` and the file when it is missing or not an LFP calibration.
LfpCalibration read_lfp_calibration(const std::string& path, const std::string& option = "--lfp-calibration");

// {"<numerator>/<denominator>": ratio} (NaN written as null by write_json).
Json phase_ratios_json(const std::vector<PhaseRatio>& ratios);

}  // namespace emorph
