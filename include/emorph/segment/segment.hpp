#pragma once
// Grey volume -> phase map in one call (the `emorph segment` pipeline, reusable from Python): optional
// denoising, histogram (optionally masked), thresholds by the chosen method, classes mapped to phase
// labels; or, for FIB/SEM stacks, shine-through-robust pores then thresholds on the solid voxels.
#include <array>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "emorph/filter/denoise.hpp"
#include "emorph/phase_table.hpp"
#include "emorph/segment/active_material_split.hpp"
#include "emorph/segment/bright_phase.hpp"
#include "emorph/segment/deep_level_fraction.hpp"
#include "emorph/segment/fibsem_columns.hpp"
#include "emorph/segment/fibsem_phases.hpp"
#include "emorph/segment/fibsem_shine.hpp"
#include "emorph/segment/fibsem_pores.hpp"
#include "emorph/segment/fibsem_rims.hpp"
#include "emorph/segment/filter_volume_correction.hpp"
#include "emorph/segment/histogram.hpp"
#include "emorph/segment/pv_mixture.hpp"
#include "emorph/segment/segment_defaults.hpp"
#include "emorph/segment/threshold.hpp"
#include "emorph/volume.hpp"

namespace emorph {

// Pre-filter chosen from the noise the mixture model estimates on the raw histogram (denoise "auto").
struct AutoDenoiseParams {
  double median_below_cnr = 12.0;  // raw contrast-to-noise under which a 3x3x3 median is applied
};

struct SegmentParams {
  // mixture[:rule] | otsu | minimum | intermodes | multiotsu:N | manual:T1,... | fibsem. Default
  // (segment_defaults.hpp): mixture:otsu-volume, Otsu checked by the histogram model (pv_mixture.hpp),
  // moved to restore the volume the pre-filter removed (filter_volume_correction.hpp).
  std::string method = kDefaultSegmentMethod;
  std::string classes;                  // "pore,NMC" (darkest first); empty: labels 0..K-1 (fibsem: pore,CBD,LFP,NMC)
  std::optional<DenoiseSpec> denoise;   // applied first
  bool auto_denoise = true;             // without `denoise`: chosen from the estimated noise (AutoDenoiseParams)
  AutoDenoiseParams auto_denoise_params;
  PvMixtureParams mixture;              // method mixture, and the bands of the other two-class methods
  // mixture:otsu-volume after a pre-filter: the bright fraction from the deep voxels' pure-phase greys
  // replaces the volume restoration's where its gate trusts the fit (deep_level_fraction.hpp).
  DeepLevelFractionParams deep_levels;
  // Grey of zero attenuation (air / empty pores; `--pore-grey`): when given, the bright class of a
  // two-class segmentation is checked to be NMC (bright_phase.hpp); the mixture methods (the default)
  // refuse an LFP-only electrode, any other method only records the check.
  std::optional<double> zero_grey;
  BrightPhaseParams bright_phase;
  HistogramParams histogram;
  FibsemPoreParams fibsem;              // method fibsem
  // method fibsem: thresholds of the solid voxels (e.g. multiotsu:3). Empty (default): the solid's grey
  // modes name the phases present and a watershed places their boundaries (fibsem_phases.hpp).
  std::string solid_method;
  // method fibsem, default solid split: then each column along the milling axis relabelled by the
  // shine-through model (fibsem_columns.hpp); enabled = false keeps the watershed labels.
  FibsemColumnParams fibsem_columns;
  // ... and the rims of those labels placed by the probe-blur model (fibsem_rims.hpp).
  FibsemRimParams fibsem_rims;
};

// A two-class segmentation re-measured at the ends of the threshold band: per axis, the voxels of the
// brighter class in each slice at the band's high threshold (fewest) and low threshold (most).
struct SegmentBand {
  std::array<double, 2> thresholds{0, 0};                    // [low, high], grey units
  std::array<int64_t, 2> bright_voxels{0, 0};                // at [high, low] threshold, inside the mask
  std::array<std::array<std::vector<int64_t>, 2>, 3> bright_per_slice;  // [axis][high/low][slice]
};

// The pre-filter segment applied: the user's, or the one "auto" chose from the raw histogram's model.
struct SegmentDenoise {
  bool automatic = false;
  std::optional<DenoiseSpec> filter;                 // none: "auto" chose no filter
  std::optional<double> raw_cnr, raw_separability;  // "auto": of the raw histogram's model (none: no model)
};

// The column model's relabelling of a FIB/SEM solid split (fibsem_columns.hpp): the final levels, the
// shine-through used and, when fitted, the last estimate with the number of passes that fitted.
// The rim model's record (fibsem_rims.hpp), when it ran.
struct FibsemRimsRecord {
  double probe_sigma_px = 0;
  int sweeps = 0;
  int64_t relabelled_voxels = 0;
};

struct FibsemColumnsRecord {
  FibsemColumnLevels levels;
  double shine_depth_um = 0, shine_strength = 0, change_penalty = 0;
  std::optional<FibsemShineEstimate> shine_fit;
  int fitted_passes = 0;
  std::optional<FibsemRimsRecord> rims;
};

struct SegmentResult {
  Volume<uint8_t> labels;
  ThresholdResult threshold;            // of the grey classes (fibsem: of the solid classes)
  std::vector<std::string> class_names;
  std::vector<uint8_t> class_labels;
  std::vector<int64_t> class_voxels;    // per class, inside the mask
  int64_t counted_voxels = 0;
  std::optional<FibsemPoreResult> fibsem;  // method fibsem (its pore volume moved into labels)
  std::optional<PvMixtureModel> model;     // the histogram model (two-class methods, when it fits)
  std::optional<SegmentBand> band;         // two-class methods with a model
  std::optional<BrightPhaseCheck> bright_phase;  // with SegmentParams::zero_grey, two classes and a model
  // Without zero_grey, the default method and a bright class named NMC: taken as NMC unchecked
  // (results/segment_results.hpp writes unchecked_bright_phase()).
  bool bright_phase_assumed = false;
  std::optional<SegmentDenoise> denoise_used;  // the pre-filter applied (auto: with the estimated CNR), or none
  std::optional<FilterVolumeCorrection> volume_correction;  // mixture:otsu-volume after a pre-filter
  // mixture:otsu-volume after a pre-filter: the deep-voxel fraction estimate, applied (the threshold
  // then holds its fraction on the pre-filtered volume) or withheld with the reason.
  std::optional<DeepLevelFraction> deep_levels;
  // Band of a class's volume fraction [low, high] (two classes with a band), else nullopt.
  std::optional<std::array<double, 2>> fraction_band(std::size_t class_index) const;
  // Method fibsem, default solid split: the grey modes that named the solid phases (labels moved out),
  // and the column model's record when it relabelled them.
  std::optional<FibsemPhaseResult> fibsem_solids;
  std::optional<FibsemColumnsRecord> fibsem_columns;
};

// Sets params.denoise / auto_denoise from "auto" | "none" | a denoise spec (denoise.hpp).
void set_denoise(SegmentParams& params, const std::string& spec, const std::string& option);

// `mask` (optional, same shape): only voxels with mask != 0 are counted and classified, others get
// label 0. Throws InputError for bad parameters or a histogram the method cannot threshold.
SegmentResult segment(const AnyVolume& grey, const SegmentParams& params, const PhaseTable& table,
                      const Volume<uint8_t>* mask = nullptr);

// The steps of segment() that the streamed run (stream/streamed_segment.hpp) shares with it.
// "auto" pre-filter: a 3x3x3 median when the model fitted on the raw histogram finds a low
// contrast-to-noise; sets `denoise_used` (the results' "denoise").
std::optional<DenoiseSpec> choose_auto_denoise(const std::function<Histogram()>& raw_histogram, const SegmentParams& params,
                                               std::optional<SegmentDenoise>& denoise_used);
// Thresholds, model and class labels of the (pre-filtered) histogram; two classes also get the
// model's threshold band when it fits. `filtered_mean` (the pre-filtered volume's mean grey, given
// for mixture:otsu-volume with a pre-filter) moves the threshold to restore the volume the filter
// removed (filter_volume_correction.hpp); `repeat_shares(t)`, when given with it, returns the bright
// shares above t after the filter applied kRepeatPass and kRepeatPass + 1 times. `input_noise_sigma`
// (the unfiltered input's, noise_estimate.hpp) lets the mixture methods refuse an input whose
// contrast-to-noise is below PvMixtureParams::min_input_cnr.
void threshold_segment_classes(const Histogram& h, const SegmentParams& params, const ThresholdMethod& method,
                               std::optional<double> input_mean, std::optional<double> filtered_mean,
                               const PhaseTable& table, SegmentResult& r,
                               const std::function<std::array<double, 2>(double)>& repeat_shares = {},
                               std::optional<double> input_noise_sigma = std::nullopt);
// True when r's band is to be re-measured (two classes with a band).
bool segment_has_band(const SegmentResult& r);
// The band's re-measurement on a volume (any dtype but fibsem's): voxels above the band's high and
// low thresholds, in total and per slice along each axis.
template <class T>
SegmentBand measure_band(VolumeView<const T> v, std::array<double, 2> thresholds, VolumeView<const uint8_t> mask = {});

}  // namespace emorph
