// JSON and CSV forms of the chord-length, two-point correlation and REV results.
#include "emorph/results/stats_results.hpp"

#include "emorph/fields.hpp"
#include "emorph/measure/chord_length.hpp"
#include "emorph/results/measure_results.hpp"
#include "emorph/measure/rev.hpp"
#include "emorph/measure/two_point_correlation.hpp"

namespace emorph {

namespace {
std::string cell(double v) { return number_or_null(v).dump(); }

EMORPH_JSON_FIELDS_OR_NULL(axis_chords_json, AxisChords, voxel_um, mean_chord_um, chords, border_chords, chord_um, count,
                           frequency, length_weighted)
}  // namespace

Json chords_results(const ChordLengthResult& c, const Json& phase, bool include_border_chords) {
  Json axes = Json::array();
  for (int a = 0; a < 3; ++a) {
    const AxisChords& x = c.axes[a];
    Json axis = axis_chords_json(x);
    axis["axis"] = a;
    axes.push_back(axis);
  }
  return {{"phase", phase},
          {"phase_voxels", c.phase_voxels},
          {"include_border_chords", include_border_chords},
          {"axes", axes}};
}

Json correlation_results(const TwoPointCorrelationResult& c, const Json& phase) {
  Json axes = Json::array();
  for (int a = 0; a < 3; ++a) {
    const AxisCorrelation& x = c.axes[a];
    axes.push_back({{"axis", a}, {"voxel_um", x.voxel_um}, {"r_um", x.r_um}, {"s2", x.s2}, {"pairs", x.pairs}});
  }
  return {{"phase", phase},
          {"phase_voxels", c.phase_voxels},
          {"volume_fraction", c.volume_fraction},
          {"method", correlation_method_name(c.method)},
          {"axes", axes}};
}

Json rev_results(const RevResult& r, const Json& phase) {
  return {{"phase", phase},
          {"phase_voxels", r.phase_voxels},
          {"volume_fraction", r.volume_fraction},
          {"analysed_volume_um3", r.analysed_volume_um3},
          {"sizes_um", r.sizes_um},
          {"volumes_um3", r.volumes_um3},
          {"subvolumes", r.subvolumes},
          {"mean_fraction", r.mean_fraction},
          {"std_fraction", r.std_fraction},
          {"used_in_fit", r.used_in_fit},
          {"integral_range_um3", number_or_null(r.integral_range_um3)},
          {"volume_fraction_std", number_or_null(r.volume_fraction_std)}};
}

CsvTable chords_table(const ChordLengthResult& c) {
  CsvTable t{{"axis", "chord_um", "count", "frequency", "length_weighted"}, {}};
  for (int a = 0; a < 3; ++a) {
    const AxisChords& x = c.axes[a];
    for (std::size_t k = 0; k < x.chord_um.size(); ++k)
      t.rows.push_back({std::to_string(a), cell(x.chord_um[k]), std::to_string(x.count[k]), cell(x.frequency[k]),
                        cell(x.length_weighted[k])});
  }
  return t;
}

CsvTable correlation_table(const TwoPointCorrelationResult& c) {
  CsvTable t{{"axis", "r_um", "s2", "pairs"}, {}};
  for (int a = 0; a < 3; ++a) {
    const AxisCorrelation& x = c.axes[a];
    for (std::size_t k = 0; k < x.r_um.size(); ++k)
      t.rows.push_back({std::to_string(a), cell(x.r_um[k]), cell(x.s2[k]), std::to_string(x.pairs[k])});
  }
  return t;
}

CsvTable rev_table(const RevResult& r) {
  CsvTable t{{"size_um", "volume_um3", "subvolumes", "mean_fraction", "std_fraction", "used_in_fit"}, {}};
  for (std::size_t i = 0; i < r.sizes_um.size(); ++i)
    t.rows.push_back({cell(r.sizes_um[i]), cell(r.volumes_um3[i]), std::to_string(r.subvolumes[i]),
                      cell(r.mean_fraction[i]), cell(r.std_fraction[i]), r.used_in_fit[i] ? "1" : "0"});
  return t;
}

void write_csv_table(const std::string& path, const CsvTable& table) {
  if (!path.empty()) write_csv(path, table.header, table.rows);
}

}  // namespace emorph
