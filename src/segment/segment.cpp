// The `emorph segment` pipeline (Etiemble et al. 2017, section 3.1.2): denoise, histogram, threshold,
// phase map; FIB/SEM: shine-through-robust pores, then thresholds on the solid voxels.
#include "emorph/segment/segment.hpp"

#include <algorithm>
#include <functional>
#include <sstream>

#include "emorph/error.hpp"
#include "emorph/segment/fibsem_phases.hpp"
#include "emorph/segment/fibsem_shine.hpp"
#include "emorph/segment/filter_volume_correction.hpp"
#include "emorph/segment/noise_estimate.hpp"
#include "emorph/parse.hpp"
#include "emorph/segment/phase_map.hpp"

namespace emorph {

namespace {

// The column model's relabelling of fibsem_phases' result (fibsem_columns.hpp), in place: levels from
// the first labelling, then the most probable labels per column. A phase tried at its expected contrast
// (absent from the first labelling) stays only when it takes at least min_phase_share of the solid;
// otherwise the columns are solved again without it. The classes still follow the phases present.
constexpr int shine_passes = 2;

template <class T>
FibsemColumnsRecord refine_fibsem_columns(VolumeView<const T> view, FibsemPhaseResult& phases, const FibsemPhaseParams& fp,
                                          const FibsemColumnParams& columns, const FibsemRimParams& rims) {
  Volume<float> grey(view.shape(), view.spacing(), view.thickness_axis());
  for (int64_t z = 0; z < view.nz(); ++z)
    for (int64_t y = 0; y < view.ny(); ++y)
      for (int64_t x = 0; x < view.nx(); ++x) grey(z, y, x) = static_cast<float>(view(z, y, x));
  FibsemColumnParams cp = columns;
  auto levels = [&](VolumeView<const uint8_t> labelling) {
    return fibsem_column_levels(grey.view(), labelling, fp.pore_label, fp.names, fp.labels, fp.expected_contrast,
                                phases.noise_sigma, cp);
  };
  FibsemColumnLevels lv = levels(phases.labels.view());
  FibsemColumnsRecord record;
  if (cp.fit_shine) {
    // The shine-through depth and strength of this stack (fibsem_shine.hpp), from the first labelling,
    // then again from the column labels of that estimate (the first labelling takes the brightest part
    // of a ramp for solid); the levels are measured again each time (the deep pores that set the pores'
    // level depend on the depth).
    FibsemShineEstimate e;
    Volume<uint8_t> current = phases.labels.clone();
    int fitted_passes = 0;
    for (int pass = 0; pass < shine_passes; ++pass) {
      e = estimate_fibsem_shine(grey.view(), current.view(), fp.pore_label, lv, cp);
      if (!e.fitted) break;
      ++fitted_passes;
      cp.shine_depth_um = e.depth_um, cp.shine_strength = e.strength;
      FibsemColumnParams plain = cp;
      plain.watershed_edges = false;
      current = fibsem_column_labels(grey.view(), lv, fp.pore_label, plain);
      lv = levels(current.view());
    }
    record.shine_fit = e;  // the depth and strength used are the last fitted ones
    record.fitted_passes = fitted_passes;
  }
  Volume<uint8_t> labels;
  std::vector<int64_t> counts;
  int64_t pore_voxels = 0;
  FibsemRimResult rim;
  for (;;) {
    labels = fibsem_column_labels(grey.view(), lv, fp.pore_label, cp);
    rim = fibsem_rim_labels(grey.view(), labels.view(), lv, fp.pore_label, cp, rims);
    counts.assign(lv.labels.size(), 0);
    pore_voxels = 0;
    for (int64_t i = 0; i < labels.size(); ++i) {
      const uint8_t l = labels.data()[i];
      pore_voxels += l == fp.pore_label;
      for (std::size_t k = 0; k < lv.labels.size(); ++k) counts[k] += l == lv.labels[k];
    }
    const double solid = double(labels.size() - pore_voxels);
    std::size_t drop = lv.labels.size();
    for (std::size_t k = 0; k < lv.labels.size(); ++k)
      if (lv.from_expected[k] && double(counts[k]) < fp.min_phase_share * solid) drop = k;
    if (drop == lv.labels.size() || lv.labels.size() == 1) break;
    for (auto* v : {&lv.names}) v->erase(v->begin() + static_cast<std::ptrdiff_t>(drop));
    lv.labels.erase(lv.labels.begin() + static_cast<std::ptrdiff_t>(drop));
    lv.grey.erase(lv.grey.begin() + static_cast<std::ptrdiff_t>(drop));
    lv.from_expected.erase(lv.from_expected.begin() + static_cast<std::ptrdiff_t>(drop));
  }
  // Phases in ascending grey (their level at the middle slice), as fibsem_phases reports them.
  const std::size_t mid = static_cast<std::size_t>(view.nz() / 2);
  std::vector<std::size_t> order;
  for (std::size_t k = 0; k < lv.labels.size(); ++k)
    if (counts[k] > 0) order.push_back(k);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return lv.grey[a][mid] < lv.grey[b][mid]; });
  phases.phases.clear(), phases.mode_grey.clear(), phases.phase_voxels.clear(), phases.absent.clear();
  for (std::size_t k : order) {
    phases.phases.push_back(lv.names[k]);
    phases.mode_grey.push_back(lv.grey[k][mid]);
    phases.phase_voxels.push_back(counts[k]);
  }
  for (const auto& n : fp.names)
    if (std::find(phases.phases.begin(), phases.phases.end(), n) == phases.phases.end()) phases.absent.push_back(n);
  phases.pore_voxels = pore_voxels;
  phases.labels = std::move(labels);
  record.levels = std::move(lv);
  record.shine_depth_um = cp.shine_depth_um, record.shine_strength = cp.shine_strength;
  record.change_penalty = cp.change_penalty;
  if (rims.enabled) record.rims = FibsemRimsRecord{rims.probe_sigma_px, rim.sweeps, rim.relabelled};
  return record;
}

// Moves the two-class threshold to t, its band widened to hold it.
void move_threshold(const Histogram& h, double t, SegmentResult& r) {
  r.threshold.thresholds[0] = t;
  r.threshold.threshold_bins = {h.bin_of(t)};
  auto& band = r.threshold.threshold_bands[0];
  band = {std::min(band[0], t), std::max(band[1], t)};
}

}  // namespace

// The band's re-measurement: voxels above the band's high and low thresholds, in total and per slice
// along each axis (one pass; the profiles of analyze are built from these).
template <class T>
SegmentBand measure_band(VolumeView<const T> v, std::array<double, 2> t, VolumeView<const uint8_t> mask) {
  const Shape s = v.shape();
  SegmentBand b;
  b.thresholds = t;
  const int64_t n[3] = {s.nz, s.ny, s.nx};
  for (int a = 0; a < 3; ++a)
    for (int k = 0; k < 2; ++k) b.bright_per_slice[a][k].assign(static_cast<std::size_t>(n[a]), 0);
  for (int64_t z = 0; z < s.nz; ++z)
    for (int64_t y = 0; y < s.ny; ++y)
      for (int64_t x = 0; x < s.nx; ++x) {
        if (mask.size() && !mask(z, y, x)) continue;
        const double g = static_cast<double>(v(z, y, x));
        for (int k = 0; k < 2; ++k)
          if (g > t[1 - k]) {  // k = 0: above the high threshold, k = 1: above the low one
            ++b.bright_voxels[k];
            ++b.bright_per_slice[0][k][z], ++b.bright_per_slice[1][k][y], ++b.bright_per_slice[2][k][x];
          }
      }
  return b;
}

#define EMORPH_MEASURE_BAND(T) \
  template SegmentBand measure_band(VolumeView<const T>, std::array<double, 2>, VolumeView<const uint8_t>);
EMORPH_MEASURE_BAND(uint8_t)
EMORPH_MEASURE_BAND(int8_t)
EMORPH_MEASURE_BAND(uint16_t)
EMORPH_MEASURE_BAND(int16_t)
EMORPH_MEASURE_BAND(uint32_t)
EMORPH_MEASURE_BAND(int32_t)
EMORPH_MEASURE_BAND(float)
#undef EMORPH_MEASURE_BAND

void set_denoise(SegmentParams& p, const std::string& spec, const std::string& option) {
  p.denoise.reset();
  p.auto_denoise = spec == "auto";
  if (spec != "auto" && spec != "none" && !spec.empty()) p.denoise = parse_denoise_spec(spec, option);
}

std::optional<std::array<double, 2>> SegmentResult::fraction_band(std::size_t k) const {
  if (!band || class_labels.size() != 2 || k > 1 || counted_voxels == 0) return std::nullopt;
  const double n = static_cast<double>(counted_voxels);
  const double bright_low = static_cast<double>(band->bright_voxels[0]) / n;   // at the high threshold
  const double bright_high = static_cast<double>(band->bright_voxels[1]) / n;  // at the low threshold
  if (k == 1) return std::array<double, 2>{bright_low, bright_high};
  return std::array<double, 2>{1 - bright_high, 1 - bright_low};
}

std::optional<DenoiseSpec> choose_auto_denoise(const std::function<Histogram()>& raw_histogram, const SegmentParams& p,
                                               std::optional<SegmentDenoise>& denoise_used) {
  // The pure phases' spread in the raw histogram is the noise; a median where it is large.
  std::optional<PvMixtureModel> raw;
  try {
    raw = fit_pv_mixture(raw_histogram(), p.mixture);
  } catch (const InputError&) {  // a single grey value: nothing to choose from
  }
  std::optional<DenoiseSpec> filter;
  if (raw && raw->cnr() < p.auto_denoise_params.median_below_cnr) filter = parse_denoise_spec("median:1");
  denoise_used = SegmentDenoise{true, filter, raw ? std::optional<double>(raw->cnr()) : std::nullopt,
                                raw ? std::optional<double>(raw->separability) : std::nullopt};
  return filter;
}

void threshold_segment_classes(const Histogram& h, const SegmentParams& p, const ThresholdMethod& method,
                               std::optional<double> input_mean, std::optional<double> filtered_mean,
                               const PhaseTable& table, SegmentResult& r,
                               const std::function<std::array<double, 2>(double)>& repeat_shares,
                               std::optional<double> input_noise_sigma) {
  if (method.name == "mixture") {
    PvMixtureParams mp = p.mixture;
    if (!method.rule.empty()) mp.rule = method.rule;
    PvMixtureResult m = threshold_pv_mixture(h, mp, input_mean, input_noise_sigma);
    r.threshold = std::move(m.threshold);
    r.model = m.model;
    if (input_mean && filtered_mean) {
      const double before = r.threshold.thresholds[0];
      FilterVolumeCorrectionParams cp{*input_mean, *filtered_mean, m.model.level_dark, m.model.level_bright, std::nullopt};
      if (repeat_shares) cp.repeat_shares = repeat_shares(before);
      const FilterVolumeCorrection c = correct_filter_volume(h, before, cp);
      move_threshold(h, c.threshold, r);
      r.volume_correction = c;
    }
  } else {
    r.threshold = compute_threshold(h, method);
  }
  r.class_labels = class_labels(p.classes, table, method.class_count(), "--classes");
  if (r.threshold.thresholds.size() != 1) return;
  // Two classes: the band of the histogram model, widened to hold the method's own threshold.
  if (r.threshold.threshold_bands.empty()) {
    try {
      const PvMixtureResult m = threshold_pv_mixture(h, p.mixture);
      r.model = m.model;
      const double t = r.threshold.thresholds[0];
      r.threshold.threshold_bands = {{std::min(t, m.threshold_band[0]), std::max(t, m.threshold_band[1])}};
    } catch (const InputError&) {  // no model: no band
    }
  }
  if (p.zero_grey && r.model) {
    r.bright_phase = check_bright_phase(*r.model, *p.zero_grey, p.bright_phase);
    if (!r.bright_phase->nmc_present && method.name == "mixture")
      throw InputError("segment: " + r.bright_phase->reason +
                       "; force a threshold with --method otsu or --method manual:T, or measure the LFP from the grey "
                       "levels with emorph analyze --lfp-mean F / --lfp-calibration CAL.json");
  }
  r.bright_phase_assumed = !p.zero_grey && r.model && p.method == kDefaultSegmentMethod &&
                           table.name_of(r.class_labels.back()) == "NMC";
}

bool segment_has_band(const SegmentResult& r) {
  return r.threshold.thresholds.size() == 1 && !r.threshold.threshold_bands.empty();
}

SegmentResult segment(const AnyVolume& input, const SegmentParams& p, const PhaseTable& table, const Volume<uint8_t>* mask) {
  const bool fibsem = p.method == "fibsem";
  std::optional<ThresholdMethod> method;
  if (!fibsem) method = parse_threshold_method(p.method, "--method");
  require(!(fibsem && mask), "--mask is not supported with --method fibsem");
  if (mask) require(mask->shape() == input.shape(), "--mask: shape " + mask->shape().str() +
                                                       " differs from the volume's " + input.shape().str());
  const VolumeView<const uint8_t> mask_view = mask ? mask->view() : VolumeView<const uint8_t>{};
  SegmentResult r;
  std::optional<DenoiseSpec> filter = p.denoise;
  if (!filter && p.auto_denoise && !fibsem && method->name != "manual") {
    filter = choose_auto_denoise(
        [&] {
          return input.visit([&](const auto& v) {
            using T = typename std::decay_t<decltype(v)>::value_type;
            return histogram<T>(v.view(), p.histogram, mask_view);
          });
        },
        p, r.denoise_used);
  } else if (filter) {
    r.denoise_used = SegmentDenoise{false, filter, std::nullopt, std::nullopt};
  }
  // The mean grey of the input (inside the mask): the mixture's fraction estimate needs a mean that
  // the pre-filter has not moved.
  auto mean_grey = [&](const AnyVolume& volume) {
    std::optional<double> mean;
    volume.visit([&](const auto& v) {
      double sum = 0;
      int64_t n = 0;
      for (int64_t i = 0; i < v.size(); ++i)
        if (!mask || mask->data()[i]) sum += static_cast<double>(v.data()[i]), ++n;
      if (n) mean = sum / static_cast<double>(n);
    });
    return mean;
  };
  std::optional<double> input_mean, input_noise_sigma;
  if (!fibsem && method->name == "mixture") {
    input_mean = mean_grey(input);
    input_noise_sigma = input.visit([&](const auto& v) { return estimate_noise_sigma(v.view(), mask_view); });
  }
  AnyVolume denoised;
  if (filter) denoised = denoise(input, *filter);
  const AnyVolume& grey = filter ? denoised : input;
  // mixture:otsu-volume restores the bright volume the pre-filter removed (filter_volume_correction.hpp).
  const bool restore_volume = filter && !fibsem && method->name == "mixture" && method->rule == "otsu-volume";
  const std::optional<double> filtered_mean = restore_volume ? mean_grey(grey) : std::nullopt;
  grey.visit([&](const auto& v) {
    using T = typename std::decay_t<decltype(v)>::value_type;
    VolumeView<const T> view = v.view();
    if (!fibsem) {
      // The repeat estimate of the volume restoration: the filter applied again to its own output.
      auto repeat_shares = [&](double t) {
        AnyVolume last = denoise(grey, *filter);
        for (int pass = 2; pass < kRepeatPass; ++pass) last = denoise(last, *filter);
        std::array<double, 2> shares{};
        for (int k = 0; k < 2; ++k) {
          if (k == 1) last = denoise(last, *filter);
          int64_t above = 0, counted = 0;
          const T* data = last.as<T>().data();
          for (int64_t i = 0; i < view.size(); ++i)
            if (!mask || mask->data()[i]) above += static_cast<double>(data[i]) > t, ++counted;
          shares[static_cast<std::size_t>(k)] = counted ? static_cast<double>(above) / static_cast<double>(counted) : 0.0;
        }
        return shares;
      };
      const Histogram h = histogram<T>(view, p.histogram, mask_view);
      threshold_segment_classes(h, p, *method, input_mean, filtered_mean, table, r,
                                restore_volume ? std::function<std::array<double, 2>(double)>(repeat_shares)
                                               : std::function<std::array<double, 2>(double)>(),
                                input_noise_sigma);
      if (restore_volume && r.volume_correction && r.threshold.thresholds.size() == 1) {
        // The route's bright share on the pre-filtered volume, then the deep-voxel estimate in its place
        // where the gate trusts it.
        const double t = r.threshold.thresholds[0];
        int64_t above = 0, counted = 0;
        for (int64_t i = 0; i < view.size(); ++i)
          if (!mask || mask->data()[i]) above += static_cast<double>(v.data()[i]) > t, ++counted;
        const double route_fraction = counted ? static_cast<double>(above) / static_cast<double>(counted) : 0.0;
        r.deep_levels = deep_level_fraction(input, grey, route_fraction, input_noise_sigma.value_or(0.0), mask_view,
                                            p.deep_levels);
        if (r.deep_levels->applied()) move_threshold(h, threshold_holding_fraction(grey, r.deep_levels->fraction, mask_view), r);
      }
      auto pm = phase_map<T>(view, r.threshold.thresholds, r.class_labels, mask_view, 0);
      r.labels = std::move(pm.labels);
      r.class_voxels = pm.class_voxels;
      if (segment_has_band(r)) r.band = measure_band<T>(view, r.threshold.threshold_bands[0], mask_view);
      return;
    }
    const std::string classes = p.classes.empty() ? "pore,CBD,LFP,NMC" : p.classes;
    const auto names = parse_name_list(classes, "--classes");
    require(names.size() >= 2, "--classes: method fibsem needs the pore name then the solid phases, e.g. pore,CBD,LFP,NMC");
    FibsemPoreResult pores = fibsem_pores<T>(view, p.fibsem);
    ActiveSplitParams sp;
    const int solids = static_cast<int>(names.size()) - 1;
    sp.pore_label = table.at(names[0], "--classes").label;
    sp.solid_labels = class_labels(classes.substr(classes.find(',') + 1), table, solids, "--classes");
    r.class_labels = {sp.pore_label};
    if (solids == 1) {
      r.labels = Volume<uint8_t>(view.shape(), view.spacing(), view.thickness_axis());
      int64_t solid = 0;
      for (int64_t i = 0; i < r.labels.size(); ++i) {
        const bool pore = pores.pores.data()[i] != 0;
        r.labels.data()[i] = pore ? sp.pore_label : sp.solid_labels[0];
        solid += !pore;
      }
      r.class_voxels = {r.labels.size() - solid, solid};
      r.threshold.method = "fibsem";
      r.class_labels.push_back(sp.solid_labels[0]);
    } else if (p.solid_method.empty()) {
      // The classes follow the phases present: grey modes of the solid name them (fibsem_phases.hpp).
      FibsemPhaseParams fp;
      fp.milling_axis = p.fibsem.milling_axis;
      fp.smoothing_sigma = p.fibsem.smoothing_sigma;
      fp.edge_fraction = p.fibsem.edge_fraction;
      fp.connectivity = p.fibsem.connectivity;
      fp.pore_label = sp.pore_label;
      fp.labels = sp.solid_labels;
      fp.names.assign(names.begin() + 1, names.end());
      fp.expected_contrast.clear();
      for (const auto& n : fp.names) fp.expected_contrast.push_back(expected_bse_contrast(n));
      FibsemPhaseResult phases = fibsem_phases<T>(view, pores.pores.view(), fp);
      std::optional<FibsemColumnsRecord> columns;
      if (p.fibsem_columns.enabled && p.fibsem_columns.milling_axis == p.fibsem.milling_axis && p.fibsem.milling_axis == 0)
      {
        FibsemColumnParams cp = p.fibsem_columns;
        cp.smoothing_sigma = p.fibsem.smoothing_sigma, cp.edge_fraction = p.fibsem.edge_fraction;
        cp.connectivity = p.fibsem.connectivity;
        columns = refine_fibsem_columns<T>(view, phases, fp, cp, p.fibsem_rims);
      }
      r.labels = std::move(phases.labels);
      r.threshold.method = "fibsem+modes";
      r.threshold.thresholds = phases.thresholds;
      r.class_voxels = {phases.pore_voxels};
      r.class_voxels.insert(r.class_voxels.end(), phases.phase_voxels.begin(), phases.phase_voxels.end());
      for (const auto& n : phases.phases) r.class_labels.push_back(table.at(n, "--classes").label);
      phases.labels = Volume<uint8_t>();
      r.fibsem_solids = std::move(phases);
      r.fibsem_columns = std::move(columns);
    } else {
      sp.method = parse_threshold_method(p.solid_method, "--solid-method");
      sp.bins = p.histogram.bins ? p.histogram.bins : 256;
      ActiveSplitResult split = active_material_split<T>(view, pores.pores.view(), sp);
      r.labels = std::move(split.labels);
      r.threshold = split.thresholds;
      r.threshold.method = "fibsem+" + split.thresholds.method;
      r.class_voxels = {split.pore_voxels};
      r.class_voxels.insert(r.class_voxels.end(), split.class_voxels.begin(), split.class_voxels.end());
      r.class_labels.insert(r.class_labels.end(), sp.solid_labels.begin(), sp.solid_labels.end());
    }
    pores.pores = Volume<uint8_t>();
    r.fibsem = std::move(pores);
  });
  for (uint8_t l : r.class_labels) r.class_names.push_back(table.name_of(l));
  for (int64_t c : r.class_voxels) r.counted_voxels += c;
  return r;
}

}  // namespace emorph
