// The FIB/SEM route step by step (issue 14, point 7): synthetic electrodes (emorph's generator, presets
// of Etiemble et al. 2017) imaged by the FIB/SEM simulator with its default artefacts (drift, curtains,
// shading, contrast decay, shine-through), then raw, +destripe, +shading, +contrast along z,
// and the route (shading, guarded align and crop), each stage segmented by the default four-phase FIB/SEM segmentation and scored
// against the generator's labels (same region): pore Dice and each phase's vol% error.
//   bench_fibsem_chain [--presets H,F] [--voxels 0.02,0.01] [--seeds 3,4,5] [--size 128] [--final-only]
//                      [--drift-only] [--artefact-free] [--tile PX] [--lags 1,2,4,8] [--flat-tiles T]
//                      [--flat-factor F] [--tile-outlier PX] [--curtain-lags 1,2] (tracker settings, for the chain too)
//                      [--guard PX] (route's residual guard)
// Prints one row per (preset, voxel, seed, stage) and the worst final cell; docs/validation.md records a run.
// --drift-only: the drift tracker alone (after the route's shading correction) against the simulator's
// drift: largest error (all slices, and the slices with texture), rms error, slices without texture; --artefact-free: no drift,
// curtains, shading, contrast decay or shine-through (the tracker must not invent a drift); c_agr, c_shr,
// curt: the curtains' half agreement, step share and whether x was refitted with them (drift_curtains.hpp).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "emorph/filter/drift_split_check.hpp"
#include "emorph/filter/fibsem_prep.hpp"
#include "emorph/parse.hpp"
#include "emorph/phase_table.hpp"
#include "emorph/segment/fibsem_route.hpp"
#include "emorph/segment/segment.hpp"
#include "emorph/synth/electrode.hpp"
#include "emorph/synth/fibsem.hpp"
#include "fibsem_cells.hpp"

using namespace emorph;
using namespace emorph::bench;

namespace {

// The tracker on the route's shaded stack against the simulator's drift, one row per cell.
int drift_errors(const std::vector<std::string>& presets, const std::vector<std::string>& voxels,
                 const std::vector<std::string>& seeds, int size, const synth::FibsemParams& imaging,
                 const DriftTrackParams& tracker) {
  // before_rms: the unaligned stack's error (the true drift's rms); tex_rms_c: the track's rms error per
  // axis on textured slices about its mean; est_err: the split-half check's
  // truth-free estimate of the track's error (drift_split_check.hpp), spread: the track's spread, step_err and
  // steps: the same for the steps between slices, helps: its verdict.
  std::printf("%-6s %-6s %-4s %10s %10s %10s %10s %8s %8s %8s %10s %9s %8s %8s %8s %8s %5s %6s %6s %4s\n", "preset", "voxel", "seed", "max_err_px", "textured",
              "rms_err_px", "true_max", "featless", "unrel", "resid", "before_rms", "tex_rms_c", "est_err", "spread", "step_err", "steps", "helps", "c_agr", "c_shr", "curt");
  std::printf("# rms_y, rms_x: the rms error per axis over all slices (px)\n");
  double worst = 0;
  for (const auto& preset : presets)
    for (const auto& voxel : voxels)
      for (const auto& seed_s : seeds) {
        const SimulatedCell cell = simulate_cell(preset, voxel, seed_s, size, imaging);
        const auto& sim = cell.sim;
        const Volume<float>& raw = cell.raw;
        FibsemPrepParams pp = FibsemRouteParams().prep;
        pp.align = false;
        const auto shaded = fibsem_prepare(raw.view(), pp);
        const DriftTrack track = estimate_drift(shaded.stack.view(), tracker);
        // EMORPH_BENCH_NO_CHECK: leave the split-half check out (it tracks the stack twice more).
        const DriftSplitCheck check =
            std::getenv("EMORPH_BENCH_NO_CHECK") ? DriftSplitCheck{} : check_drift_by_halves(shaded.stack.view(), track, tracker);
        double largest = 0, sum = 0, true_max = 0, textured = 0, before = 0, axis_sum[2] = {0, 0};
        // The error about its mean over the textured slices: a constant offset of the whole aligned stack
        // changes no measurement (it only moves the frame; across a featureless run it is unobservable).
        std::vector<std::array<double, 2>> textured_error;
        for (std::size_t z = 0; z < sim.drift_px.size(); ++z)
          for (int axis = 0; axis < 2; ++axis) {
            const double e = track.drift_px[z][axis] - sim.drift_px[z][axis];
            largest = std::max(largest, std::abs(e));
            if (!std::binary_search(track.featureless_slices.begin(), track.featureless_slices.end(), int64_t(z))) {
              textured = std::max(textured, std::abs(e));
              if (axis == 0) textured_error.push_back({0.0, 0.0});
              textured_error.back()[axis] = e;
            }
            sum += e * e;
            axis_sum[axis] += e * e;
            before += double(sim.drift_px[z][axis]) * sim.drift_px[z][axis];
            true_max = std::max(true_max, double(std::abs(sim.drift_px[z][axis])));
          }
        worst = std::max(worst, largest);
        if (std::getenv("EMORPH_BENCH_PROFILE"))
          for (std::size_t z = 0; z < sim.drift_px.size(); z += 8)
            std::printf("  z %3zu error %+6.2f %+6.2f\n", z, track.drift_px[z][0] - sim.drift_px[z][0], track.drift_px[z][1] - sim.drift_px[z][1]);
        const double n = 2.0 * double(sim.drift_px.size());
        double mean[2] = {0, 0}, about_mean = 0;
        for (const auto& e : textured_error) mean[0] += e[0] / double(textured_error.size()), mean[1] += e[1] / double(textured_error.size());
        for (const auto& e : textured_error) about_mean += (e[0] - mean[0]) * (e[0] - mean[0]) + (e[1] - mean[1]) * (e[1] - mean[1]);
        about_mean = textured_error.empty() ? 0.0 : std::sqrt(about_mean / (2.0 * double(textured_error.size())));
        std::printf("%-6s %-6s %-4s %10.2f %10.2f %10.2f %10.0f %8zu %8zu %8.2f %10.2f %9.2f %8.2f %8.2f %8.2f %8.2f %5s %6.2f %6.2f %4s\n", preset.c_str(), voxel.c_str(),
                    seed_s.c_str(), largest, textured, std::sqrt(sum / n), true_max, track.featureless_slices.size(),
                    track.unreliable_slices.size(), track.residual_rms_px, std::sqrt(before / n), about_mean, check.estimated_error_px,
                    check.drift_spread_px, check.estimated_step_error_px, check.step_rms_px, check.helps ? "yes" : "no",
                    track.curtain_agreement, track.curtain_step_share, track.curtains_used ? "yes" : "no");
        std::printf("   rms_y %.2f rms_x %.2f step_corr %.2f\n", std::sqrt(axis_sum[0] / (0.5 * n)), std::sqrt(axis_sum[1] / (0.5 * n)),
                    track.curtain_step_correlation);
        std::fflush(stdout);
      }
  std::printf("drift: worst largest error %.2f px\n", worst);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string presets = "H,F", voxels = "0.02,0.01", seeds = "3,4,5";
  int size = 128;
  bool final_only = false;
  double whitening = -1;
  bool true_drift = false;  // the align stage uses the simulator's drift: the ceiling of alignment
  synth::FibsemParams imaging;  // the simulator's defaults unless --shine-depth / --shine-strength
  bool fit_shine = false;       // estimate the shine-through from the stack (fibsem_shine.hpp)
  bool drift_only = false;
  int tile_px = -1;  // -1: the tracker's default
  std::vector<int> lags;  // empty: the tracker's default
  std::vector<int> curtain_lags;  // empty: the tracker's default (no curtain pairs)
  double step_corr = -1;         // --curtain-step-corr R: the curtains' step gate by correlation
  bool curtain_median = false;    // --curtain-profile median: median of the x differences (else column means)
  double flat_tiles = -1, flat_factor = -1, guard = -1, tile_outlier = -1;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--presets" && i + 1 < argc) presets = argv[++i];
    else if (a == "--voxels" && i + 1 < argc) voxels = argv[++i];
    else if (a == "--seeds" && i + 1 < argc) seeds = argv[++i];
    else if (a == "--size" && i + 1 < argc) size = std::atoi(argv[++i]);
    else if (a == "--final-only") final_only = true;
    else if (a == "--whitening" && i + 1 < argc) whitening = std::atof(argv[++i]);
    else if (a == "--true-drift") true_drift = true;
    else if (a == "--shine-depth" && i + 1 < argc) imaging.shine_depth_um = std::atof(argv[++i]);
    else if (a == "--shine-strength" && i + 1 < argc) imaging.shine_strength = std::atof(argv[++i]);
    else if (a == "--fit-shine") fit_shine = true;
    else if (a == "--drift-only") drift_only = true;
    else if (a == "--tile" && i + 1 < argc) tile_px = std::atoi(argv[++i]);
    else if (a == "--guard" && i + 1 < argc) guard = std::atof(argv[++i]);
    else if (a == "--tile-outlier" && i + 1 < argc) tile_outlier = std::atof(argv[++i]);
    else if (a == "--flat-tiles" && i + 1 < argc) flat_tiles = std::atof(argv[++i]);
    else if (a == "--flat-factor" && i + 1 < argc) flat_factor = std::atof(argv[++i]);
    else if (a == "--curtain-lags" && i + 1 < argc)
      for (const auto& l : split_list(argv[++i], "--curtain-lags")) curtain_lags.push_back(std::stoi(l));
    else if (a == "--curtain-profile" && i + 1 < argc) curtain_median = std::string(argv[++i]) == "median";
    else if (a == "--curtain-step-corr" && i + 1 < argc) step_corr = std::atof(argv[++i]);
    else if (a == "--lags" && i + 1 < argc)
      for (const auto& l : split_list(argv[++i], "--lags")) lags.push_back(std::stoi(l));
    else if (a == "--artefact-free") {
      imaging.drift_step_px = imaging.curtain_amplitude = imaging.shading = imaging.contrast_decay = 0;
      imaging.shine_depth_um = 0;
    }
    else if (a == "--blur" && i + 1 < argc) imaging.blur_px = std::atof(argv[++i]);
    else {
      std::fprintf(stderr, "usage: bench_fibsem_chain [--presets H,F] [--voxels 0.02,0.01] [--seeds 3,4,5] [--size N] [--final-only] [--true-drift] [--whitening W] [--shine-depth UM] [--shine-strength S] [--blur PX] [--fit-shine] [--drift-only] [--artefact-free] [--tile PX] [--lags 1,2,4,8] [--flat-tiles T] [--flat-factor F] [--tile-outlier PX] [--curtain-lags 1,2] [--curtain-profile mean|median] [--guard PX]\n");
      return 2;
    }
  }
  const PhaseTable table = PhaseTable::default_table();
  DriftTrackParams tracker;
  if (tile_px >= 0) tracker.tiles.tile_px = tile_px;
  if (!lags.empty()) tracker.lags = lags;
  if (!curtain_lags.empty()) tracker.curtain_lags = curtain_lags;
  if (step_corr >= 0) tracker.curtain_min_step_correlation = step_corr;
  if (curtain_median) tracker.curtain_profile = CurtainProfileKind::median_difference;
  if (whitening >= 0) tracker.correlation.whitening = whitening;
  if (flat_tiles >= 0) tracker.tiles.large_flat_tiles = flat_tiles;
  if (flat_factor >= 0) tracker.tiles.flat_gradient_factor = flat_factor;
  if (tile_outlier >= 0) tracker.tile_outlier_px = tile_outlier;
  if (drift_only)
    return drift_errors(split_list(presets, "--presets"), split_list(voxels, "--voxels"), split_list(seeds, "--seeds"),
                        size, imaging, tracker);
  std::printf("%-6s %-6s %-4s %-22s %8s %8s %8s %8s %8s %8s\n", "preset", "voxel", "seed", "stage", "poreDice", "pore%",
              "NMC%", "LFP%", "CBD%", "worst");
  double worst = 0, worst_dice = 1;
  std::string worst_cell, worst_dice_cell;
  for (const auto& preset : split_list(presets, "--presets"))
    for (const auto& voxel : split_list(voxels, "--voxels"))
      for (const auto& seed_s : split_list(seeds, "--seeds")) {
        const SimulatedCell cell = simulate_cell(preset, voxel, seed_s, size, imaging);
        const auto& gen = cell.gen;
        const auto& sim = cell.sim;
        const Volume<float>& raw = cell.raw;
        struct Stage {
          const char* name;
          bool destripe, flatten, intensity, align;
        };
        // The last stage is the route's own defaults (FibsemRouteParams): shading, guarded alignment; the
        // destriping and contrast-along-z stages are measured for the record (both left the segmentation
        // worse, so the route leaves them out).
        const std::vector<Stage> stages = {{"raw", false, false, false, false},
                                           {"(+destripe)", true, false, false, false},
                                           {"+shading", false, true, false, false},
                                           {"(+contrast-z, modes)", false, true, true, false},
                                           {"route: +align (guarded)", false, true, false, true}};
        for (std::size_t k = final_only ? stages.size() - 1 : 0; k < stages.size(); ++k) {
          const Stage& st = stages[k];
          FibsemPrepParams pp = FibsemRouteParams().prep;
          pp.destripe = st.destripe;
          pp.flatten = st.flatten;
          if (st.intensity) pp.intensity = IntensityNormaliseParams{IntensityMethod::phase_modes};
          pp.align = st.align;
          pp.crop_to_common = st.align;
          pp.drift = tracker;
          if (guard >= 0) pp.max_track_residual_px = guard;
          SegmentParams sp;
          sp.method = "fibsem";
          sp.fibsem_columns.fit_shine = fit_shine;
          std::string row;
          try {
            if (true_drift) pp.align = false;
            auto prepared = true_drift && st.align ? prepare_with_true_drift(cell, pp) : fibsem_prepare(raw.view(), pp);
            const auto seg = segment(AnyVolume(std::move(prepared.stack)), sp, table);
            const Score s = score(seg.labels, gen.labels.view().crop(prepared.crop));
            if (seg.fibsem_columns && seg.fibsem_columns->shine_fit) {
              const FibsemShineEstimate& f = *seg.fibsem_columns->shine_fit;
              std::printf("  shine fit: depth %.3f um, strength %.2f (simulated %.3f, %.2f)\n", f.depth_um, f.strength,
                          imaging.shine_depth_um, imaging.shine_strength);
            }
            if (!prepared.record.align_skipped.empty()) std::printf("  align skipped: %s\n", prepared.record.align_skipped.c_str());
            if (prepared.drift) {
              double err = 0;
              for (std::size_t z = 0; z < sim.drift_px.size(); ++z)
                err = std::max({err, std::abs(prepared.drift->drift_px[z][0] - sim.drift_px[z][0]),
                                std::abs(prepared.drift->drift_px[z][1] - sim.drift_px[z][1])});
              std::printf("  drift: largest error %.2f px\n", err);
            }
            std::printf("%-6s %-6s %-4s %-22s %8.3f %+8.2f %+8.2f %+8.2f %+8.2f %8.2f\n", preset.c_str(), voxel.c_str(),
                        seed_s.c_str(), st.name, s.pore_dice, s.error[0], s.error[1], s.error[2], s.error[3], s.worst());
            if (k + 1 == stages.size()) {
              std::printf("%-6s %-6s %-4s %-22s %8s %8.2f %8.2f %8.2f %8.2f\n", "", "", "", "  (true vol%)", "", s.truth[0],
                          s.truth[1], s.truth[2], s.truth[3]);
              const std::string cell = preset + " " + voxel + " um seed " + seed_s;
              if (s.worst() > worst) worst = s.worst(), worst_cell = cell;
              if (s.pore_dice < worst_dice) worst_dice = s.pore_dice, worst_dice_cell = cell;
            }
          } catch (const std::exception& e) {
            std::printf("%-6s %-6s %-4s %-22s failed: %s\n", preset.c_str(), voxel.c_str(), seed_s.c_str(), st.name, e.what());
            if (k + 1 == stages.size()) worst = 100, worst_cell = preset + " " + voxel + " seed " + seed_s + " (failed)";
          }
          std::fflush(stdout);
        }
      }
  std::printf("route: worst vol%% error %.2f (%s); lowest pore Dice %.3f (%s)\n", worst, worst_cell.c_str(), worst_dice,
              worst_dice_cell.c_str());
  return 0;
}
