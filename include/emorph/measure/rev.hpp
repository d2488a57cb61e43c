#pragma once
// Representative elementary volume by the variance of the volume fraction over subvolumes of growing
// size and the integral range (Matheron 1971; Kanit et al. 2003, Int. J. Solids Struct. 40:3647):
// for subvolumes much larger than the correlation length, var(V) = phi (1 - phi) A3 / V.
#include <cstdint>
#include <optional>
#include <vector>

#include "emorph/volume.hpp"

namespace emorph {

struct RevParams {
  // Cube edges in um; empty (default): a geometric series (ratio sqrt 2) from 2 voxels to half the
  // smallest extent. Each cube has round(edge / voxel size) voxels per axis (at least 1, at most the
  // extent), so with anisotropic spacing it is a cube in um, not in voxels.
  std::vector<double> sizes_um;
  // The integral range is fitted on the larger three quarters of the sizes whose subvolume is at most this
  // share of the analysed volume (the variance law needs V much larger than A3; beyond the share too
  // few independent subvolumes are left).
  double fit_max_volume_share = 1.0 / 64;
};

struct RevResult {
  int64_t phase_voxels = 0;
  double volume_fraction = 0;     // phi of the whole analysed volume
  double analysed_volume_um3 = 0;
  std::vector<double> sizes_um;   // cube edge asked for
  std::vector<double> volumes_um3;  // the subvolume's actual volume (voxel counts times the spacing)
  std::vector<int64_t> subvolumes;  // number of placements averaged
  std::vector<double> mean_fraction;
  std::vector<double> std_fraction;  // standard deviation of the fraction over the placements
  std::vector<bool> used_in_fit;
  // A3 in um^3: intercept at 1/L = 0 of the weighted straight line through
  // var(V) / (phi (1 - phi) (1/V - 1/V_total)) against 1/L (L = V^(1/3)) over the fitted sizes, which
  // removes the first-order finite-size bias of the law (see rev.cpp); one size, or a non-positive
  // intercept: the weighted mean instead. NaN when no size qualifies or phi is 0 or 1.
  double integral_range_um3 = 0;
  // One standard deviation of the measured fraction at the analysed volume's size:
  // sqrt(phi (1 - phi) A3 / V_total).
  double volume_fraction_std = 0;
};

// mask: nonzero = phase. Subvolumes are placed at every position on a grid of step max(1, edge / 4)
// voxels per axis (neighbours overlap by 3/4: denser placements add almost no information), their
// phase counts read from a summed-volume table (4 bytes per voxel, exact in wrap-around arithmetic).
// The variance is taken about the whole volume's fraction, which makes it smaller than the variance
// of an infinite medium by about phi (1 - phi) A3 / V_total; the fit corrects for that.
// Throws InputError for non-positive sizes or a volume of more than 2^32 voxels.
RevResult representative_volume(VolumeView<const uint8_t> mask, const RevParams& params = {});

}  // namespace emorph
