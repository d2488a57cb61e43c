#pragma once
// The results layer of the segment area: the JSON of `emorph segment` (also emorph.segment and analyze's
// results.segmentation), of its FIB/SEM records and of `emorph contacts`, built from the structs of
// include/emorph/segment/ (which carry no JSON). Particles: particle_results.hpp; the layers beside a
// grey electrode: electrode_layers_results.hpp.
#include <string>
#include <vector>

#include "emorph/phase_table.hpp"
#include "emorph/result.hpp"
#include "emorph/segment/bright_phase.hpp"
#include "emorph/segment/contact_analysis.hpp"
#include "emorph/segment/fibsem_columns.hpp"
#include "emorph/segment/fibsem_phases.hpp"
#include "emorph/segment/fibsem_route.hpp"
#include "emorph/segment/fibsem_shine.hpp"
#include "emorph/segment/filter_volume_correction.hpp"
#include "emorph/segment/reblur_surface.hpp"
#include "emorph/segment/segment.hpp"
#include "emorph/segment/segment_options.hpp"

namespace emorph {

// results.* of `emorph segment`: method, thresholds, classes, phases.<name>.{label, voxels,
// volume_fraction[, volume_fraction_band]}, counted_voxels, denoise, and where present threshold_band,
// volume_correction, bright_phase, model, peaks, fibsem; histogram (when with_histogram).
Json segment_results(const SegmentResult& result, bool with_histogram);

// results.denoise: {"auto": false, "filter": {...}} or {"auto": true, "filter": {...} | "none", "raw_cnr",
// "raw_separability"}.
Json segment_denoise_json(const SegmentDenoise& denoise);

// results.bright_phase when checked: checked, zero_grey, dark_level, bright_level, attenuation_ratio,
// nmc_present[, reason, zero_grey_source].
Json bright_phase_json(const BrightPhaseCheck& check);

// Without the zero grey the check cannot run, and no other statistic of one grey volume measured so far
// tells dense LFP from NMC (docs/validation.md, "LFP-only without a known zero grey"): the bright class of
// the default two-class segmentation is then taken as NMC. This record says so (`emorph segment`'s
// `results.bright_phase`, analyze's `results.segmentation.bright_phase`): checked false, the assumption,
// why, and the options that either run the check or analyse the electrode as one LFP matrix.
Json unchecked_bright_phase();

// The segmentation's deep_levels block: applied, method, fit_residual_ratio, route_fraction,
// psf_sigma_voxels; applied: fraction, fraction_band, dark_grey, bright_grey, mean_grey, depth_voxels,
// deep_voxels [dark, bright], iteration_fractions; withheld: reason.
Json deep_levels_json(const DeepLevelFraction& levels);

// results.volume_correction: threshold_before, threshold, fraction_shift, mean_shift, raw_mean,
// filtered_mean[, repeat_shift].
Json volume_correction_json(const FilterVolumeCorrection& correction);

// results.fibsem.solids: pore_grey, noise_sigma, mode_grey, phases, absent, thresholds, phase_voxels,
// pore_voxels, unnamed_mode_grey[, contrast_misfit].
Json fibsem_phases_json(const FibsemPhaseResult& phases);
// results.fibsem.solids.columns: the levels (noise_sigma, pore_grey_first_last_slice, phases), shine_depth_um,
// shine_strength, change_penalty[, shine_fit].
Json fibsem_columns_json(const FibsemColumnsRecord& columns);
Json fibsem_column_levels_json(const FibsemColumnLevels& levels);
// fitted, depth_um, strength, residual_rms, gaps, voxels.
Json fibsem_shine_json(const FibsemShineEstimate& estimate);

// results.segmentation of analyze on a FIB/SEM stack: the segment keys plus "preparation" (the prep record
// without its per-slice arrays' bulk: steps, crop, drift_max_px, alignment, intensity levels).
Json fibsem_route_json(const FibsemRouteResult& route);

// The grey-corrected surface record. Applied: method, psf_sigma_voxels, psf_fit_voxels, noise_sigma,
// noise_roughness_share, fit_residual_ratio, first_order_factor, pass_losses [first, second],
// noise_level_ratio, reimaging_noise_sigma, second_order_withheld (when the guard fires), factor,
// factor_band. Withheld: skipped: true, reason, method, psf_sigma_voxels, psf_fit_voxels, noise_sigma,
// fit_residual_ratio.
Json reblur_surface_json(const ReblurSurface& surface);

// The `results` object of `emorph contacts` (CONTRACT.md): phase, count, contacting_pairs,
// contact_area_um2_total, mean_coordination_number, coordination_histogram[k] (particles with k
// contacts), contact_with.<other>.{area_um2, share} (phases with a nonzero contact; share = of the
// particles' total surface, particle contacts included), particles[] = {label, coordination_number,
// contact_area_um2}.
Json contact_results(const ContactAnalysis& analysis, const PhaseTable& table, const std::string& phase);

// The --csv rows: one per contacting pair (particle_a, particle_b, contact_area_um2).
std::vector<std::string> contact_csv_header();
std::vector<std::vector<std::string>> contact_csv_rows(const ContactAnalysis& a);

// The --particles-csv rows: one per particle (label, coordination_number, contact_area_um2, then its
// area touching each phase of contact_with, "<phase>_area_um2").
std::vector<std::string> contact_particle_csv_header(const ContactAnalysis& a, const PhaseTable& table);
std::vector<std::vector<std::string>> contact_particle_csv_rows(const ContactAnalysis& a);

// `parameters` of `emorph segment`, in the shape CONTRACT.md and earlier outputs fix: the table's echo with
// `denoise` as the spec applied (an object, or "auto" / "none"), `range` as range_min / range_max and
// `pore_grey` only when given, and the fibsem table under `fibsem` for method fibsem.
Json segment_parameters_json(const SegmentOptions& options);

}  // namespace emorph
