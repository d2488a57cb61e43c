// emorph profile LABELS --axis A: the fraction of each phase in every slice perpendicular to the axis,
// and over a bulk window (--bulk START_UM:END_UM, or the detected electrode region trimmed by
// --exclude-collector/--exclude-surface) its mean, RSD and least-squares slope.
#include <iostream>
#include <memory>
#include <sstream>

#include "checks.hpp"
#include "command.hpp"
#include "common.hpp"
#include "param_options.hpp"
#include "streaming.hpp"
#include "emorph/io.hpp"
#include "emorph/measure/grey_calibration.hpp"
#include "emorph/measure/label_volume.hpp"
#include "emorph/measure/profile.hpp"
#include "emorph/measure/report_param_tables.hpp"
#include "emorph/parse.hpp"
#include "emorph/results/measure_results.hpp"
#include "emorph/results/stream_results.hpp"

namespace {

using emorph::Json;

struct ProfileOptions : emorph::cli::VolumeCommandOptions {
  emorph::ProfileReportParams report;  // the options of its parameter table, set by the CLI directly
  std::string bulk;
  std::string grey;         // grey volume for the grey-level density profile
  std::string grey_phases;  // phases averaged in it, e.g. pore,LFP,CBD
  std::string calibration;  // SLOPE,INTERCEPT from `emorph calibrate`
};

// The --grey-phases and --calibration of a grey profile, checked.
struct GreyProfileRequest {
  emorph::GreyProfileParams params;
  std::optional<emorph::GreyCalibration> calibration;
};

GreyProfileRequest grey_profile_request(const ProfileOptions& o, const emorph::PhaseTable& table) {
  emorph::require(!o.grey_phases.empty(), "--grey needs --grey-phases (e.g. pore,LFP,CBD)");
  GreyProfileRequest r;
  r.params.axis = o.report.axis;
  for (const auto& name : emorph::parse_name_list(o.grey_phases, "--grey-phases"))
    r.params.mask_labels.push_back(table.at(name, "--grey-phases").label);
  if (!o.calibration.empty()) {
    const auto c = emorph::parse_double_list(o.calibration, "--calibration");
    emorph::require(c.size() == 2, "--calibration: expected SLOPE,INTERCEPT");
    r.calibration = emorph::GreyCalibration{};
    r.calibration->slope = c[0];
    r.calibration->intercept = c[1];
  }
  for (const std::string* out : {&o.out.json, &o.out.csv})
    if (!out->empty()) emorph::check_output_differs(o.grey, *out);
  return r;
}

// Mean grey of the --grey-phases in every slice, and the density through --calibration.
Json grey_profile_json(const ProfileOptions& o, const GreyProfileRequest& r, const emorph::GreyProfile& profile) {
  Json j = emorph::grey_profile_results(profile, r.calibration);
  j["path"] = o.grey;
  j["phases"] = o.grey_phases;
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

void run_profile(const ProfileOptions& o) {
  const emorph::PhaseTable table = o.phases.table();
  emorph::ProfileReportParams p = o.report;
  if (!o.bulk.empty()) p.bulk_um = parse_bulk(o.bulk);
  Json results;
  // With --grey both volumes are in core together; an 8/16-bit grey volume streams beside the labels.
  const bool stream =
      o.grey.empty() ? emorph::cli::should_stream_labels(o.in)
                     : emorph::grey_profile_streams(emorph::read_info(o.grey).dtype) &&
                           emorph::cli::should_stream(o.in, static_cast<double>(emorph::dtype_size(emorph::read_info(o.grey).dtype)));
  if (stream) {
    emorph::StreamReport report;
    results = emorph::streamed_profile_results(o.in.input, o.in.read_options(), table, p, emorph::cli::local_stream_params(),
                                               &report);
    if (!o.grey.empty()) {
      const GreyProfileRequest request = grey_profile_request(o, table);
      results["grey_profile"] = grey_profile_json(
          o, request,
          emorph::streamed_grey_profile(o.in.input, o.grey, o.in.read_options(), request.params, emorph::cli::local_stream_params()));
    }
    emorph::cli::record_streamed_run(report);
  } else {
    const auto labels = emorph::to_label_volume(emorph::read_volume(o.in.input, o.in.read_options()), o.in.input);
    results = emorph::profile_results(labels.view(), table, p);
    if (!o.grey.empty()) {
      const GreyProfileRequest request = grey_profile_request(o, table);
      const auto grey = emorph::read_volume(o.grey, o.in.read_options());
      results["grey_profile"] = grey_profile_json(o, request, emorph::grey_profile(grey, labels.view(), request.params));
    }
  }
  if (!o.out.csv.empty()) {
    emorph::check_output_differs(o.in.input, o.out.csv);
    emorph::write_profile_csv(o.out.csv, results, emorph::phase_order(table, results["phases"], p.only));
  }
  Json params = emorph::params_json(o.report, emorph::profile_param_table());
  params.update({{"voxel", o.in.voxel}, {"phases", o.phases.phases}, {"bulk", o.bulk}});
  params.update({{"grey", o.grey}, {"grey_phases", o.grey_phases}, {"calibration", o.calibration}});
  emorph::cli::emit_results(o.out, "profile", params, o.in, results);
}

void setup_profile(CLI::App& app) {
  auto o = std::make_shared<ProfileOptions>();
  auto* sub = app.add_subcommand("profile", "Phase fraction profiles along an axis, with bulk mean, RSD and slope");
  emorph::cli::add_volume_command_options(sub, *o);
  o->in.needs_voxel_size = true;  // results in um
  auto* bulk = sub->add_option("--bulk", o->bulk, "Bulk window START_UM:END_UM (slices whose centre lies inside)");
  emorph::cli::add_param_options(sub, o->report, emorph::profile_param_table());
  // The bulk window is given or derived from the electrode region: the ways of deriving it exclude it.
  auto* exclude_collector = sub->get_option("--exclude-collector");
  exclude_collector->check(emorph::cli::non_negative())->excludes(bulk);
  sub->get_option("--exclude-surface")->check(emorph::cli::non_negative())->excludes(bulk);
  sub->get_option("--exclude-depleted")->excludes(bulk)->excludes(exclude_collector);
  emorph::cli::declare_path(sub->add_option("--grey", o->grey, "Grey volume (same shape): adds the mean grey of --grey-phases per slice"),
                            emorph::PathKind::input_volume, o->grey);
  sub->add_option("--grey-phases", o->grey_phases, "Phases averaged in the grey profile, e.g. pore,LFP,CBD");
  sub->add_option("--calibration", o->calibration, "SLOPE,INTERCEPT (from emorph calibrate): grey -> density g/cm3");
  emorph::cli::add_csv_option(sub, o->out);
  sub->callback([o] { run_profile(*o); });
}

}  // namespace

EMORPH_COMMAND(setup_profile);
