#pragma once
// Pieces shared by the results functions of the measure commands (fractions_results, profile_results,
// surface_results, composition_results, grey_calibration_results): the `results` objects of the CLI's
// JSON envelope, built once in the library so the CLI and the Python module return identical figures.
#include <optional>
#include <string>
#include <vector>

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

}  // namespace emorph
