#pragma once
// Shading along y of a FIB/SEM stack: a low-order polynomial fitted to a row statistic (a high quantile
// or the mean), divided out (multiplicative shading, the default) or subtracted.
#include <vector>

#include "emorph/volume.hpp"

namespace emorph {

struct ShadingParams {
  int order = 2;           // polynomial degree in y, 0..6: low so that it follows the shading, not the structure
  bool subtract = false;   // false: divide by the normalised fit; true: subtract it
  bool per_slice = false;  // false: one profile for the whole stack (averaged over z, more robust)
  // Row statistic the background is fitted to: a quantile in (0, 1), or 0 for the row mean. The 0.9
  // quantile follows the brightest phase and hardly moves when the phases' shares of a row change;
  // the mean does (it is pulled by composition), but needs no phase to be present in every row.
  double row_quantile = 0.9;
  // Then refit to the phases this many times (stopping early when a correction moves no row by more
  // than 0.05%): the pixels near each grey mode of a slice (see shading.cpp). Also refined from no
  // shading (up to max(20, refinements) times: it starts further off), and whichever of the two leaves
  // the phases' levels sharper is kept. The quantile of a row still moves a little with its
  // composition (2-5% on 256-pixel rows), a lot where a large particle of the brightest phase fills
  // part of the rows; one phase's own level does not. 0: the quantile's fit alone.
  int refinements = 3;
};

struct ShadingResult {
  Volume<float> stack;
  // Fitted relative background per row (mean 1 when dividing, mean 0 when subtracting); per slice when
  // per_slice, row z * ny + y.
  std::vector<double> background;
};

// Throws InputError for an empty or non-finite stack, a constant slice, a bad order, or a fit that is not positive when
// dividing (data around zero: use subtraction).
ShadingResult correct_shading(VolumeView<const float> stack, const ShadingParams& params = {});

}  // namespace emorph
