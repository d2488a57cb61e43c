// emorph profile LABELS --axis A: the fraction of each phase in every slice perpendicular to the axis,
// and over a bulk window (--bulk START_UM:END_UM, or the detected electrode region trimmed by
// --exclude-collector/--exclude-surface) its mean, RSD and least-squares slope.
#include <iostream>
#include <memory>
#include <sstream>

#include "command.hpp"
#include "common.hpp"
#include "emorph/io.hpp"
#include "emorph/measure/depleted_layer.hpp"
#include "emorph/measure/electrode_region.hpp"
#include "emorph/measure/grey_calibration.hpp"
#include "emorph/measure/label_volume.hpp"
#include "emorph/measure/phase_selection.hpp"
#include "emorph/measure/profile.hpp"
#include "emorph/measure/profile_stats.hpp"
#include "emorph/parse.hpp"

namespace {

using emorph::Json;

struct ProfileOptions {
  emorph::cli::InputOptions in;
  emorph::cli::PhaseOptions phases;
  emorph::cli::OutputOptions out;
  int axis = 0;
  int window = 1;
  std::string bulk;
  double exclude_collector_um = 0, exclude_surface_um = 0;
  std::vector<std::string> only;
  std::string depleted_phase = "NMC";  // phase whose depleted layer above the collector is detected
  bool exclude_depleted = false;       // collector-side exclusion = the detected layer
  std::string grey;         // grey volume for the grey-level density profile
  std::string grey_phases;  // phases averaged in it, e.g. pore,LFP,CBD
  std::string calibration;  // SLOPE,INTERCEPT from `emorph calibrate`
};

// Mean grey of the --grey-phases in every slice, and the density through --calibration.
Json grey_profile_json(const ProfileOptions& o, const emorph::PhaseTable& table, const emorph::Volume<uint8_t>& labels) {
  emorph::require(!o.grey_phases.empty(), "--grey needs --grey-phases (e.g. pore,LFP,CBD)");
  emorph::GreyProfileParams gp;
  gp.axis = o.axis;
  std::stringstream ss(o.grey_phases);
  for (std::string name; std::getline(ss, name, ',');) gp.mask_labels.push_back(table.at(name, "--grey-phases").label);
  for (const std::string* out : {&o.out.json, &o.out.csv})
    if (!out->empty()) emorph::check_output_differs(o.grey, *out);
  const auto grey = emorph::read_volume(o.grey, o.in.read_options());
  const auto g = emorph::grey_profile(grey, labels.view(), gp);
  Json mean = Json::array();
  for (double v : g.mean_grey) mean.push_back(std::isfinite(v) ? Json(v) : Json(nullptr));
  Json j = {{"path", o.grey}, {"phases", o.grey_phases}, {"position_um", g.position_um}, {"mean_grey", mean}, {"voxels", g.voxels}};
  if (!o.calibration.empty()) {
    const auto c = emorph::parse_double_list(o.calibration, "--calibration");
    emorph::require(c.size() == 2, "--calibration: expected SLOPE,INTERCEPT");
    Json density = Json::array();
    for (double v : g.mean_grey) density.push_back(std::isfinite(v) ? Json(c[1] + c[0] * v) : Json(nullptr));
    j["density_g_cm3"] = density;
  }
  return j;
}

std::pair<double, double> parse_bulk(const std::string& spec) {
  const auto colon = spec.find(':');
  emorph::require(colon != std::string::npos, "--bulk: expected START_UM:END_UM, got '" + spec + "'");
  const double a = emorph::parse_double(spec.substr(0, colon), "--bulk");
  const double b = emorph::parse_double(spec.substr(colon + 1), "--bulk");
  emorph::require(a <= b, "--bulk: START_UM must not exceed END_UM, got '" + spec + "'");
  return {a, b};
}

Json number_or_null(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

void run_profile(const ProfileOptions& o) {
  const emorph::PhaseTable table = o.phases.table();
  emorph::require(o.axis >= 0 && o.axis <= 2, "--axis must be 0, 1 or 2 (got " + std::to_string(o.axis) + ")");
  std::optional<std::pair<double, double>> bulk;
  if (!o.bulk.empty()) bulk = parse_bulk(o.bulk);
  const auto labels = emorph::to_label_volume(emorph::read_volume(o.in.input, o.in.read_options()), o.in.input);
  const auto counts = emorph::slice_label_counts(labels.view(), {o.axis});
  const double slice_um = labels.spacing()[o.axis];
  const auto profile = emorph::fraction_profile(counts, slice_um, {o.axis, o.window});
  const auto raw = o.window == 1 ? profile : emorph::fraction_profile(counts, slice_um, {o.axis, 1});

  std::optional<emorph::ElectrodeRegion> region;
  try {
    region = emorph::electrode_region(counts, slice_um, emorph::electrode_region_params(table));
  } catch (const emorph::InputError& e) {
    if (!bulk) throw emorph::InputError(std::string("no --bulk window and ") + e.what());
  }
  // The depleted layer of --depleted-phase above the collector, when the region and the phase exist.
  std::optional<emorph::DepletedLayer> depleted;
  const emorph::Phase* depleted_phase = table.find(o.depleted_phase);
  emorph::require(depleted_phase || !o.exclude_depleted, "--depleted-phase: unknown phase '" + o.depleted_phase + "'");
  if (region && depleted_phase && depleted_phase->label < counts.num_labels &&
      region->last_slice - region->first_slice >= 3) {
    depleted = emorph::detect_depleted_layer(raw.fraction[depleted_phase->label],
                                             {region->first_slice, region->last_slice}, slice_um);
  }
  emorph::require(depleted || !o.exclude_depleted,
                  "--exclude-depleted: no depleted layer could be detected (no electrode region or no " + o.depleted_phase + ")");
  const double exclude_collector_um = o.exclude_depleted ? depleted->thickness_um : o.exclude_collector_um;
  const emorph::SliceRange window =
      bulk ? emorph::bulk_slices(profile.position_um, bulk->first, bulk->second, "--bulk")
           : emorph::trimmed_region_slices(profile.position_um, region->start_um, region->end_um, exclude_collector_um,
                                           o.exclude_surface_um);

  Json phases = Json::object();
  std::vector<std::string> header = {"position_um"};
  std::vector<const std::vector<double>*> columns;
  const auto totals = counts.totals();
  const std::vector<double> absent(profile.position_um.size(), 0.0);  // a table phase not in the volume
  for (const auto& p : emorph::select_phases(table, totals, o.only)) {
    const auto& fraction = p.label < counts.num_labels ? profile.fraction[p.label] : absent;
    const auto& raw_f = p.label < counts.num_labels ? raw.fraction[p.label] : absent;
    // Statistics on the per-slice fractions: the moving average would correlate neighbouring slices.
    const auto st = emorph::profile_stats(raw.position_um, raw_f, window);
    phases[p.name] = {{"label", p.label},
                      {"position_um", profile.position_um},
                      {"fraction", fraction},
                      {"mean_fraction", number_or_null(st.mean_fraction)},
                      {"rsd_percent", number_or_null(st.rsd_percent)},
                      {"slope_per_um", number_or_null(st.slope_per_um)},
                      {"slope_stderr_per_um", number_or_null(st.slope_stderr_per_um)},
                      {"slope_relative_percent_per_um", number_or_null(st.slope_relative_percent_per_um)}};
    header.push_back(p.name);
  }
  Json results = {{"axis", o.axis},
                  {"slice_um", slice_um},
                  {"window_slices", o.window},
                  {"bulk", {{"first_slice", window.first},
                            {"last_slice", window.last},
                            {"slices", window.last - window.first + 1},
                            {"start_um", profile.position_um[static_cast<std::size_t>(window.first)]},
                            {"end_um", profile.position_um[static_cast<std::size_t>(window.last)]},
                            {"source", bulk ? "bulk" : "electrode_region"}}},
                  {"phases", phases}};
  if (region)
    results["electrode_region"] = {{"first_slice", region->first_slice}, {"last_slice", region->last_slice},
                                   {"collector_slices", region->collector_slices}, {"start_um", region->start_um},
                                   {"end_um", region->end_um},           {"thickness_um", region->thickness_um}};
  if (depleted)
    results["depleted_layer"] = {{"phase", o.depleted_phase},
                                 {"thickness_um", depleted->thickness_um},
                                 {"end_um", static_cast<double>(depleted->end_slice) * slice_um},
                                 {"bulk_fraction", depleted->bulk_fraction}};
  if (!o.grey.empty()) results["grey_profile"] = grey_profile_json(o, table, labels);
  if (!o.out.csv.empty()) {
    emorph::check_output_differs(o.in.input, o.out.csv);
    std::vector<std::vector<std::string>> rows;
    for (std::size_t i = 0; i < profile.position_um.size(); ++i) {
      std::vector<std::string> row = {Json(profile.position_um[i]).dump()};
      for (std::size_t c = 1; c < header.size(); ++c) row.push_back(Json(phases[header[c]]["fraction"][i]).dump());
      rows.push_back(std::move(row));
    }
    emorph::write_csv(o.out.csv, header, rows);
  }
  const Json params = {{"voxel", o.in.voxel},   {"phases", o.phases.phases},
                       {"axis", o.axis},        {"window", o.window},
                       {"bulk", o.bulk},        {"exclude_collector_um", o.exclude_collector_um},
                       {"exclude_surface_um", o.exclude_surface_um}, {"phase", o.only},
                       {"grey", o.grey},        {"grey_phases", o.grey_phases},
                       {"calibration", o.calibration}, {"depleted_phase", o.depleted_phase},
                       {"exclude_depleted", o.exclude_depleted}};
  emorph::cli::emit_results(o.out, "profile", params, o.in.input, results);
}

void setup_profile(CLI::App& app) {
  auto o = std::make_shared<ProfileOptions>();
  auto* sub = app.add_subcommand("profile", "Phase fraction profiles along an axis, with bulk mean, RSD and slope");
  emorph::cli::add_input_options(sub, o->in, "Label volume (uint8)");
  emorph::cli::add_phase_options(sub, o->phases);
  sub->add_option("--axis", o->axis, "Axis of the profile (thickness axis: collector at index 0)")->capture_default_str();
  sub->add_option("--window", o->window, "Moving average over this odd number of slices")->capture_default_str();
  auto* bulk = sub->add_option("--bulk", o->bulk, "Bulk window START_UM:END_UM (slices whose centre lies inside)");
  auto* exclude_collector = sub->add_option("--exclude-collector", o->exclude_collector_um,
                  "Bulk = electrode region minus this collector-side layer (um)")
      ->capture_default_str()
      ->excludes(bulk);
  sub->add_option("--exclude-surface", o->exclude_surface_um, "Bulk = electrode region minus this surface layer (um)")
      ->capture_default_str()
      ->excludes(bulk);
  sub->add_option("--depleted-phase", o->depleted_phase, "Phase whose depleted layer above the collector is detected")
      ->capture_default_str();
  sub->add_flag("--exclude-depleted", o->exclude_depleted,
                "Collector-side exclusion = the detected depleted layer (instead of --exclude-collector)")
      ->excludes(bulk)
      ->excludes(exclude_collector);
  sub->add_option("--phase", o->only, "Report only these phases (each must be present)");
  sub->add_option("--grey", o->grey, "Grey volume (same shape): adds the mean grey of --grey-phases per slice");
  sub->add_option("--grey-phases", o->grey_phases, "Phases averaged in the grey profile, e.g. pore,LFP,CBD");
  sub->add_option("--calibration", o->calibration, "SLOPE,INTERCEPT (from emorph calibrate): grey -> density g/cm3");
  emorph::cli::add_json_option(sub, o->out);
  emorph::cli::add_csv_option(sub, o->out);
  sub->callback([o] { run_profile(*o); });
}

}  // namespace

EMORPH_COMMAND(setup_profile);
