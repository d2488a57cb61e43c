#pragma once
// The FIB/SEM route of Etiemble et al. 2017 (section 2.3) as one chain: a raw serial-sectioning stack is
// prepared (flatten, align, crop to the common field of view; destriping is an option), then segmented into pores
// (shine-through-robust watershed) and the solid phases present (grey modes + watershed). Used by
// `emorph analyze --method fibsem` and Python.
#include "emorph/filter/fibsem_prep.hpp"
#include "emorph/phase_table.hpp"
#include "emorph/segment/segment.hpp"
#include "emorph/volume.hpp"

namespace emorph {

struct FibsemRouteParams {
  // Defaults chosen step by step on the simulator (docs/validation.md, issue 14 point 7): destriping and
  // contrast along z left out (with the column model each lowered the pore Dice in most cells), the
  // drift applied only when its track is self-consistent. The guard was 0.6 px for the whole-slice
  // tracker (thrown off by large particles, rms 1.1-1.7 px); the tiled tracker's tracks, 0.4-1.4 px off
  // on the simulator's textured slices, have rms residuals of 0.38-0.84 px, so 1.0 px (issue 14 point 7,
  // stop 16: the 2 um J/K cubes, skipped at 0.6, gain 0.13-0.37 pore Dice aligned).
  FibsemRouteParams() {
    prep.destripe = false;
    prep.crop_to_common = true;
    prep.intensity.reset();
    prep.max_track_residual_px = 1.0;
    // And only when the field's halves, tracked apart, show that it corrects the steps between slices
    // (drift_split_check.hpp; on the simulator's 16 cells every track passes, share 0.06-0.49).
    prep.drift_check = DriftSplitCheckParams{};
    segment.method = "fibsem";
  }
  FibsemPrepParams prep;
  SegmentParams segment;  // method fibsem; classes "pore,CBD,LFP,NMC" unless set
};

struct FibsemRouteResult {
  Volume<float> prepared;     // the prepared stack, cropped like labels
  SegmentResult segmentation; // labels of the prepared stack
  FibsemPrepResult preparation;  // fibsem_prepare's record, drift and crop (its stack moved to `prepared`)
};

// Throws InputError for bad parameters or a stack a step cannot handle.
FibsemRouteResult fibsem_route(const AnyVolume& raw, const FibsemRouteParams& params, const PhaseTable& table);

}  // namespace emorph
