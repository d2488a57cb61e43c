// analyze's LFP step (Etiemble et al. 2017, section 3.3, Fig. S5): eroded matrix grey -> LFP fraction of
// the matrix (calibration or known mean) x matrix fraction -> Table 1's LFP bulk mean, RSD and slope.
#include "emorph/report/lfp_step.hpp"

#include <algorithm>
#include <cmath>

#include "emorph/error.hpp"
#include "emorph/measure/composition.hpp"
#include "emorph/measure/lfp_calibration.hpp"
#include "emorph/measure/lfp_forward_model.hpp"
#include "emorph/measure/lfp_profile.hpp"
#include "emorph/measure/matrix_grey.hpp"
#include "emorph/results/measure_results.hpp"

namespace emorph {
namespace {

constexpr const char* kHowTo =
    "give --lfp-calibration CAL.json (emorph calibrate on reference samples), --lfp-mean F (the electrode's LFP "
    "volume fraction) or --composition NMC=..,LFP=..,PVdF=..,CB=.. (wt%) with --porosity P";

// A margin above the electrode before air is trusted as the zero point (the blur of the surface).
constexpr double kAirMarginUm = 3.0;

Json numbers(const std::vector<double>& v) {
  Json a = Json::array();
  for (double x : v) a.push_back(number_or_null(x));
  return a;
}

void skip(Json& results, const std::string& reason) {
  results["lfp"] = {{"route", "skipped"}, {"reason", reason}, {"options", kHowTo}};
  results["skipped"].push_back({{"step", "lfp"}, {"phase", "LFP"}, {"reason", reason + "; " + kHowTo}});
}

struct ZeroPoint {
  double grey = 0, stderr_grey = 0;
  std::string source;
};

// Zero LFP: --pore-grey, else the air imaged above the electrode (slices past its surface and a blur
// margin): mean grey, standard error from the spread of the slice means.
std::optional<ZeroPoint> zero_point(const LfpStepInputs& in) {
  if (in.options.pore_grey) {
    return ZeroPoint{*in.options.pore_grey, 0.0,
                     in.options.pore_grey_source.empty() ? "--pore-grey" : in.options.pore_grey_source};
  }
  const int64_t slices = in.labels.shape()[in.axis];
  const double slice_um = in.labels.spacing()[in.axis];
  const int64_t first = in.region.last_slice + 1 + static_cast<int64_t>(std::ceil(kAirMarginUm / slice_um));
  if (slices - first < 3) return std::nullopt;
  std::vector<double> means;
  in.grey.visit([&](const auto& v) {
    const auto view = v.view();
    const Shape s = view.shape();
    for (int64_t k = first; k < slices; ++k) {
      double sum = 0;
      int64_t n = 0;
      for (int64_t z = in.axis == 0 ? k : 0; z < (in.axis == 0 ? k + 1 : s.nz); ++z)
        for (int64_t y = in.axis == 1 ? k : 0; y < (in.axis == 1 ? k + 1 : s.ny); ++y)
          for (int64_t x = in.axis == 2 ? k : 0; x < (in.axis == 2 ? k + 1 : s.nx); ++x) sum += static_cast<double>(view(z, y, x)), ++n;
      means.push_back(sum / static_cast<double>(n));
    }
  });
  double mean = 0, var = 0;
  for (double m : means) mean += m / static_cast<double>(means.size());
  for (double m : means) var += (m - mean) * (m - mean) / static_cast<double>(means.size() - 1);
  return ZeroPoint{mean, std::sqrt(var / static_cast<double>(means.size())),
                   "air above the electrode (slices " + std::to_string(first) + ".." + std::to_string(slices - 1) + ")"};
}

// The electrode's LFP volume fraction from the options: --lfp-mean, or the composition calculator.
double known_lfp_mean(const LfpStepInputs& in, Json& record) {
  const LfpOptions& o = in.options;
  if (o.mean) {
    require(std::isfinite(*o.mean) && *o.mean >= 0 && *o.mean < 1, "--lfp-mean: the electrode's LFP volume fraction must lie in [0, 1)");
    record["known_mean_source"] = o.known_mean_source.empty() ? "--lfp-mean" : o.known_mean_source;
    return *o.mean;
  }
  CompositionParams p;
  p.wt_percent = parse_name_values(o.composition, "--composition");
  p.density_g_cm3 = component_densities(p.wt_percent, {}, in.table);
  p.porosity_percent = o.porosity_percent;
  p.loading_mg_per_cm2 = o.loading_mg_per_cm2;
  if (o.loading_mg_per_cm2) p.thickness_um = o.thickness_um ? *o.thickness_um : in.region.thickness_um;
  require(o.porosity_percent || o.loading_mg_per_cm2, "--composition: give --porosity P (or --loading with --thickness)");
  const CompositionResult r = composition(p);
  double lfp = -1;
  for (const auto& [name, v] : r.vol_percent)
    if (name == "LFP") lfp = v / 100.0;
  if (lfp < 0) lfp = 0;  // no LFP in the composition
  record["known_mean_source"] = "composition calculator (--composition" +
                                std::string(o.porosity_percent ? ", --porosity" : ", --loading, --thickness") + ")";
  return lfp;
}

// The profile's shape (issue 16): the Gaussian PSF forward model where its fringe column says the model
// explains the NMC edges, else the eroded matrix grey; the level stays the map's (bulk mean kept). Records
// the pick, X and the reason in `record`; returns the profile to report.
LfpProfile pick_profile_shape(const LfpStepInputs& in, const MatrixGreyProfile& profile, const LfpGreyMap& map,
                              SliceRange electrode, LfpProfile eroded, Json& record) {
  record["profile_route"] = "eroded";
  record["fringe_over_blur"] = nullptr;
  const Phase* nmc = in.table.find("NMC");
  const double zero_grey = map.zero_grey ? *map.zero_grey : -map.map.intercept / map.map.slope;
  const Shape s = in.labels.shape();
  Volume<uint8_t> mask = Volume<uint8_t>::filled(s, in.labels.spacing(), 0);
  int64_t nmc_voxels = 0;
  for (int64_t z = 0; nmc && z < s.nz; ++z)
    for (int64_t y = 0; y < s.ny; ++y)
      for (int64_t x = 0; x < s.nx; ++x) nmc_voxels += mask(z, y, x) = in.labels(z, y, x) == nmc->label;
  if (nmc_voxels == 0 || !std::isfinite(zero_grey)) {
    record["profile_route_reason"] = nmc_voxels == 0 ? "no NMC in the labels: the forward model needs NMC edges"
                                                     : "the LFP map has no zero grey (slope 0)";
    return eroded;
  }
  LfpForwardModelParams fp;
  fp.axis = in.axis;
  fp.bulk = in.bulk;
  LfpForwardModel model;
  try {
    model = lfp_forward_model(in.grey, mask.view(), profile.bright_mean_grey, fp);
  } catch (const InputError& e) {
    record["profile_route_reason"] = std::string("forward model not applicable: ") + e.what();
    return eroded;
  }
  const double voxel_um = in.labels.spacing()[in.axis];
  record["fringe_over_blur"] = model.fringe_over_blur;
  record["profile_route_reason"] = model.reason;
  record["forward_model"] = {{"psf_sigma_um", model.psf_sigma_voxels * voxel_um},
                             {"fringe_threshold", fp.fringe_threshold},
                             {"eroded_slope_per_um", number_or_null(eroded.bulk.slope_per_um)},
                             {"eroded_rsd_percent", number_or_null(eroded.bulk.rsd_percent)}};
  if (!model.use_model) return eroded;
  record["profile_route"] = "forward_model";
  LfpModelProfile shaped = lfp_forward_model_profile(model, profile.bright_mean_grey, zero_grey, in.bulk, eroded.bulk.mean_fraction);
  return reshaped_lfp_profile(eroded, std::move(shaped.fraction), std::move(shaped.fraction_of_matrix), electrode, in.bulk);
}

}  // namespace

void lfp_grey_step(const LfpStepInputs& in, Json& results) {
  const Spacing sp = in.labels.spacing();
  if (in.method == "fibsem" || std::max({sp.dz, sp.dy, sp.dx}) <= kLfpResolvedVoxelUm) return;  // LFP resolved here
  const LfpOptions& o = in.options;
  require(o.calibration.empty() || (!o.mean && o.composition.empty()),
          "--lfp-calibration: give either a calibration or a known LFP content (--lfp-mean / --composition), not both");
  require(!(o.mean && !o.composition.empty()), "--lfp-mean: give either the LFP fraction or --composition, not both");

  // An LFP class of a threshold at this voxel size is a grey band, not the phase.
  const bool lfp_thresholded = std::find(in.classes.begin(), in.classes.end(), "LFP") != in.classes.end();
  if (lfp_thresholded) {
    Json& f = results["fractions"]["phases"];
    if (f.contains("LFP"))
      f["LFP"].update({{"resolved", false},
                       {"note", "a grey class, not the LFP phase: 0.2 um LFP particles are not resolved at this voxel size"}});
    if (results["profiles"]["phases"].contains("LFP")) results["profiles"]["phases"].erase("LFP");
    results["warnings"].push_back("LFP was thresholded at " + Json(std::max({sp.dz, sp.dy, sp.dx})).dump() +
                                  " um voxels, where it is not resolved: its threshold fraction is not the LFP content");
  }

  MatrixGreyParams mp;
  mp.axis = in.axis;
  for (const auto& ph : in.table.phases()) (ph.name == "NMC" || ph.name == "collector" ? mp.bright_labels : mp.matrix_labels).push_back(ph.label);
  if (const Phase* collector = in.table.find("collector")) mp.layer_labels.push_back(collector->label);
  mp.erosion_um = o.erosion_um;
  mp.reference_slices = std::array<int64_t, 2>{in.region.first_slice, in.region.last_slice};
  // Segmentation band: a quarter of the matrix-to-NMC peak distance either side of the half-way threshold.
  if (in.threshold && in.threshold->peak_bins.size() == 2 && in.threshold->thresholds.size() == 1 && in.classes.size() == 2 &&
      in.classes[1] == "NMC") {
    const double lo = in.threshold->bin_centers[static_cast<std::size_t>(in.threshold->peak_bins[0])];
    const double hi = in.threshold->bin_centers[static_cast<std::size_t>(in.threshold->peak_bins[1])];
    const double t = in.threshold->thresholds[0], q = 0.25 * std::fabs(hi - lo);
    mp.band_thresholds = std::array<double, 3>{t - q, t, t + q};
    mp.band_labels = mp.matrix_labels;
    if (const Phase* nmc = in.table.find("NMC")) mp.band_labels.push_back(nmc->label);
  }
  const MatrixGreyProfile profile = matrix_grey_profile(in.grey, in.labels, mp);
  const SliceRange electrode{in.region.first_slice, in.region.last_slice};
  const double mean_grey = matrix_mean_grey(profile, electrode);
  std::vector<double> matrix_fraction;
  for (std::size_t i = 0; i < profile.matrix_voxels.size(); ++i) matrix_fraction.push_back(profile.matrix_fraction(i));
  results["grey_profile"].update({{"matrix_mean_grey", number_or_null(mean_grey)},
                                  {"matrix_mean_grey_over", "electrode region, matrix-weighted, eroded matrix"},
                                  {"erosion_um", profile.erosion_um},
                                  {"erosion_measured", profile.erosion_measured},
                                  {"eroded_mean_grey", numbers(profile.mean_grey)},
                                  {"eroded_voxels", profile.eroded_voxels},
                                  {"matrix_fraction", matrix_fraction},
                                  {"matrix_fraction_source", profile.unmixed_matrix_fraction.empty() ? "labels" : "slice mean grey (unmixed)"},
                                  {"shell_distance_um", profile.shell_distance_um},
                                  {"shell_mean_grey", numbers(profile.shell_mean_grey)},
                                  {"shell_offset_grey", numbers(profile.shell_offset_grey)},
                                  {"far_mean_grey", number_or_null(profile.far_mean_grey)},
                                  {"bright_mean_grey", number_or_null(profile.bright_mean_grey)}});

  if (!o.active()) {
    skip(results, lfp_thresholded ? "LFP is not resolved at this voxel size and no calibration or known LFP content was given"
                                  : "no LFP calibration or known LFP content (an electrode with LFP needs one)");
    return;
  }
  Json record = Json::object();
  LfpGreyMap map;
  if (!o.calibration.empty()) {
    const LfpCalibration cal = read_lfp_calibration(o.calibration);
    map = calibration_map(cal, mean_grey);
    record["calibration"] = lfp_calibration_results(cal);
    record["calibration"]["source"] = cal.source;
  } else {
    const double known = known_lfp_mean(in, record);
    if (known == 0) {  // an electrode without LFP: nothing to measure, nothing skipped
      record.update({{"route", "none"}, {"reason", "the electrode has no LFP (known content 0)"}});
      results["lfp"] = record;
      return;
    }
    const auto zero = zero_point(in);
    if (!zero) {
      skip(results, "no zero point for the self-calibration: give --pore-grey G (grey of pores/air), or image air above the electrode");
      return;
    }
    map = self_calibrated_map(profile, electrode, zero->grey, zero->stderr_grey, known);
    record.update({{"known_mean_fraction", known},
                   {"zero_grey", zero->grey},
                   {"zero_grey_stderr", zero->stderr_grey},
                   {"zero_grey_source", zero->source}});
  }
  const LfpProfile lfp = pick_profile_shape(in, profile, map, electrode, lfp_profile(profile, map, electrode, in.bulk), record);
  record.update({{"route", map.source},
                 {"slope_per_grey", map.map.slope},
                 {"intercept", map.map.intercept},
                 {"matrix_mean_grey", number_or_null(mean_grey)},
                 {"electrode_mean_fraction", lfp.electrode_mean}});
  results["lfp"] = record;
  results["profiles"]["phases"]["LFP"] = {{"source", "grey_calibration"},
                                          {"route", map.source},
                                          {"profile_route", record["profile_route"]},
                                          {"position_um", lfp.position_um},
                                          {"fraction", numbers(lfp.fraction)},
                                          {"fraction_of_matrix", numbers(lfp.fraction_of_matrix)},
                                          {"mean_fraction", number_or_null(lfp.bulk.mean_fraction)},
                                          {"rsd_percent", number_or_null(lfp.bulk.rsd_percent)},
                                          {"slope_per_um", number_or_null(lfp.bulk.slope_per_um)},
                                          {"slope_stderr_per_um", number_or_null(lfp.bulk.slope_stderr_per_um)},
                                          {"slope_relative_percent_per_um", number_or_null(lfp.bulk.slope_relative_percent_per_um)},
                                          {"mean_fraction_stderr", lfp.mean_stderr},
                                          {"mean_fraction_band", {lfp.mean_low, lfp.mean_high}},
                                          {"slope_band_per_um", {lfp.slope_low, lfp.slope_high}},
                                          {"electrode_mean_fraction", lfp.electrode_mean}};
}

}  // namespace emorph
