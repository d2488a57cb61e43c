#pragma once
// The `results` objects of `emorph chords`, `emorph correlation` and `emorph rev` (and of the Python
// functions and analyze steps of the same names), built once so that all three report identical figures.
#include <string>
#include <vector>

#include "emorph/result.hpp"

namespace emorph {

struct ChordLengthResult;
struct TwoPointCorrelationResult;
struct RevResult;

// phase, phase_voxels, include_border_chords, axes[0..2]: axis, voxel_um, mean_chord_um, chords,
// border_chords, chord_um[], count[], frequency[], length_weighted[].
Json chords_results(const ChordLengthResult& c, const Json& phase, bool include_border_chords);
// phase, volume_fraction, axes[0..2]: axis, voxel_um, r_um[], s2[], pairs[].
Json correlation_results(const TwoPointCorrelationResult& c, const Json& phase);
// phase, volume_fraction, analysed_volume_um3, sizes_um[], volumes_um3[], subvolumes[], mean_fraction[],
// std_fraction[], used_in_fit[], integral_range_um3, volume_fraction_std.
Json rev_results(const RevResult& r, const Json& phase);

// CSV tables of the same figures: header and rows.
struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};
CsvTable chords_table(const ChordLengthResult& c);
CsvTable correlation_table(const TwoPointCorrelationResult& c);
CsvTable rev_table(const RevResult& r);

// Writes `table` to `path` (atomically) unless path is empty (no --csv asked).
void write_csv_table(const std::string& path, const CsvTable& table);

}  // namespace emorph
