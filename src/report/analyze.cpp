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
#include <tuple>

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
#include "emorph/measure/phase_selection.hpp"
#include "emorph/measure/profile.hpp"
#include "emorph/measure/profile_stats.hpp"
#include "emorph/results/measure_results.hpp"
#include "emorph/measure/specific_surface.hpp"
#include "emorph/measure/surface_area.hpp"
#include "emorph/progress.hpp"
#include "emorph/report/analysis_phases.hpp"
#include "emorph/report/analysis_report.hpp"
#include "emorph/report/composition_check.hpp"
#include "emorph/report/descriptor_steps.hpp"
#include "emorph/report/input_kind.hpp"
#include "emorph/report/fibsem_analysis.hpp"
#include "emorph/report/grey_bands.hpp"
#include "emorph/report/grey_surface.hpp"
#include "emorph/report/lfp_only.hpp"
#include "emorph/report/lfp_step.hpp"
#include "emorph/report/results_folder.hpp"
#include "emorph/report/slice_views.hpp"
#include "emorph/report/streamed_analysis.hpp"
#include "emorph/results/segment_results.hpp"
#include "emorph/results/stream_results.hpp"
#include "emorph/results/transport_results.hpp"
#include "emorph/segment/electrode_layers.hpp"
#include "emorph/results/electrode_layers_results.hpp"
#include "emorph/results/particle_results.hpp"
#include "emorph/segment/segment.hpp"
#include "emorph/segment/separate_particles.hpp"
#include "emorph/synth/electrode.hpp"
#include "emorph/synth/xct.hpp"
#include "emorph/transport/tortuosity.hpp"
#include "emorph/transport/tortuosity_options.hpp"
#include "emorph/version.hpp"

namespace fs = std::filesystem;

namespace emorph {
namespace {

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
  Pipeline(const AnalysisConfig& c, const Json& config_json, std::optional<AnyVolume> given = std::nullopt,
           AnalysisStreaming streaming = {})
      : c_(c), config_json_(config_json), given_(std::move(given)), streaming_(std::move(streaming)) {}

  // Every step writes into a staging folder beside the results folder, which replaces it only when all
  // steps succeeded; at the first failed step the run stops and only analyze.log is kept (CONTRACT).
  AnalysisOutcome run() {
    if (!c_.input.empty() && !given_) check_output_differs(c_.input, c_.out_dir);
    table_ = c_.phases.empty() ? PhaseTable::default_table() : PhaseTable::parse(c_.phases, "[phases]");
    if (!c_.density.empty()) table_.set_densities(c_.density, "[density]");
    StagedResultsFolder folder(c_.out_dir, c_.demo || given_ ? "" : c_.input);
    out_ = folder.staging();
    outcome_.out_dir = folder.target().string();
    log_.open(out_ / "analyze.log", std::ios::trunc);
    for (const auto& change : follow_phase_table(c_, table_)) {
      log_ << change.list << (change.added ? ": added " : ": dropped ") << change.phase << " (follows the phase table)\n";
      if (!change.added && change.list.rfind("[measure]", 0) == 0)
        results_["skipped"].push_back({{"step", change.list}, {"phase", change.phase}, {"reason", "not in the phase table"}});
    }

    Progress progress("analyze", 14);
    bool ok = true;
    auto run_step = [&](bool wanted, const std::string& name, const std::function<void()>& fn) {
      if (ok && wanted && !skipped_when_streamed(name)) ok = step(name, fn);
      progress.advance();
    };
    run_step(true, "load", [&] { load(); });
    run_step(true, "segment", [&] { segment(); });
    run_step(true, "region", [&] { region(); });
    run_step(c_.fractions, "fractions", [&] { fractions(); });
    run_step(c_.profiles, "profiles", [&] { profiles(); });
    run_step(c_.profiles && has_grey(), "grey_profile", [&] { grey_profile_step(); });
    run_step(c_.profiles && has_grey() && results_["profiles"].contains("bulk"), "lfp", [&] { lfp_step(); });
    run_step(c_.surface, "surface", [&] { surface(); });
    run_step(!c_.granulometry.empty(), "granulometry", [&] { granulometry_step(); });
    run_step(!c_.particles.empty(), "particles", [&] { particles_step(); });
    run_step(!c_.tortuosity.empty(), "tortuosity", [&] { tortuosity_step(); });
    for (const auto& [key, names] : {std::pair{"chords", &c_.chords}, std::pair{"correlation", &c_.correlation},
                                     std::pair{"rev", &c_.rev}})
      if (ok && !names->empty() && !skipped_when_streamed(key)) ok = step(key, [&] { statistics_step(key, *names); });
    run_step(!c_.lfp.composition.empty(), "composition",
             [&] { results_["composition_check"] = composition_check(c_.lfp, table_, results_); });
    if (ok && !skipped_when_streamed("contacts", !c_.contacts.empty()) && !skipped_when_streamed("tpb", c_.tpb) &&
        !skipped_when_streamed("anisotropy", !c_.anisotropy.empty()))
      descriptor_steps();
    ok = ok && outcome_.failures.empty();
    run_step(true, "outputs", [&] { outputs(); });
    run_step(c_.export_bpx, "export_bpx", [&] { results_["export_bpx"] = export_bpx_step(results_, out_.string()); });
    if (ok) ok = step("results", [&] { finish(); });
    if (ok) {
      log_ << "analysis complete\n";
      log_.close();
      folder.commit();
    } else {
      log_ << "analysis failed: no results written; an earlier results folder, if any, is kept\n";
      log_.close();
      folder.keep_only("analyze.log");
    }
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

  // Under the limit, records why `name` is skipped (when `wanted`) and returns true for a step without a
  // streamed kernel (streamed_analysis.hpp).
  bool skipped_when_streamed(const std::string& name, bool wanted = true) {
    if (!streaming_.on || !wanted) return false;
    const std::string reason = streamed_analysis_skip_reason(name, input_);
    if (reason.empty()) return false;
    results_["skipped"].push_back({{"step", name}, {"phase", "all"}, {"reason", reason}});
    log_ << "[" << name << "] skipped: " << reason << "\n";
    return true;
  }
  bool has_labels() const { return streaming_.on ? !input_.labels.empty() : labels_.size() > 0; }
  bool has_grey() const { return streaming_.on ? !input_.grey.empty() : grey_.bytes() > 0; }
  Spacing spacing() const { return streaming_.on ? input_.spacing : labels_.spacing(); }

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
    } else if (streaming_.on) {  // the volume stays on disk
      input_ = open_streamed_input(c_, streaming_.stream);
      sample = {{"source", c_.input}, {"voxel_source", c_.voxel ? "option" : "file"}};
    } else {
      require(!c_.input.empty() || given_, "no input: give a volume, a config with [input] path, or --demo");
      ReadOptions ro;
      ro.voxel = c_.voxel;
      AnyVolume v = given_ ? std::move(*given_) : read_volume(c_.input, ro);
      if (given_ && c_.voxel) v.set_spacing(*c_.voxel);
      if (is_label_input(v, c_.kind, c_.input))
        labels_ = to_label_volume(std::move(v), c_.input);
      else
        grey_ = std::move(v);
      sample = {{"source", c_.input}, {"voxel_source", c_.voxel ? "option" : "file"}};
    }
    const Shape s = streaming_.on ? input_.info.shape : labels_.size() ? labels_.shape() : grey_.shape();
    const Spacing sp = streaming_.on ? input_.spacing : labels_.size() ? labels_.spacing() : grey_.spacing();
    sample["shape"] = {s.nz, s.ny, s.nx};
    sample["voxel_um"] = {sp.dz, sp.dy, sp.dx};
    sample["kind"] = has_labels() ? "labels" : "grey";
    sample["axis"] = c_.axis;
    results_["sample"] = sample;
  }

  void segment() {
    if (has_labels()) return;  // already a label volume
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
    if (streaming_.on) return streamed_segment_step(sp);
    detect_layers();
    const Volume<uint8_t> mask = layers_ ? electrode_mask() : Volume<uint8_t>();
    SegmentResult seg = emorph::segment(grey_, sp, table_, layers_ ? &mask : nullptr);
    const std::optional<BrightPhaseCheck> bright = lfp_only_check(seg);
    if (bright && !bright->nmc_present) {  // LFP-only: one matrix, as the J demo (lfp_only.hpp)
      c_.method = sp.method = kOneMatrixMethod;
      c_.classes = {"pore", "matrix"};
      sp.classes = "pore,matrix";
      seg = emorph::segment(grey_, sp, table_, layers_ ? &mask : nullptr);
      const std::string why = bright->reason + "; the electrode is one matrix (its LFP from the grey levels: " +
                              "--lfp-mean F or --lfp-calibration CAL.json); force an NMC threshold with --method otsu";
      results_["skipped"].push_back({{"step", "segment"}, {"phase", "NMC"}, {"reason", why}});
      outcome_.warnings.push_back(why);
      log_ << "warning: " << why << "\n";
    }
    if (c_.surface && !layers_) grey_surface_ = grey_surface_correction(grey_, seg, sp);  // before the labels move
    labels_ = std::move(seg.labels);
    threshold_ = seg.threshold;
    grey_bands_ = GreyBands(seg);
    results_["segmentation"] = segment_results(seg, false);
    if (bright) results_["segmentation"]["bright_phase"] = bright_phase_json(*bright);  // else segment's (bright_phase.hpp)
    if (layers_) paint_layers();
  }

  // Segment by slabs into labels.tif (or a hidden file the outputs step removes); no layer detection.
  void streamed_segment_step(const SegmentParams& sp) {
    input_.labels = (out_ / (c_.write_labels ? "labels.tif" : ".labels-streamed.tif")).string();
    const SegmentResult seg = streamed_analysis_segment(input_, sp, table_, input_.labels, streaming_.stream);
    threshold_ = seg.threshold;
    grey_bands_ = GreyBands(seg);
    results_["segmentation"] = segment_results(seg, false);
    results_["skipped"].push_back({{"step", "layers"}, {"phase", "all"}, {"reason", "under --memory-limit: collector and air layers are not detected (the grey volume is not in memory)"}});
  }

  // The default NMC threshold checked against the zero-attenuation grey, when it is known (lfp_only.hpp);
  // unknown, segment's record states the assumption (bright_phase.hpp).
  std::optional<BrightPhaseCheck> lfp_only_check(const SegmentResult& seg) {
    std::string source;
    const auto zero = zero_attenuation_grey(c_.lfp, layers_, source);
    if (!zero || !seg.bright_phase_assumed) return std::nullopt;
    BrightPhaseCheck check = check_bright_phase(*seg.model, *zero);
    check.zero_grey_source = source;
    log_ << "bright phase: attenuation ratio " << check.attenuation_ratio << " above the zero grey " << *zero << " ("
         << source << ")\n";
    return check;
  }

  // Collector and air beside the electrode of a grey volume (kept only when one is found): segmentation
  // then sees the electrode's voxels only, and the layers get their own labels.
  void detect_layers() {
    ElectrodeLayersParams lp;
    lp.axis = c_.axis;
    grey_.visit([&](const auto& v) {
      using T = typename std::decay_t<decltype(v)>::value_type;
      layers_ = electrode_layers<T>(v.view(), lp);
    });
    const ElectrodeLayers& l = *layers_;
    results_["sample"]["layers"] = electrode_layers_json(l);
    if (l.lower == EndLayer::none && l.upper == EndLayer::none) layers_.reset();
  }

  Volume<uint8_t> electrode_mask() const {
    Volume<uint8_t> mask(grey_.shape(), grey_.spacing());
    const int64_t first = layers_->region.first_slice, last = layers_->region.last_slice;
    const Shape s = mask.shape();
    for (int64_t z = 0; z < s.nz; ++z)
      for (int64_t y = 0; y < s.ny; ++y)
        for (int64_t x = 0; x < s.nx; ++x) {
          const int64_t t = c_.axis == 0 ? z : (c_.axis == 1 ? y : x);
          mask(z, y, x) = t >= first && t <= last;
        }
    return mask;
  }

  // The collector's slices get the collector label (4 in the default table; the table gains the phase
  // when it lacks it), air's the pore label.
  void paint_layers() {
    const Phase* collector = table_.find("collector");
    if (!collector) {
      std::vector<Phase> phases = table_.phases();
      uint8_t label = 4;
      while (table_.find_label(label)) ++label;
      phases.push_back({"collector", label, 2.70, "#9e9e9e"});
      table_ = PhaseTable(std::move(phases));
      collector = table_.find("collector");
    }
    const Phase* pore = table_.find("pore");
    const uint8_t air = pore ? pore->label : 0;
    const int64_t first = layers_->region.first_slice, last = layers_->region.last_slice;
    const uint8_t below = layers_->lower == EndLayer::collector ? collector->label : air;
    const uint8_t above = layers_->upper == EndLayer::collector ? collector->label : air;
    const Shape s = labels_.shape();
    for (int64_t z = 0; z < s.nz; ++z)
      for (int64_t y = 0; y < s.ny; ++y)
        for (int64_t x = 0; x < s.nx; ++x) {
          const int64_t t = c_.axis == 0 ? z : (c_.axis == 1 ? y : x);
          if (t < first && layers_->lower != EndLayer::none) labels_(z, y, x) = below;
          if (t > last && layers_->upper != EndLayer::none) labels_(z, y, x) = above;
        }
  }

  void region() {
    counts_ = streaming_.on ? streamed_analysis_counts(input_, c_.axis, streaming_.stream)
                            : slice_label_counts(labels_.view(), {c_.axis});
    // CONTRACT: labels outside the phase table are measured as label_<n>, with a warning.
    const std::vector<uint8_t> unlisted = unlisted_labels(table_, counts_.totals());
    if (!unlisted.empty()) {
      table_ = with_unlisted_labels(table_, unlisted);
      const std::string warning = unlisted_labels_warning(unlisted, "--phases");
      outcome_.warnings.push_back(warning);
      log_ << "warning: " << warning << "\n";
      results_["unlisted_labels"] = unlisted;
    }
    region_ = electrode_region(counts_, spacing()[c_.axis], electrode_region_params(table_));
    Json j = electrode_region_json(*region_);
    j["source"] = "labels";
    if (layers_) {
      // The grey boundaries are sub-voxel; the slices are the same (painted from them).
      region_->start_um = layers_->region.start_um;
      region_->end_um = layers_->region.end_um;
      region_->thickness_um = layers_->region.thickness_um;
      region_->collector_um = layers_->collector_um;
      j.update({{"start_um", region_->start_um},
                {"end_um", region_->end_um},
                {"thickness_um", region_->thickness_um},
                {"collector_um", region_->collector_um},
                {"source", "grey"}});
    }
    results_["sample"]["electrode_region"] = j;
    results_["sample"]["thickness_um"] = region_->thickness_um;
  }

  // `emorph fractions` on the label volume (phases present only), + electrode_volume_fraction inside the
  // electrode region (collector and air excluded).
  void fractions() {
    FractionsReportParams fp;
    fp.axis = c_.axis;
    Json f = streaming_.on ? fractions_results(counts_, spacing()[c_.axis], table_, fp) : fractions_results(labels_.view(), table_, fp);
    const PhaseFractions electrode = phase_fractions(counts_, region_->first_slice, region_->last_slice);
    Json phases = Json::object();
    for (auto& [name, j] : f["phases"].items()) {
      if (j["voxels"].get<int64_t>() == 0) continue;
      j["electrode_volume_fraction"] = electrode.fraction(j["label"].get<int>());
      phases[name] = j;
    }
    grey_bands_.add_fraction_bands(phases, c_.axis, {region_->first_slice, region_->last_slice}, counts_.voxels_per_slice,
                                   counts_.slices * counts_.voxels_per_slice);
    f["phases"] = phases;
    results_["fractions"] = f;
  }

  // The bulk window's exclusions: the configured layers, widened (auto_bulk) to the boundary layers
  // detected on the main active phase's profile; the detection goes into `record`.
  std::pair<double, double> bulk_exclusions(const FractionProfile& raw, const Phase* main, Json& record) const {
    double collector_um = c_.exclude_collector_um, surface_um = c_.exclude_surface_um;
    const SliceRange region{region_->first_slice, region_->last_slice};
    record = {{"auto", c_.auto_bulk}};
    if (c_.auto_bulk && main && region.last - region.first >= 3) {
      const double slice_um = spacing()[c_.axis];
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
    return {collector_um, surface_um};
  }

  // The demo's truth measured exactly like the sample: same slices, same bulk window.
  Json truth_profile_stats(const FractionProfile& raw, SliceRange bulk) const {
    const auto truth = fraction_profile(truth_counts_, spacing()[c_.axis], {c_.axis, 1});
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

  // `emorph profile` on the label volume (phases present only) over analyze's electrode region and bulk
  // window, + bulk_selection (how the window was chosen) and the grey bands.
  void profiles() {
    const double slice_um = spacing()[c_.axis];
    const auto raw = fraction_profile(counts_, slice_um, {c_.axis, 1});
    const Phase* main = nullptr;
    for (const char* name : {"NMC", "LFP"}) {
      const Phase* p = table_.find(name);
      if (!main && p && p->label < counts_.num_labels && counts_.totals()[p->label] > 0) main = p;
    }
    Json bulk_selection;
    ProfileReportParams pp;
    pp.axis = c_.axis;
    pp.window = c_.window;
    std::tie(pp.exclude_collector_um, pp.exclude_surface_um) = bulk_exclusions(raw, main, bulk_selection);
    if (main) pp.depleted_phase = main->name;
    pp.region = *region_;
    Json r = profile_results(counts_, slice_um, table_, pp);  // = `emorph profile`
    Json phases = Json::object();
    for (auto& [name, j] : r["phases"].items()) {
      const int label = j["label"].get<int>();  // the table's labels may lie beyond the volume's largest
      if (label < counts_.num_labels && counts_.totals()[static_cast<std::size_t>(label)] > 0) phases[name] = j;
    }
    const SliceRange bulk{r["bulk"]["first_slice"].get<int64_t>(), r["bulk"]["last_slice"].get<int64_t>()};
    grey_bands_.add_profile_bands(phases, c_.axis, raw.position_um, bulk, counts_.voxels_per_slice);
    if (truth_counts_.slices > 0) truth_profiles_ = truth_profile_stats(raw, bulk);
    r["phases"] = phases;
    r["bulk_selection"] = bulk_selection;
    results_["profiles"] = r;
    write_profile_csv((out_ / "profiles.csv").string(), r, phase_order(table_, phases));  // = `profile --csv`
  }

  // `emorph surface` on the label volume (phases present only).
  void surface() {
    Json s = streaming_.on ? streamed_surface_results(input_.labels, streamed_read_options(input_), table_, {}, streaming_.stream)
                           : surface_results(labels_.view(), table_);
    Json phases = Json::object();
    for (const auto& [name, j] : s["phases"].items())
      if (j["voxels"].get<int64_t>() > 0) phases[name] = j;
    s["phases"] = phases;
    add_grey_corrected_surface(s, grey_surface_);
    results_["surface"] = s;
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
    const GreyProfileParams gp{c_.axis, matrix};
    const auto g = streaming_.on ? streamed_grey_profile(input_.labels, input_.grey, streamed_read_options(input_), gp, streaming_.stream)
                                 : grey_profile(grey_, labels_.view(), gp);
    results_["grey_profile"] = grey_profile_results(g);  // = `emorph profile --grey` (no calibration)
    results_["grey_profile"]["phases_averaged"] = "all but NMC and collector";
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
    if (streaming_.on) {
      results_["granulometry"] = streamed_analysis_granulometry(input_, present(c_.granulometry, "[measure] granulometry"),
                                                                streaming_, out_.string(), &streamed_largest_um_);
      return;
    }
    for (const Phase* phase : present(c_.granulometry, "[measure] granulometry")) {
      const Phase& p = *phase;
      const std::string& name = p.name;
      const auto mask = phase_mask(labels_, p.label);
      const auto g = granulometry(mask.view());
      if (g.phase_voxels == 0) continue;
      out[name] = granulometry_results(g, name);  // = `emorph granulometry --phase NAME`
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
    const Spacing s = spacing();
    params.measures.min_volume_um3 =
        c_.min_particle_volume_um3.value_or(static_cast<double>(c_.min_particle_voxels) * s.dz * s.dy * s.dx);
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
              anisotropy_step(labels_.view(), table_, *p, c_.axis, results_.value("tortuosity", Json::object()).value(p->name, Json()));
      });
  }

  void particles_step() {
    Json out = Json::object();
    for (const Phase* phase : present(c_.particles, "[measure] particles")) {
      const Phase& p = *phase;
      const std::string& name = p.name;
      const ParticleAnalysisParams params = particle_params();
      ParticleAnalysis a;
      if (streaming_.on) {
        try {
          // The granulometry's EDT of the phase gave its largest radius: a halo that does not fit is refused at once.
          const auto known = streamed_largest_um_.find(name);
          a = streamed_analysis_particles(input_, p, params, streaming_, out_.string(),
                                          known == streamed_largest_um_.end() ? std::nullopt : std::optional<double>(known->second));
        } catch (const InputError& e) {  // a slab and its halos do not fit: the step is skipped, with the size needed
          results_["skipped"].push_back({{"step", "particles"}, {"phase", name}, {"reason", e.what()}});
          log_ << "[particles] " << name << " skipped: " << e.what() << "\n";
          continue;
        }
      } else {
        a = analyse_particles(phase_mask(labels_, p.label).view(), params);
      }
      const auto& d = a.distribution;
      auto opt = [](const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); };
      Json j = {{"count", d.count},
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
      j.update(particle_analysis_results(a, name, c_.size_class_quantile));  // = `emorph particles`
      out[name] = j;
      write_particle_table_csv((out_ / ("particles_" + name + ".csv")).string(), a, name);  // = `particles --csv`
    }
    results_["particles"] = out;
  }

  // Through the electrode region only: a collector blocks every path and air above is no electrode.
  void tortuosity_step() {
    Json out = Json::object();
    Box box{0, labels_.shape().nz, 0, labels_.shape().ny, 0, labels_.shape().nx};
    const int64_t first = region_->first_slice, last = region_->last_slice + 1;
    if (c_.axis == 0) box.z0 = first, box.z1 = last;
    if (c_.axis == 1) box.y0 = first, box.y1 = last;
    if (c_.axis == 2) box.x0 = first, box.x1 = last;
    const auto electrode = labels_.view().crop(box);
    for (const Phase* phase : present(c_.tortuosity, "[measure] tortuosity")) {
      const Phase& p = *phase;
      TortuosityOptions options;
      options.phase = p.name;
      options.axis = c_.axis;
      const auto setup = tortuosity_setup(options, table_);
      const auto t = tortuosity(electrode, setup.params);
      Json j = tortuosity_results(t, options, setup);  // = `emorph tortuosity` on the electrode region
      j["macmullin"] = number_or_null(t.macmullin);  // the name analyze used before macmullin_number
      j["slices"] = {region_->first_slice, region_->last_slice};
      if (!t.percolating || !t.converged) {
        j["tau_null_reason"] = tortuosity_warning(t, "electrode region", p.name, c_.axis);
        if (t.percolating) j["tau"] = nullptr;  // CONTRACT: an unconverged solve never reports a number
      }
      out[p.name] = j;
    }
    results_["tortuosity"] = out;
  }

  void outputs() {
    if (streaming_.on) {  // labels.tif by slabs (streamed segment wrote it already); no slice views
      const fs::path hidden = out_ / ".labels-streamed.tif";
      if (c_.write_labels && input_.grey.empty()) write_streamed_labels(input_, (out_ / "labels.tif").string(), streaming_.stream);
      if (fs::exists(hidden)) fs::remove(hidden);
      if (c_.write_slices) skipped_when_streamed("slice_views");
      return;
    }
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
    results_["failed_steps"] = Json::array();  // written only when every step succeeded
    if (!truth_.is_null()) {
      results_["truth"] = truth_;
      if (!truth_profiles_.is_null()) results_["truth"]["bulk_profiles"] = truth_profiles_;
    }
    const std::string input = c_.demo || given_ ? "" : c_.input;  // an array in memory has no file to checksum
    Json envelope = result_envelope("analyze", config_json_, input, results_);
    if (streaming_.on) envelope["memory"] = streamed_memory_section(streaming_.stream);
    write_json((out_ / "results.json").string(), envelope);
    AnalysisReportInputs ri{results_, table_, out_.string(), threshold_};
    write_analysis_report((out_ / "report.html").string(), ri);
    outcome_.results = results_;
  }

  AnalysisConfig c_;  // a copy: the demo may adapt the default segmentation to its preset
  Json config_json_;
  std::optional<AnyVolume> given_;  // a volume in memory (Python) instead of c_.input
  AnalysisStreaming streaming_;     // on: the volume does not fit the memory limit and stays on disk
  StreamedInput input_;             // the files the streamed steps read
  std::map<std::string, double> streamed_largest_um_;  // per phase, the streamed granulometry's largest distance (um)
  fs::path out_;
  std::ofstream log_;
  PhaseTable table_;
  AnyVolume grey_;
  Volume<uint8_t> labels_;
  SliceLabelCounts counts_;
  std::optional<ElectrodeRegion> region_;
  std::optional<ElectrodeLayers> layers_;  // grey input with a collector or air layer
  std::optional<ThresholdResult> threshold_;
  GreyBands grey_bands_;  // uncertainty bands of the grey segmentation (empty for label inputs)
  std::optional<GreySurfaceCorrection> grey_surface_;  // the bright phase's re-imaging surface correction
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
  if (c.min_particle_volume_um3) j["min_volume_um3"] = *c.min_particle_volume_um3;
  if (c.lfp.active() || c.lfp.pore_grey || c.lfp.erosion_um) j["lfp"] = lfp_options_json(c.lfp);
  if (c.demo) j["demo_params"] = {{"preset", c.demo_preset}, {"size", c.demo_size}, {"voxel_um", c.demo_voxel_um}, {"seed", c.demo_seed}};
  return j;
}

AnalysisConfig resolve_analysis_config(const AnalysisOverrides& o) {
  AnalysisConfig c = o.config.empty() && o.settings.empty() ? AnalysisConfig{} : read_analysis_config(o.config, o.settings);
  if (!o.input.empty()) c.input = o.input;
  if (o.demo) c.demo = true;
  require(!(c.demo && !o.input.empty()), "analyze: give either an input volume or the demo, not both");
  require(!(c.demo && !c.input.empty()), "analyze: the config names an input and the demo: give one or the other");
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
  // Profiles, surfaces and sizes are in um: never from an assumed 1 um voxel (CONTRACT.md). An
  // unreadable input is left to the load step, which records why.
  bool size_in_file = true;
  if (!c.demo && !c.voxel) {
    try {
      size_in_file = read_info(c.input).spacing_from_file;
    } catch (const InputError&) {
    }
  }
  if (!size_in_file)
    throw InputError(c.input + ": the file records no voxel size and none was given: pass --voxel UM or set [input] "
                     "voxel_um (analyze reports lengths, areas and volumes; emorph never assumes 1 um)");
  return c;
}

void throw_if_steps_failed(const AnalysisOutcome& outcome) {
  if (outcome.failures.empty()) return;
  std::string msg;
  for (const auto& f : outcome.failures) msg += (msg.empty() ? "" : "; ") + f.step + ": " + f.error;
  throw InputError("analyze: step failed (" + msg + "); no results written, see " +
                   (fs::path(outcome.out_dir) / "analyze.log").string());
}

AnalysisOutcome run_analysis(const AnalysisConfig& config, const Json& config_json, const AnalysisStreaming& streaming) {
  return Pipeline(config, config_json, std::nullopt, streaming).run();
}

AnalysisOutcome run_analysis(const AnalysisConfig& config, const Json& config_json, AnyVolume volume) {
  return Pipeline(config, config_json, std::move(volume)).run();
}

}  // namespace emorph
