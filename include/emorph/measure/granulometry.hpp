#pragma once
// Granulometry by openings with discrete balls of growing radius (Matheron 1975; Serra 1982), computed
// exactly from distance transforms: the opening by ball B is the dilation by B of the centres where B
// fits, i.e. {EDT(phase) > r^2} grown by r (Coeurjolly & Montanvert 2007, reverse distance transform).
#include <cstdint>
#include <optional>
#include <vector>

#include "emorph/volume.hpp"

namespace emorph {

struct GranulometryParams {
  // Largest opening radius in um; unset (default): open with growing radii until the phase is empty.
  std::optional<double> max_radius_um;
  // Radius step in um; unset (default): the smallest voxel size, so radii are 1, 2, 3... voxels.
  std::optional<double> step_um;
  // Also build the local-thickness map (4 bytes per voxel).
  bool local_thickness = false;
};

struct GranulometryResult {
  int64_t phase_voxels = 0;
  std::vector<double> radius_um;                // r[i] = (i + 1) * step
  std::vector<int64_t> opening_voxels;          // |opening(r[i])|
  // (|opening(r[i-1])| - |opening(r[i])|) / |phase|, with opening(r[-1]) = the phase itself
  // (radius 0 is the identity). Not necessarily >= 0: discrete balls do not always nest.
  std::vector<double> volume_fraction_removed;
  std::vector<double> cumulative_fraction;      // 1 - |opening(r[i])| / |phase|
  // Volume-weighted median thickness 2r, where the cumulative fraction first reaches 0.5 (linear
  // interpolation between radii, starting from 0 at radius 0); unset when not reached.
  std::optional<double> d50_um;
  // When asked: per voxel of the phase, 2 r of the largest opening that keeps it (um); 0 elsewhere.
  Volume<float> local_thickness_um;
};

// Opening by the ball of offsets o with (o_z dz)^2 + (o_y dy)^2 + (o_x dx)^2 <= r^2 (voxel counts
// times the view's spacing; a sphere in voxels when isotropic, an ellipsoid in voxels otherwise),
// with the volume's outside counted as phase for the erosion and as empty for the dilation, as
// scikit-image's binary_opening(ball(r)). Comparisons carry a 1e-6 relative margin so that float
// rounding of squared distances cannot flip a tie (isotropic integer cases stay exact up to r = 1000).
// Throws InputError for bad radii, for more than 65534 radii, or when the phase fills the volume and no
// max radius is given (a max radius larger than the volume is fine: the openings then keep it all).
// Cost: one EDT, then per radius r a separable pass whose work grows like r on the rows a centre
// reaches. Peak memory about 6 bytes per voxel beyond the input (4 more with the local thickness).
GranulometryResult granulometry(VolumeView<const uint8_t> mask, const GranulometryParams& params = {});

}  // namespace emorph
