// The results layer of the segment area (see segment_results.hpp): the `results` of `emorph segment`
// and of analyze's segmentation, the FIB/SEM records, particles and contacts, from the structs of
// include/emorph/segment/.
#include "emorph/results/segment_results.hpp"

#include <cmath>
#include <string>

#include "emorph/results/filter_results.hpp"

namespace emorph {

Json fibsem_column_levels_json(const FibsemColumnLevels& s) {
  Json phases = Json::object();
  auto ends = [](const std::vector<double>& v) { return Json::array({v.front(), v.back()}); };
  for (std::size_t k = 0; k < s.names.size(); ++k)
    phases[s.names[k]] = {{"grey_first_last_slice", ends(s.grey[k])}, {"from_expected_contrast", bool(s.from_expected[k])}};
  return {{"noise_sigma", s.noise_sigma}, {"pore_grey_first_last_slice", ends(s.pore_grey)}, {"phases", phases}};
}

Json fibsem_phases_json(const FibsemPhaseResult& s) {
  Json j = {{"pore_grey", s.pore_grey},     {"noise_sigma", s.noise_sigma}, {"mode_grey", s.mode_grey},
            {"phases", s.phases},           {"absent", s.absent},           {"thresholds", s.thresholds},
            {"phase_voxels", s.phase_voxels}, {"pore_voxels", s.pore_voxels}, {"unnamed_mode_grey", s.unnamed_mode_grey}};
  if (std::isfinite(s.contrast_misfit)) j["contrast_misfit"] = s.contrast_misfit;
  return j;
}

Json fibsem_shine_json(const FibsemShineEstimate& s) {
  return {{"fitted", s.fitted}, {"depth_um", s.depth_um}, {"strength", s.strength}, {"residual_rms", s.residual_rms}, {"gaps", s.gaps}, {"voxels", s.voxels}};
}

Json volume_correction_json(const FilterVolumeCorrection& s) {
  Json j = {{"threshold_before", s.threshold_before}, {"threshold", s.threshold}, {"fraction_shift", s.fraction_shift},
            {"mean_shift", s.mean_shift},             {"raw_mean", s.raw_mean},   {"filtered_mean", s.filtered_mean}};
  if (s.repeat_shift) j["repeat_shift"] = *s.repeat_shift;
  return j;
}

Json deep_levels_json(const DeepLevelFraction& s) {
  Json j = {{"applied", s.applied()},
            {"method", "mean grey over deep-voxel pure-phase levels"},
            {"route_fraction", s.route_fraction},
            {"fit_residual_ratio", s.fit_residual_ratio},
            {"psf_sigma_voxels", s.psf_sigma_voxels}};
  if (!s.applied()) {
    j["reason"] = s.withheld;
    return j;
  }
  j["fraction"] = s.fraction;
  j["fraction_band"] = {s.fraction_band[0], s.fraction_band[1]};
  j["mean_grey"] = s.mean_grey, j["dark_grey"] = s.dark_grey, j["bright_grey"] = s.bright_grey;
  j["depth_voxels"] = s.depth_voxels;
  j["deep_voxels"] = {s.deep_dark_voxels, s.deep_bright_voxels};
  j["iteration_fractions"] = s.iteration_fractions;
  return j;
}

Json reblur_surface_json(const ReblurSurface& s) {
  Json j = {{"method", "re-imaging bias correction (Efron & Tibshirani 1993)"},
            {"psf_sigma_voxels", s.psf_sigma_voxels},
            {"psf_fit_voxels", s.psf_fit_voxels},
            {"noise_sigma", s.noise_sigma},
            {"fit_residual_ratio", s.fit_residual_ratio}};
  if (!s.applied()) {
    j["skipped"] = true;
    j["reason"] = s.withheld;
    return j;
  }
  j["noise_roughness_share"] = s.noise_roughness_share;
  j["first_order_factor"] = s.first_order_factor;
  j["pass_losses"] = {s.first_pass_loss, s.second_pass_loss};
  j["noise_level_ratio"] = s.noise_level_ratio;
  j["reimaging_noise_sigma"] = {s.reimaging_noise_sigma[0], s.reimaging_noise_sigma[1]};
  if (!s.second_order_withheld.empty()) j["second_order_withheld"] = s.second_order_withheld;
  j["factor"] = s.factor;
  j["factor_band"] = {s.factor_band[0], s.factor_band[1]};
  return j;
}

Json bright_phase_json(const BrightPhaseCheck& s) {
  Json j = {{"checked", true},
            {"zero_grey", s.zero_grey},
            {"dark_level", s.dark_level},
            {"bright_level", s.bright_level},
            {"attenuation_ratio", std::isfinite(s.attenuation_ratio) ? Json(s.attenuation_ratio) : Json(nullptr)},
            {"nmc_present", s.nmc_present}};
  if (!s.reason.empty()) j["reason"] = s.reason;
  if (!s.zero_grey_source.empty()) j["zero_grey_source"] = s.zero_grey_source;
  return j;
}

Json segment_denoise_json(const SegmentDenoise& d) {
  if (!d.automatic) return {{"auto", false}, {"filter", denoise_spec_json(*d.filter)}};
  return {{"auto", true},
          {"filter", d.filter ? denoise_spec_json(*d.filter) : Json("none")},
          {"raw_cnr", d.raw_cnr ? Json(*d.raw_cnr) : Json(nullptr)},
          {"raw_separability", d.raw_separability ? Json(*d.raw_separability) : Json(nullptr)}};
}

Json fibsem_columns_json(const FibsemColumnsRecord& c) {
  Json j = fibsem_column_levels_json(c.levels);
  j["shine_depth_um"] = c.shine_depth_um, j["shine_strength"] = c.shine_strength, j["change_penalty"] = c.change_penalty;
  if (c.shine_fit) {
    j["shine_fit"] = fibsem_shine_json(*c.shine_fit);
    j["shine_fit"]["fitted"] = c.fitted_passes > 0;
    j["shine_fit"]["fitted_passes"] = c.fitted_passes;
  }
  if (c.rims)
    j["rims"] = {{"probe_sigma_px", c.rims->probe_sigma_px}, {"sweeps", c.rims->sweeps},
                 {"relabelled_voxels", c.rims->relabelled_voxels}};
  return j;
}

Json segment_results(const SegmentResult& s, bool with_histogram) {
  Json phases = Json::object();
  for (std::size_t k = 0; k < s.class_labels.size(); ++k) {
    const std::string& name = s.class_names[k];
    if (phases.contains(name)) {  // two classes mapped to one phase
      phases[name]["voxels"] = phases[name]["voxels"].get<int64_t>() + s.class_voxels[k];
    } else {
      phases[name] = {{"label", s.class_labels[k]}, {"voxels", s.class_voxels[k]}};
    }
  }
  for (auto& [name, p] : phases.items())
    p["volume_fraction"] = s.counted_voxels ? p["voxels"].get<double>() / static_cast<double>(s.counted_voxels) : 0.0;
  for (std::size_t k = 0; k < s.class_labels.size(); ++k)
    if (const auto fb = s.fraction_band(k)) phases[s.class_names[k]]["volume_fraction_band"] = *fb;
  const Json denoise = s.denoise_used ? segment_denoise_json(*s.denoise_used) : Json(nullptr);
  Json j = {{"method", s.threshold.method}, {"thresholds", s.threshold.thresholds}, {"classes", s.class_names},
            {"phases", phases},           {"counted_voxels", s.counted_voxels}, {"denoise", denoise}};
  if (s.band) j["threshold_band"] = s.band->thresholds;
  if (s.volume_correction) j["volume_correction"] = volume_correction_json(*s.volume_correction);
  if (s.deep_levels) j["deep_levels"] = deep_levels_json(*s.deep_levels);
  if (s.bright_phase) j["bright_phase"] = bright_phase_json(*s.bright_phase);
  else if (s.bright_phase_assumed) j["bright_phase"] = unchecked_bright_phase();
  if (s.model)
    j["model"] = {{"mean_dark", s.model->mean_dark},         {"sigma_dark", s.model->sigma_dark},
                  {"mean_bright", s.model->mean_bright},     {"sigma_bright", s.model->sigma_bright},
                  {"weight_dark", s.model->weight_dark},     {"weight_bright", s.model->weight_bright},
                  {"weight_partial", s.model->weight_partial}, {"cnr", s.model->cnr()},
                  {"level_dark", s.model->level_dark},       {"level_bright", s.model->level_bright},
                  {"fraction_estimate", s.model->fraction_estimate}, {"separability", s.model->separability}};
  if (s.model && s.model->posterior_crossing != 0) j["model"]["posterior_crossing"] = s.model->posterior_crossing;
  if (s.model && s.model->input_cnr)
    j["model"]["input_cnr"] = *s.model->input_cnr, j["model"]["input_noise_sigma"] = *s.model->input_noise_sigma;
  if (!s.threshold.peak_bins.empty()) {
    std::vector<double> peaks;
    for (int b : s.threshold.peak_bins) peaks.push_back(s.threshold.bin_centers[b]);
    j["peaks"] = peaks;
    j["smoothing_iterations"] = s.threshold.smoothing_iterations;
  }
  if (s.fibsem)
    j["fibsem"] = {{"pore_fraction", s.fibsem->pore_fraction},   {"background", s.fibsem->background},
                   {"solid_threshold", s.fibsem->solid_threshold}, {"edge_threshold", s.fibsem->edge_threshold},
                   {"grey_classes", s.fibsem->grey_classes},     {"single_population", s.fibsem->single_population},
                   {"pore_markers", s.fibsem->pore_markers},     {"solid_markers", s.fibsem->solid_markers},
                   {"unmarked", s.fibsem->unmarked}};
  if (s.fibsem && s.fibsem_solids) {
    j["fibsem"]["solids"] = fibsem_phases_json(*s.fibsem_solids);
    if (s.fibsem_columns) j["fibsem"]["solids"]["columns"] = fibsem_columns_json(*s.fibsem_columns);
  }
  if (with_histogram) j["histogram"] = {{"bin_centers", s.threshold.bin_centers}, {"counts", s.threshold.histogram}};
  return j;
}

Json unchecked_bright_phase() {
  return {{"checked", false},
          {"assumed", "NMC"},
          {"reason", "the bright class is taken as NMC: the grey of zero attenuation (air or empty pores) is unknown "
                     "(no air layer beside the electrode, no --pore-grey), so dense LFP of an LFP-only electrode "
                     "cannot be told from NMC"},
          {"options", {"--pore-grey G (the grey of air / empty pores in this scan): checks the bright class; an "
                       "LFP-only electrode is then refused by emorph segment (exit 2) and analysed by emorph analyze "
                       "as one matrix, its LFP from the grey levels with --lfp-mean F",
                       "--method manual:-1 --classes pore,matrix --lfp-calibration CAL.json (an LFP-only electrode as "
                       "one matrix, its LFP from a calibration on reference samples)"}}};
}

Json contact_results(const ContactAnalysis& a, const PhaseTable& table, const std::string& phase) {
  const ContactsResult& c = a.contacts;
  std::vector<int64_t> histogram;
  for (int k : c.coordination_number) {
    if (static_cast<std::size_t>(k) >= histogram.size()) histogram.resize(static_cast<std::size_t>(k) + 1, 0);
    ++histogram[static_cast<std::size_t>(k)];
  }
  double surface = c.contact_area_um2_total * 2;  // each contact is on the surface of both particles
  for (double v : c.phase_contact_area_um2) surface += v;
  Json with = Json::object();
  for (int l = 0; l < c.num_labels; ++l) {
    const double area = c.phase_contact_area_um2[static_cast<std::size_t>(l)];
    if (area <= 0) continue;
    with[table.name_of(static_cast<uint8_t>(l))] = {{"area_um2", area}, {"share", area / surface}};
  }
  return {{"phase", phase},
          {"method", "vector area of the faces between separated particles (rim faces by their edge neighbours inside); crofton-13 crossings with the other phases"},
          {"count", c.count},
          {"excluded_border", a.particles.excluded_border},
          {"excluded_small", a.particles.excluded_small},
          {"contacting_pairs", c.pairs.size()},
          {"contact_area_um2_total", c.contact_area_um2_total},
          {"mean_coordination_number", c.mean_coordination_number},
          {"coordination_histogram", histogram},
          {"contact_with", with}};
}

std::vector<std::string> contact_csv_header() { return {"particle_a", "particle_b", "contact_area_um2"}; }

std::vector<std::vector<std::string>> contact_csv_rows(const ContactAnalysis& a) {
  std::vector<std::vector<std::string>> rows;
  rows.reserve(a.contacts.pairs.size());
  for (const auto& p : a.contacts.pairs)
    rows.push_back({std::to_string(p.a), std::to_string(p.b), Json(p.area_um2).dump()});
  return rows;
}

std::vector<std::string> contact_particle_csv_header(const ContactAnalysis& a, const PhaseTable& table) {
  std::vector<std::string> h = {"label", "coordination_number", "contact_area_um2"};
  for (int l = 0; l < a.contacts.num_labels; ++l)
    if (a.contacts.phase_contact_area_um2[static_cast<std::size_t>(l)] > 0)
      h.push_back(table.name_of(static_cast<uint8_t>(l)) + "_area_um2");
  return h;
}

std::vector<std::vector<std::string>> contact_particle_csv_rows(const ContactAnalysis& a) {
  const ContactsResult& c = a.contacts;
  const std::size_t L = static_cast<std::size_t>(c.num_labels);
  std::vector<std::vector<std::string>> rows;
  rows.reserve(c.count);
  for (uint32_t p = 0; p < c.count; ++p) {
    std::vector<std::string> row = {std::to_string(p + 1), std::to_string(c.coordination_number[p]),
                                    Json(c.particle_contact_area_um2[p]).dump()};
    for (std::size_t l = 0; l < L; ++l)
      if (c.phase_contact_area_um2[l] > 0) row.push_back(Json(c.particle_phase_area_um2[p * L + l]).dump());
    rows.push_back(std::move(row));
  }
  return rows;
}

Json fibsem_route_json(const FibsemRouteResult& s) {
  Json j = segment_results(s.segmentation, false);
  const Json prep_record = fibsem_prep_record_json(s.preparation);
  Json prep = Json::object();
  for (const char* key : {"steps", "crop", "drift_max_px", "alignment", "align_skipped", "destripe"})
    if (prep_record.contains(key)) prep[key] = prep_record[key];
  if (prep_record.contains("intensity")) {
    const Json& in = prep_record["intensity"];
    prep["intensity"] = {{"method", in["method"]}};
    if (in.contains("reference_levels")) prep["intensity"]["reference_levels"] = in["reference_levels"];
  }
  if (prep_record.contains("shading")) prep["shading"] = {{"order", prep_record["shading"]["order"]}};
  if (prep_record.contains("drift_px")) prep["drift_px"] = prep_record["drift_px"];
  j["preparation"] = prep;
  return j;
}

Json segment_parameters_json(const SegmentOptions& o) {
  Json j = params_json(o, segment_param_table());
  SegmentParams applied;
  set_denoise(applied, o.denoise, "--denoise");
  j["denoise"] = applied.denoise ? denoise_spec_json(*applied.denoise) : Json(applied.auto_denoise ? "auto" : "none");
  if (!o.pore_grey) j.erase("pore_grey");
  if (o.range.size() == 2) j["range_min"] = o.range[0], j["range_max"] = o.range[1];
  if (o.method == "fibsem") j["fibsem"] = params_json(o, segment_fibsem_param_table());
  return j;
}

}  // namespace emorph
