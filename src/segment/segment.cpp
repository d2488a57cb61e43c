// The `emorph segment` pipeline (Etiemble et al. 2017, section 3.1.2): denoise, histogram, threshold,
// phase map; FIB/SEM: shine-through-robust pores, then thresholds on the solid voxels.
#include "emorph/segment/segment.hpp"

#include <sstream>

#include "emorph/error.hpp"
#include "emorph/segment/fibsem_phases.hpp"
#include "emorph/segment/phase_map.hpp"

namespace emorph {

namespace {

std::vector<std::string> split_names(const std::string& spec) {
  std::vector<std::string> names;
  std::stringstream ss(spec);
  std::string n;
  while (std::getline(ss, n, ',')) names.push_back(n);
  return names;
}

}  // namespace

Json SegmentParams::to_json() const {
  Json j = {{"method", method}, {"classes", classes}, {"bins", histogram.bins}};
  if (denoise) j["denoise"] = denoise->to_json();
  if (histogram.range_min) j["range_min"] = *histogram.range_min;
  if (histogram.range_max) j["range_max"] = *histogram.range_max;
  if (method == "fibsem")
    j["fibsem"] = {{"milling_axis", fibsem.milling_axis},     {"behind", fibsem.behind},
                   {"smoothing_sigma", fibsem.smoothing_sigma}, {"rise_fraction", fibsem.rise_fraction},
                   {"edge_fraction", fibsem.edge_fraction},   {"grey_classes", fibsem.grey_classes},
                   {"solid_method", solid_method}};
  return j;
}

Json SegmentResult::to_json(bool with_histogram) const {
  Json phases = Json::object();
  for (std::size_t k = 0; k < class_labels.size(); ++k) {
    const std::string& name = class_names[k];
    if (phases.contains(name)) {  // two classes mapped to one phase
      phases[name]["voxels"] = phases[name]["voxels"].get<int64_t>() + class_voxels[k];
    } else {
      phases[name] = {{"label", class_labels[k]}, {"voxels", class_voxels[k]}};
    }
  }
  for (auto& [name, p] : phases.items())
    p["volume_fraction"] = counted_voxels ? p["voxels"].get<double>() / static_cast<double>(counted_voxels) : 0.0;
  Json j = {{"method", threshold.method}, {"thresholds", threshold.thresholds}, {"classes", class_names},
            {"phases", phases},           {"counted_voxels", counted_voxels}};
  if (!threshold.peak_bins.empty()) {
    std::vector<double> peaks;
    for (int b : threshold.peak_bins) peaks.push_back(threshold.bin_centers[b]);
    j["peaks"] = peaks;
    j["smoothing_iterations"] = threshold.smoothing_iterations;
  }
  if (fibsem)
    j["fibsem"] = {{"pore_fraction", fibsem->pore_fraction},   {"background", fibsem->background},
                   {"solid_threshold", fibsem->solid_threshold}, {"edge_threshold", fibsem->edge_threshold},
                   {"grey_classes", fibsem->grey_classes},
                   {"pore_markers", fibsem->pore_markers},     {"solid_markers", fibsem->solid_markers},
                   {"unmarked", fibsem->unmarked}};
  if (fibsem && !fibsem_solids.is_null()) j["fibsem"]["solids"] = fibsem_solids;
  if (with_histogram) j["histogram"] = {{"bin_centers", threshold.bin_centers}, {"counts", threshold.histogram}};
  return j;
}

SegmentResult segment(const AnyVolume& input, const SegmentParams& p, const PhaseTable& table, const Volume<uint8_t>* mask) {
  const bool fibsem = p.method == "fibsem";
  std::optional<ThresholdMethod> method;
  if (!fibsem) method = parse_threshold_method(p.method, "--method");
  require(!(fibsem && mask), "--mask is not supported with --method fibsem");
  AnyVolume denoised;
  if (p.denoise) denoised = denoise(input, *p.denoise);
  const AnyVolume& grey = p.denoise ? denoised : input;
  if (mask) require(mask->shape() == grey.shape(), "--mask: shape " + mask->shape().str() +
                                                      " differs from the volume's " + grey.shape().str());
  SegmentResult r;
  grey.visit([&](const auto& v) {
    using T = typename std::decay_t<decltype(v)>::value_type;
    VolumeView<const T> view = v.view();
    if (!fibsem) {
      const Histogram h = histogram<T>(view, p.histogram, mask ? mask->view() : VolumeView<const uint8_t>{});
      r.threshold = compute_threshold(h, *method);
      r.class_labels = class_labels(p.classes, table, method->class_count(), "--classes");
      auto pm = phase_map<T>(view, r.threshold.thresholds, r.class_labels,
                             mask ? mask->view() : VolumeView<const uint8_t>{}, 0);
      r.labels = std::move(pm.labels);
      r.class_voxels = pm.class_voxels;
      return;
    }
    const std::string classes = p.classes.empty() ? "pore,CBD,LFP,NMC" : p.classes;
    const auto names = split_names(classes);
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
      r.labels = std::move(phases.labels);
      r.threshold.method = "fibsem+modes";
      r.threshold.thresholds = phases.thresholds;
      r.class_voxels = {phases.pore_voxels};
      r.class_voxels.insert(r.class_voxels.end(), phases.phase_voxels.begin(), phases.phase_voxels.end());
      for (const auto& n : phases.phases) r.class_labels.push_back(table.at(n, "--classes").label);
      phases.labels = Volume<uint8_t>();
      r.fibsem_solids = phases.to_json();
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
