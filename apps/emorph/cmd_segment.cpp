// emorph segment IN OUT: grey volume -> uint8 phase map (labels of the phase table) by histogram
// thresholds (mixture:otsu-volume = the default, Otsu checked by the partial-volume model with the
// median's volume loss restored; mixture:otsu = without that; mixture = that model, intermodes = the two-peak rule, minimum = the paper's wording of it, otsu, multiotsu:N,
// manual:T1,T2) or, for FIB/SEM stacks, shine-through-robust pores then thresholds on the solids (--method fibsem).
#include <iostream>
#include <memory>

#include "command.hpp"
#include "common.hpp"
#include "param_options.hpp"
#include "emorph/atomic_file.hpp"
#include "emorph/io.hpp"
#include "emorph/parse.hpp"
#include "emorph/results/segment_results.hpp"
#include "emorph/segment/active_material_split.hpp"
#include "emorph/segment/grey_region.hpp"
#include "emorph/segment/segment.hpp"
#include "emorph/segment/segment_options.hpp"
#include "emorph/stream/streamed_segment.hpp"
#include "streaming.hpp"

namespace {

using emorph::Json;

struct CliOptions : emorph::cli::VolumeCommandOptions {
  std::string output;
  emorph::SegmentOptions options;  // the options of its parameter table, set by the CLI directly
  emorph::SegmentParams params;    // what they give (segment_params)
  std::string mask, mask_fix, mask_label;
};

emorph::Volume<uint8_t> read_mask(const std::string& path, const std::string& option) {
  auto any = emorph::read_volume(path);
  emorph::require(any.holds<uint8_t>(), option + ": " + path + " must be a uint8 volume (0 = outside)");
  return std::move(any.as<uint8_t>());
}

uint8_t parse_label(const std::string& text, const emorph::PhaseTable& table, const std::string& option) {
  if (const auto* p = table.find(text)) return p->label;
  const long long v = emorph::parse_int(text, option);
  emorph::require(v >= 0 && v <= 255, option + ": label must be a phase name or 0..255, got '" + text + "'");
  return static_cast<uint8_t>(v);
}

void finish_segment(const CliOptions& o, Json results);

void run_segment(CliOptions& o) {
  const emorph::PhaseTable table = o.phases.table();
  emorph::check_output_differs(o.in.input, o.output);
  o.params = emorph::segment_params(o.options);
  if (o.params.denoise && o.params.denoise->filter == "gaussian" && o.params.denoise->gaussian.sigma_in_um)
    o.in.require_voxel_size("--denoise gives sigma in um");
  if (o.options.region) o.in.require_voxel_size("--region reports the electrode region in um");
  // Without a mask, a correction or the region, an 8/16-bit volume streams when grey, filtered copy and labels do not fit.
  if (o.mask.empty() && o.mask_fix.empty() && !o.options.region) {
    const emorph::DType dtype = emorph::read_info(o.in.input).dtype;
    if (emorph::segment_streams(dtype, o.params) &&
        emorph::cli::should_stream(o.in, static_cast<double>(emorph::dtype_size(dtype)) + 1.0)) {
      emorph::StreamReport report;
      const emorph::SegmentResult r = emorph::streamed_segment(o.in.input, o.output, o.params, table, o.in.read_options(),
                                                               emorph::cli::stream_params(), &report);
      emorph::cli::record_streamed_run(report);
      return finish_segment(o, segment_results(r, !o.out.json.empty()));
    }
  }
  emorph::cli::check_in_core_need("segment (with a mask, --region, fibsem, a wide dtype or a non-median filter)", o.in.input,
                                  2.0 * static_cast<double>(emorph::dtype_size(emorph::read_info(o.in.input).dtype)) + 1.0);
  const auto grey = emorph::read_volume(o.in.input, o.in.read_options());
  std::optional<emorph::Volume<uint8_t>> mask;
  if (!o.mask.empty()) mask = read_mask(o.mask, "--mask");
  std::optional<emorph::Volume<uint8_t>> fix;
  if (!o.mask_fix.empty()) {
    emorph::require(!o.mask_label.empty(), "--mask-fix needs --mask-label (the phase the mask's voxels belong to)");
    fix = read_mask(o.mask_fix, "--mask-fix");
  }
  emorph::SegmentResult r = emorph::segment(grey, o.params, table, mask ? &*mask : nullptr);
  Json results = segment_results(r, !o.out.json.empty());
  if (fix) {
    const uint8_t label = parse_label(o.mask_label, table, "--mask-label");
    results["mask_fix"] = {{"label", label}, {"voxels_changed", emorph::apply_mask_fix(r.labels.view(), fix->view(), label,
                                                                                      r.class_labels.front())}};
    Json phases = Json::object();  // recount after the correction
    std::vector<int64_t> counts(256, 0);
    for (uint8_t l : r.labels) ++counts[l];
    for (int l = 0; l < 256; ++l)
      if (counts[l]) phases[table.name_of(static_cast<uint8_t>(l))] = {
                         {"label", l}, {"voxels", counts[l]},
                         {"volume_fraction", static_cast<double>(counts[l]) / static_cast<double>(r.labels.size())}};
    results["phases"] = phases;
  }
  if (o.options.region) {
    emorph::GreyRegionParams gp;
    gp.axis = o.options.axis;
    const auto reg = grey.visit([&](const auto& v) {
      using T = typename std::decay_t<decltype(v)>::value_type;
      return emorph::grey_electrode_region<T>(v.view(), gp);
    });
    results["electrode_region"] = {{"axis", reg.axis},         {"start_um", reg.start_um},
                                   {"end_um", reg.end_um},     {"thickness_um", reg.thickness_um},
                                   {"first_slice", reg.first_slice}, {"last_slice", reg.last_slice},
                                   {"collector_side_found", reg.lower_found}, {"surface_found", reg.upper_found}};
  }
  emorph::write_volume<uint8_t>(o.output, r.labels.view());
  finish_segment(o, std::move(results));
}

// The JSON envelope and the summary, in core or streamed.
void finish_segment(const CliOptions& o, Json results) {
  Json params = emorph::segment_parameters_json(o.options);
  params["voxel"] = o.in.voxel;
  params["phases"] = o.phases.phases;
  params["mask"] = o.mask;
  params["mask_fix"] = o.mask_fix;
  params["mask_label"] = o.mask_label;
  params["output"] = o.output;
  if (!o.out.json.empty()) {
    if (o.out.json != "-") emorph::check_output_differs(o.in.input, o.out.json);
    emorph::write_json(o.out.json, emorph::cli::input_envelope("segment", params, o.in, results));
  }
  results.erase("histogram");
  if (o.out.json != "-") std::cout << emorph::summarize_results(results);
}

void setup_segment(CLI::App& app) {
  auto o = std::make_shared<CliOptions>();
  auto* sub = app.add_subcommand("segment", "Grey volume -> phase map (uint8 labels) by histogram thresholds");
  emorph::cli::add_volume_command_options(sub, *o, "Grey volume");
  emorph::cli::declare_path(sub->add_option("output", o->output, "Output label volume (uint8)")->required(),
                            emorph::PathKind::output_volume, o->output);
  emorph::cli::add_param_options(sub, o->options, emorph::segment_param_table());
  emorph::cli::declare_path(sub->add_option("--mask", o->mask, "uint8 volume: only voxels != 0 are counted and classified (others get 0)"),
                            emorph::PathKind::input_volume, o->mask);
  emorph::cli::declare_path(sub->add_option("--mask-fix", o->mask_fix, "uint8 volume: its non-zero solid voxels are relabelled --mask-label"),
                            emorph::PathKind::input_volume, o->mask_fix);
  sub->add_option("--mask-label", o->mask_label, "Phase name or label for --mask-fix");
  sub->callback([o] { run_segment(*o); });
}

}  // namespace

EMORPH_COMMAND(setup_segment);
