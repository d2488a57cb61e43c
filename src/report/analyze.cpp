// The analysis pipeline of Etiemble et al. 2017 (sections 3.1-3.3) as one reproducible run:
// load -> (denoise -> histogram threshold) -> label volume -> fractions, profiles, surfaces, sizes,
// transport -> results.json + CSV + PNG + report.html.
#include "emorph/report/analyze.hpp"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>

#include "emorph/atomic_file.hpp"
#include "emorph/error.hpp"
#include "emorph/filter/denoise.hpp"
#include "emorph/io.hpp"
#include "emorph/measure/depleted_layer.hpp"
#include "emorph/measure/electrode_region.hpp"
#include "emorph/measure/fractions.hpp"
#include "emorph/measure/granulometry.hpp"
#include "emorph/report/statistics_step.hpp"
#include "emorph/measure/grey_calibration.hpp"
#include "emorph/measure/label_volume.hpp"
#include "emorph/measure/profile.hpp"
#include "emorph/measure/profile_stats.hpp"
#include "emorph/measure/results_json.hpp"
#include "emorph/measure/specific_surface.hpp"
#include "emorph/measure/surface_area.hpp"
#include "emorph/progress.hpp"
#include "emorph/report/analysis_report.hpp"
#include "emorph/report/composition_check.hpp"
#include "emorph/report/descriptor_steps.hpp"
#include "emorph/report/lfp_step.hpp"
#include "emorph/report/fibsem_analysis.hpp"
#include "emorph/report/slice_views.hpp"
#include "emorph/report/grey_bands.hpp"
#include "emorph/segment/segment.hpp"
#include "emorph/segment/separate_particles.hpp"
#include "emorph/synth/electrode.hpp"
#include "emorph/synth/xct.hpp"
#include "emorph/transport/tortuosity.hpp"
#include "emorph/version.hpp"

namespace fs = std::filesystem;

namespace emorph {
namespace {

// A uint8 volume with few distinct values is taken for a label volume (kind = "auto").
bool looks_like_labels(const AnyVolume& v) {
  if (!v.holds<uint8_t>()) return false;
  std::array<bool, 256> seen{};
  for (uint8_t x : v.as<uint8_t>()) seen[x] = true;
  int distinct = 0;
  for (bool s : seen) distinct += s;
  return distinct <= 8;
}

Volume<uint8_t> phase_mask(const Volume<uint8_t>& labels, uint8_t label) {
  Volume<uint8_t> mask(labels.shape(), labels.spacing(), labels.thickness_axis());
  const uint8_t* in = labels.data();
  uint8_t* out = mask.data();
  const int64_t n = labels.size();
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < n; ++i) out[i] = in[i] == label;
  return mask;
}

class Pipeline {
 public:
  Pipeline(const AnalysisConfig& c, const Json& config_json) : c_(c), config_json_(config_json) {}

  AnalysisOutcome run() {
    out_ = fs::path(c_.out_dir);
    if (!c_.input.empty()) check_output_differs(c_.input, c_.out_dir);
    std::error_code ec;
    fs::create_directories(out_, ec);
    if (ec || !fs::is_directory(out_)) throw InputError(c_.out_dir + ": cannot create the results folder");
    log_.open(out_ / "analyze.log", std::ios::trunc);
    table_ = c_.phases.empty() ? PhaseTable::default_table() : PhaseTable::parse(c_.phases, "[phases]");
    if (!c_.density.empty()) table_.set_densities(c_.density, "[density]");

    Progress progress("analyze", 10);
    auto advance = [&] { progress.advance(); };
    const bool loaded = step("load", [&] { load(); });
    advance();
    const bool segmented = loaded && step("segment", [&] { segment(); });
    advance();
    if (segmented) {
      step("region", [&] { region(); });
      advance();
      if (c_.fractions) step("fractions", [&] { fractions(); });
      advance();
      if (c_.profiles) step("profiles", [&] { profiles(); });
      if (c_.profiles && grey_.bytes()) step("grey_profile", [&] { grey_profile_step(); });
      if (c_.profiles && grey_.bytes() && results_["profiles"].contains("bulk")) step("lfp", [&] { lfp_step(); });
      advance();
      if (c_.surface) step("surface", [&] { surface(); });
      advance();
      if (!c_.granulometry.empty()) step("granulometry", [&] { granulometry_step(); });
      advance();
      if (!c_.particles.empty()) step("particles", [&] { particles_step(); });
      advance();
      if (!c_.tortuosity.empty()) step("tortuosity", [&] { tortuosity_step(); });
      for (const auto& [key, names] : {std::pair{"chords", &c_.chords}, std::pair{"correlation", &c_.correlation},
                                       std::pair{"rev", &c_.rev}})
        if (!names->empty()) step(key, [&] { statistics_step(key, *names); });
      advance();
      if (!c_.lfp.composition.empty()) step("composition", [&] { results_["composition_check"] = composition_check(c_.lfp, table_, results_); });
      descriptor_steps();
      step("outputs", [&] { outputs(); });
      advance();
      if (c_.export_bpx) step("export_bpx", [&] { results_["export_bpx"] = export_bpx_step(results_, out_.string()); });
    }
    finish();
    return outcome_;
  }

 private:
  bool step(const std::string& name, const std::function<void()>& fn) {
    const auto t0 = std::chrono::steady_clock::now();
    log_ << "[" << name << "] start\n" << std::flush;
    bool ok = true;
    try {
      fn();
    } catch (const InputError& e) {
      outcome_.failures.push_back({name, e.what(), true});
      ok = false;
    } catch (const std::exception& e) {
      outcome_.failures.push_back({name, e.what(), false});
      ok = false;
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    results_["timings_s"][name] = s;
    log_ << "[" << name << "] " << (ok ? "done" : "FAILED: " + outcome_.failures.back().error) << " in " << s << " s\n"
         << std::flush;
    return ok;
  }

  void load() {
    Json sample;
    if (c_.demo) {
      synth::SynthParams sp = synth::preset(c_.demo_preset, c_.demo_size, c_.demo_voxel_um, c_.demo_seed);
      // An LFP-only preset (J, K) resolves nothing at XCT scale: the whole electrode is the matrix
      // (a threshold below every grey), its LFP comes from the grey levels.
      const AnalysisConfig defaults;
      if (sp.nmc_fraction == 0 && c_.method == defaults.method && c_.classes == defaults.classes) {
        c_.method = "manual:-1";
        c_.classes = {"pore", "matrix"};
      }
      auto gen = synth::generate_electrode(sp);
      truth_ = gen.truth;
      truth_counts_ = slice_label_counts(gen.labels.view(), {c_.axis});
      // The demo goes the way real data goes: a simulated XCT grey volume, segmented like an input.
      synth::XctParams xp;
      xp.seed = c_.demo_seed;
      auto xct = synth::simulate_xct(gen.labels.view(), xp);
      grey_ = std::move(xct.image);
      demo_lfp_defaults(sp, xct.truth);
      sample = {{"source", "synthetic XCT"}, {"preset", c_.demo_preset}, {"seed", c_.demo_seed}};
    } else {
      require(!c_.input.empty(), "no input: give a volume, a config with [input] path, or --demo");
      ReadOptions ro;
      ro.voxel = c_.voxel;
      AnyVolume v = read_volume(c_.input, ro);
      const bool labels = c_.kind == "labels" || (c_.kind == "auto" && looks_like_labels(v));
      if (labels)
        labels_ = to_label_volume(std::move(v), c_.input);
      else
        grey_ = std::move(v);
      sample = {{"source", c_.input}};
    }
    const Shape s = labels_.size() ? labels_.shape() : grey_.shape();
    const Spacing sp = labels_.size() ? labels_.spacing() : grey_.spacing();
    sample["shape"] = {s.nz, s.ny, s.nx};
    sample["voxel_um"] = {sp.dz, sp.dy, sp.dx};
    sample["kind"] = labels_.size() ? "labels" : "grey";
    sample["axis"] = c_.axis;
    results_["sample"] = sample;
  }

  void segment() {
    if (labels_.size()) return;  // already a label volume
    if (c_.method == "fibsem") {  // a raw FIB/SEM stack: prepared, then the phases present (fibsem_analysis.hpp)
      const FibsemAnalysis f = analyse_fibsem_stack(grey_, labels_, c_.classes, c_.axis, table_);
      results_["segmentation"] = f.segmentation;
      results_["multiscale"] = f.multiscale;
      return;
    }
    SegmentParams sp;
    sp.method = c_.method;
    for (const auto& name : c_.classes) sp.classes += (sp.classes.empty() ? "" : ",") + name;
    set_denoise(sp, c_.denoise, "[preprocess] denoise");
    SegmentResult seg = emorph::segment(grey_, sp, table_);
    labels_ = std::move(seg.labels);
    threshold_ = seg.threshold;
    grey_bands_ = GreyBands(seg);
    results_["segmentation"] = seg.to_json(false);
    results_["segmentation"]["denoise"] = c_.denoise;
  }

  void region() {
    counts_ = slice_label_counts(labels_.view(), {c_.axis});
    region_ = electrode_region(counts_, labels_.spacing()[c_.axis], electrode_region_params(table_));
    results_["sample"]["electrode_region"] = {{"first_slice", region_->first_slice},
                                              {"last_slice", region_->last_slice},
                                              {"collector_slices", region_->collector_slices},
                                              {"start_um", region_->start_um},
                                              {"end_um", region_->end_um}};
    results_["sample"]["thickness_um"] = region_->thickness_um;
  }

  void fractions() {
    const PhaseFractions all = phase_fractions(counts_, 0, counts_.slices - 1);
    const PhaseFractions electrode = phase_fractions(counts_, region_->first_slice, region_->last_slice);
    Json phases = Json::object();
    for (const auto& p : table_.phases()) {
      if (all.count(p.label) == 0) continue;
      phases[p.name] = {{"label", p.label},
                        {"voxels", all.count(p.label)},
                        {"volume_fraction", all.fraction(p.label)},
                        {"electrode_volume_fraction", electrode.fraction(p.label)}};
    }
    grey_bands_.add_fraction_bands(phases);
    results_["fractions"] = {{"phases", phases}};
  }

  // The bulk window: the electrode region minus the configured layers, widened (auto_bulk) to the
  // boundary layers detected on the main active phase's profile; the detection is recorded.
  SliceRange bulk_window(const FractionProfile& raw) {
    double collector_um = c_.exclude_collector_um, surface_um = c_.exclude_surface_um;
    const Phase* main = nullptr;
    for (const char* name : {"NMC", "LFP"}) {
      const Phase* p = table_.find(name);
      if (!main && p && p->label < counts_.num_labels && counts_.totals()[p->label] > 0) main = p;
    }
    const SliceRange region{region_->first_slice, region_->last_slice};
    Json record = {{"auto", c_.auto_bulk}};
    if (c_.auto_bulk && main && region.last - region.first >= 3) {
      const double slice_um = labels_.spacing()[c_.axis];
      const auto& f = raw.fraction[main->label];
      const DepletedLayer below = detect_depleted_layer(f, region, slice_um);
      // The surface layer is the same rule read from the surface down.
      const std::vector<double> reversed(f.rbegin(), f.rend());
      const int64_t n = static_cast<int64_t>(f.size());
      const DepletedLayer above = detect_depleted_layer(reversed, {n - 1 - region.last, n - 1 - region.first}, slice_um);
      record.update({{"phase", main->name},
                     {"collector_layer_um", below.thickness_um},
                     {"surface_layer_um", above.thickness_um}});
      // A thin sample made of boundary layers only keeps the configured window.
      if (below.thickness_um + above.thickness_um < 0.8 * region_->thickness_um) {
        collector_um = std::max(collector_um, below.thickness_um);
        surface_um = std::max(surface_um, above.thickness_um);
      } else {
        record["note"] = "detected layers cover the region: configured layers used";
      }
    }
    record.update({{"exclude_collector_um", collector_um}, {"exclude_surface_um", surface_um}});
    results_["profiles"]["bulk_selection"] = record;
    return trimmed_region_slices(raw.position_um, region_->start_um, region_->end_um, collector_um, surface_um);
  }

  // The demo's truth measured exactly like the sample: same slices, same bulk window.
  Json truth_profile_stats(const FractionProfile& raw, SliceRange bulk) const {
    const auto truth = fraction_profile(truth_counts_, labels_.spacing()[c_.axis], {c_.axis, 1});
    const auto totals = truth_counts_.totals();
    const double all = static_cast<double>(truth_counts_.slices) * static_cast<double>(truth_counts_.voxels_per_slice);
    Json phases = Json::object();
    for (const auto& p : table_.phases()) {
      if (p.label >= truth_counts_.num_labels || totals[p.label] == 0) continue;
      const auto st = profile_stats(raw.position_um, truth.fraction[p.label], bulk);
      phases[p.name] = {{"volume_fraction", static_cast<double>(totals[p.label]) / all},
                        {"mean_fraction", number_or_null(st.mean_fraction)},
                        {"rsd_percent", number_or_null(st.rsd_percent)},
                        {"slope_per_um", number_or_null(st.slope_per_um)},
                        {"slope_relative_percent_per_um", number_or_null(st.slope_relative_percent_per_um)}};
    }
    return phases;
  }

  void profiles() {
    const double slice_um = labels_.spacing()[c_.axis];
    const auto profile = fraction_profile(counts_, slice_um, {c_.axis, c_.window});
    const auto raw = c_.window == 1 ? profile : fraction_profile(counts_, slice_um, {c_.axis, 1});
    const SliceRange bulk = bulk_window(raw);
    Json phases = Json::object();
    for (const auto& p : table_.phases()) {
      if (p.label >= counts_.num_labels || counts_.totals()[p.label] == 0) continue;
      const auto st = profile_stats(raw.position_um, raw.fraction[p.label], bulk);
      phases[p.name] = {{"label", p.label},
                        {"position_um", profile.position_um},
                        {"fraction", profile.fraction[p.label]},
                        {"mean_fraction", number_or_null(st.mean_fraction)},
                        {"rsd_percent", number_or_null(st.rsd_percent)},
                        {"slope_per_um", number_or_null(st.slope_per_um)},
                        {"slope_stderr_per_um", number_or_null(st.slope_stderr_per_um)},
                        {"slope_relative_percent_per_um", number_or_null(st.slope_relative_percent_per_um)}};
    }
    grey_bands_.add_profile_bands(phases, c_.axis, raw.position_um, bulk, counts_.voxels_per_slice);
    if (truth_counts_.slices > 0) truth_profiles_ = truth_profile_stats(raw, bulk);
    results_["profiles"].update({{"axis", c_.axis},
                            {"window_slices", c_.window},
                            {"bulk",
                             {{"first_slice", bulk.first},
                              {"last_slice", bulk.last},
                              {"start_um", raw.position_um[static_cast<std::size_t>(bulk.first)]},
                              {"end_um", raw.position_um[static_cast<std::size_t>(bulk.last)]}}},
                            {"phases", phases}});
    std::vector<std::string> header = {"position_um"};
    for (const auto& [name, _] : phases.items()) header.push_back(name);
    std::vector<std::vector<std::string>> rows;
    for (std::size_t i = 0; i < profile.position_um.size(); ++i) {
      std::vector<std::string> row = {Json(profile.position_um[i]).dump()};
      for (std::size_t k = 1; k < header.size(); ++k) row.push_back(phases[header[k]]["fraction"][i].dump());
      rows.push_back(std::move(row));
    }
    write_csv((out_ / "profiles.csv").string(), header, rows);
  }

  void surface() {
    const auto areas = surface_areas(labels_.view());
    const auto spec = specific_surfaces(areas, labels_.spacing(), table_);
    Json phases = Json::object(), interfaces = Json::object();
    for (const auto& p : spec.phases) {
      if (p.voxels == 0) continue;
      phases[p.name] = {{"surface_area_um2", p.surface_area_um2},
                        {"specific_surface_per_um", p.specific_surface_per_um}};
      if (p.specific_surface_phase_per_um) phases[p.name]["specific_surface_phase_per_um"] = *p.specific_surface_phase_per_um;
      if (p.specific_surface_m2_per_g) phases[p.name]["specific_surface_m2_per_g"] = *p.specific_surface_m2_per_g;
      phases[p.name]["surface_shares"] = surface_shares_json(p);
    }
    for (const auto& i : spec.interfaces)
      interfaces[i.name] = {{"area_um2", i.area_um2}, {"specific_surface_per_um", i.specific_surface_per_um}};
    results_["surface"] = {{"phases", phases}, {"interfaces", interfaces}};
  }

  // Phases of a measurement list that are in the volume; absent ones are recorded as skipped (an XCT
  // phase map has no pore phase, for instance), unknown names are an error.
  std::vector<const Phase*> present(const std::vector<std::string>& names, const std::string& key) {
    std::vector<const Phase*> out;
    for (const auto& name : names) {
      const Phase& p = table_.at(name, key);
      if (p.label < counts_.num_labels && counts_.totals()[p.label] > 0)
        out.push_back(&p);
      else
        results_["skipped"].push_back({{"step", key}, {"phase", name}, {"reason", "phase absent from the label volume"}});
    }
    return out;
  }

  void grey_profile_step() {
    std::vector<uint8_t> matrix;
    for (const auto& p : table_.phases())
      if (p.name != "NMC" && p.name != "collector") matrix.push_back(p.label);
    const auto g = grey_profile(grey_, labels_.view(), {c_.axis, matrix});
    results_["grey_profile"] = {{"phases_averaged", "all but NMC and collector"},
                                {"position_um", g.position_um},
                                {"mean_grey", g.mean_grey},
                                {"voxels", g.voxels}};
  }

  void lfp_step() {
    const Json& bulk = results_["profiles"]["bulk"];
    const LfpStepInputs in{grey_,    labels_.view(), table_,     c_.axis,    *region_,
                           {bulk["first_slice"].get<int64_t>(), bulk["last_slice"].get<int64_t>()},
                           c_.method, c_.classes,     threshold_, c_.lfp};
    lfp_grey_step(in, results_);
  }

  // The demo knows what a user of a real sample knows: its composition (the preset's LFP vol%, Table 1)
  // and the grey of air in its scan (the simulator's pore grey). Given options take precedence.
  void demo_lfp_defaults(const synth::SynthParams& sp, const Json& xct_truth) {
    if (!c_.lfp.active()) {
      c_.lfp.mean = sp.lfp_fraction;
      c_.lfp.known_mean_source = "demo: preset " + sp.preset + " composition (Table 1 LFP vol%)";
    }
    if (sp.lfp_fraction <= 0) return;
    if (!c_.lfp.pore_grey) {
      c_.lfp.pore_grey = xct_truth["grey_of_phase"]["pore"].get<double>();
      c_.lfp.pore_grey_source = "demo: the simulated scan's air/pore grey";
    }
  }

  void granulometry_step() {
    Json out = Json::object();
    for (const Phase* phase : present(c_.granulometry, "[measure] granulometry")) {
      const Phase& p = *phase;
      const std::string& name = p.name;
      const auto mask = phase_mask(labels_, p.label);
      const auto g = granulometry(mask.view());
      if (g.phase_voxels == 0) continue;
      out[name] = {{"radius_um", g.radius_um},
                   {"volume_fraction_removed", g.volume_fraction_removed},
                   {"cumulative_fraction", g.cumulative_fraction},
                   {"d50_um", g.d50_um ? Json(*g.d50_um) : Json(nullptr)}};
    }
    results_["granulometry"] = out;
  }

  void statistics_step(const std::string& key, const std::vector<std::string>& names) {
    Json out = Json::object();
    for (const Phase* p : present(names, "[measure] " + key))
      out[p->name] = statistics_step_results(key, phase_mask(labels_, p->label).view(), p->name);
    results_[key] = out;
  }

  ParticleAnalysisParams particle_params() const {
    ParticleAnalysisParams params;
    params.classes.quantile = c_.size_class_quantile;
    const Spacing s = labels_.spacing();
    params.measures.min_volume_um3 = static_cast<double>(c_.min_particle_voxels) * s.dz * s.dy * s.dx;
    params.classes.axis = c_.axis;
    return params;
  }

  // The optional steps of issue 20 (report/descriptor_steps.hpp).
  void descriptor_steps() {
    if (!c_.contacts.empty())
      step("contacts", [&] {
        results_["contacts"] = contacts_step(labels_.view(), table_, present(c_.contacts, "[measure] contacts"),
                                             particle_params(), out_.string());
      });
    if (c_.tpb) step("tpb", [&] { results_["tpb"] = tpb_step(labels_.view(), table_); });
    if (!c_.anisotropy.empty())
      step("anisotropy", [&] {
        for (const Phase* p : present(c_.anisotropy, "[measure] anisotropy"))
          results_["anisotropy"][p->name] =
              anisotropy_step(labels_.view(), *p, c_.axis, results_.value("tortuosity", Json::object()).value(p->name, Json()));
      });
  }

  void particles_step() {
    Json out = Json::object();
    for (const Phase* phase : present(c_.particles, "[measure] particles")) {
      const Phase& p = *phase;
      const std::string& name = p.name;
      const auto mask = phase_mask(labels_, p.label);
      const ParticleAnalysisParams params = particle_params();
      const auto a = analyse_particles(mask.view(), params);
      const auto& d = a.distribution;
      auto opt = [](const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); };
      out[name] = {{"count", d.count},
                   {"excluded_small", a.excluded_small},
                   {"min_volume_um3", params.measures.min_volume_um3},
                   {"d10_um", opt(d.d10_um)},
                   {"d50_um", opt(d.d50_um)},
                   {"d90_um", opt(d.d90_um)},
                   {"number_d50_um", opt(d.number_d50_um)},
                   {"bin_edges_um", d.bin_edges_um},
                   {"number_fraction", d.number_fraction},
                   {"volume_fraction", d.volume_fraction},
                   {"size_classes",
                    {{"quantile", c_.size_class_quantile},
                     {"position_um", a.classes.position_um},
                     {"small_fraction", a.classes.small_fraction},
                     {"large_fraction", a.classes.large_fraction},
                     {"all_fraction", a.classes.all_fraction}}}};
      std::vector<std::vector<std::string>> rows;
      for (const auto& r : a.particles)
        rows.push_back({std::to_string(r.label), Json(r.volume_um3).dump(), Json(r.equivalent_diameter_um).dump(),
                        number_or_null(r.surface_area_um2).dump(), number_or_null(r.sphericity).dump(),
                        Json(r.centroid_um[0]).dump(), Json(r.centroid_um[1]).dump(), Json(r.centroid_um[2]).dump(),
                        r.touches_border ? "1" : "0"});
      write_csv((out_ / ("particles_" + name + ".csv")).string(),
                {"label", "volume_um3", "equivalent_diameter_um", "surface_area_um2", "sphericity", "centroid_z_um",
                 "centroid_y_um", "centroid_x_um", "touches_border"},
                rows);
    }
    results_["particles"] = out;
  }

  void tortuosity_step() {
    Json out = Json::object();
    for (const Phase* phase : present(c_.tortuosity, "[measure] tortuosity")) {
      const Phase& p = *phase;
      const std::string& name = p.name;
      TortuosityParams tp;
      tp.axis = c_.axis;
      tp.phase_label = p.label;
      const auto t = tortuosity(labels_.view(), tp);
      out[name] = {{"tau", number_or_null(t.tau)},
                   {"deff_over_d0", t.deff_over_d0},
                   {"volume_fraction", t.volume_fraction},
                   {"percolating_fraction", t.percolating_fraction},
                   {"macmullin", number_or_null(t.macmullin)},
                   {"iterations", t.iterations},
                   {"converged", t.converged}};
    }
    results_["tortuosity"] = out;
  }

  void outputs() {
    if (c_.write_labels) write_volume((out_ / "labels.tif").string(), AnyVolume(labels_.clone()));
    if (c_.write_slices) {
      const AnyVolume* grey = grey_.bytes() ? &grey_ : nullptr;
      const char* names[3] = {"slice_axis0.png", "slice_axis1.png", "slice_axis2.png"};
      for (int axis = 0; axis < 3; ++axis) {
        SliceViewParams sv;
        sv.axis = axis;
        write_slice_view((out_ / names[axis]).string(), grey, &labels_, table_, sv);
        results_["slice_views"].push_back(names[axis]);
      }
    }
  }

  void finish() {
    Json failures = Json::array();
    for (const auto& f : outcome_.failures) failures.push_back({{"step", f.step}, {"error", f.error}});
    results_["failed_steps"] = failures;
    if (!truth_.is_null()) {
      results_["truth"] = truth_;
      if (!truth_profiles_.is_null()) results_["truth"]["bulk_profiles"] = truth_profiles_;
    }
    // An unreadable input is itself the recorded failure: no checksum then.
    std::error_code ec;
    const std::string input = c_.demo || !fs::exists(file_part(c_.input), ec) ? "" : c_.input;
    write_json((out_ / "results.json").string(), result_envelope("analyze", config_json_, input, results_));
    AnalysisReportInputs ri{results_, table_, out_.string(), threshold_};
    write_analysis_report((out_ / "report.html").string(), ri);
    outcome_.out_dir = out_.string();
    outcome_.results = results_;
  }

  AnalysisConfig c_;  // a copy: the demo may adapt the default segmentation to its preset
  Json config_json_;
  fs::path out_;
  std::ofstream log_;
  PhaseTable table_;
  AnyVolume grey_;
  Volume<uint8_t> labels_;
  SliceLabelCounts counts_;
  std::optional<ElectrodeRegion> region_;
  std::optional<ThresholdResult> threshold_;
  GreyBands grey_bands_;  // uncertainty bands of the grey segmentation (empty for label inputs)
  Json truth_;
  SliceLabelCounts truth_counts_;  // demo only: the generator's labels, slice by slice
  Json truth_profiles_;
  Json results_ = Json::object();
  AnalysisOutcome outcome_;
};

}  // namespace

Json analysis_config_json(const AnalysisConfig& c) {
  Json j = {{"input", c.input},
            {"kind", c.kind},
            {"axis", c.axis},
            {"demo", c.demo},
            {"denoise", c.denoise},
            {"method", c.method},
            {"classes", c.classes},
            {"phases", c.phases},
            {"density", c.density},
            {"exclude_collector_um", c.exclude_collector_um},
            {"exclude_surface_um", c.exclude_surface_um},
            {"auto_bulk", c.auto_bulk},
            {"window", c.window},
            {"fractions", c.fractions},
            {"profiles", c.profiles},
            {"surface", c.surface},
            {"granulometry", c.granulometry},
            {"particles", c.particles},
            {"tortuosity", c.tortuosity},
            {"chords", c.chords},
            {"correlation", c.correlation},
            {"rev", c.rev},
            {"size_class_quantile", c.size_class_quantile},
            {"min_particle_voxels", c.min_particle_voxels},
            {"contacts", c.contacts},
            {"tpb", c.tpb},
            {"anisotropy", c.anisotropy},
            {"export_bpx", c.export_bpx},
            {"out_dir", c.out_dir}};
  if (c.voxel) j["voxel_um"] = {c.voxel->dz, c.voxel->dy, c.voxel->dx};
  if (c.lfp.active() || c.lfp.pore_grey || c.lfp.erosion_um) j["lfp"] = lfp_options_json(c.lfp);
  if (c.demo) j["demo_params"] = {{"preset", c.demo_preset}, {"size", c.demo_size}, {"voxel_um", c.demo_voxel_um}, {"seed", c.demo_seed}};
  return j;
}

AnalysisConfig resolve_analysis_config(const AnalysisOverrides& o) {
  AnalysisConfig c = o.config.empty() ? AnalysisConfig{} : read_analysis_config(o.config);
  if (!o.input.empty()) c.input = o.input;
  if (o.demo) c.demo = true;
  require(!(c.demo && !o.input.empty()), "analyze: give either an input volume or the demo, not both");
  require(c.demo || !c.input.empty(), "analyze: no input volume (give an input, a config with [input] path, or the demo)");
  if (o.voxel) c.voxel = o.voxel;
  if (c.demo && o.voxel) c.demo_voxel_um = o.voxel->dz;
  if (!o.out_dir.empty()) c.out_dir = o.out_dir;
  if (!o.demo_preset.empty()) c.demo_preset = o.demo_preset;
  if (o.demo_size) {
    require(*o.demo_size > 0, "analyze: the demo size must be positive");
    c.demo_size = *o.demo_size;
  }
  if (o.demo_seed) c.demo_seed = *o.demo_seed;
  if (o.axis) {
    require(*o.axis >= 0 && *o.axis <= 2, "analyze: the thickness axis must be 0, 1 or 2");
    c.axis = *o.axis;
  }
  if (!o.method.empty()) c.method = o.method;
  if (!o.classes.empty()) c.classes = o.classes;
  if (!o.phases.empty()) c.phases = o.phases;
  if (!o.density.empty()) c.density = o.density;
  apply_lfp_overrides(o.lfp, c.lfp);
  return c;
}

void throw_if_steps_failed(const AnalysisOutcome& outcome) {
  if (outcome.failures.empty()) return;
  bool input_error = false;
  std::string msg;
  for (const auto& f : outcome.failures) {
    msg += (msg.empty() ? "" : "; ") + f.step + ": " + f.error;
    input_error = input_error || f.input_error;
  }
  msg = "analyze: step failed (" + msg + "); partial results in " + outcome.out_dir;
  if (input_error) throw InputError(msg);
  throw std::runtime_error(msg);
}

AnalysisOutcome run_analysis(const AnalysisConfig& config, const Json& config_json) {
  return Pipeline(config, config_json).run();
}

}  // namespace emorph
