#pragma once
// Two-point correlation S2(r) per axis (Torquato 2002, ch. 2.2; Berryman 1985 FFT estimator), computed
// with FFTW as the non-periodic autocorrelation of the phase indicator normalised by overlap counts.
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "emorph/volume.hpp"

namespace emorph {

struct TwoPointCorrelationParams {
  // Largest lag in um along every axis; unset (default): half the volume's extent along each axis.
  // Lags are clamped to the extent minus one voxel.
  std::optional<double> max_lag_um;
};

struct AxisCorrelation {
  double voxel_um = 0;
  std::vector<double> r_um;       // r_um[k] = k * voxel_um, k = 0 .. max lag
  std::vector<double> s2;         // probability that two points r apart along the axis are both in the phase
  std::vector<int64_t> pairs;     // number of voxel pairs at lag k along the axis (the overlap count)
};

struct TwoPointCorrelationResult {
  int64_t phase_voxels = 0;
  double volume_fraction = 0;
  std::array<AxisCorrelation, 3> axes;  // z, y, x
};

// mask: nonzero = phase. Along axis a, S2(k) = sum over the N_a - k voxel pairs (p, p + k e_a) inside the
// volume of I(p) I(p + k e_a), divided by their number: no periodic wrap (the sample is not periodic),
// each lag averaged over exactly the pairs the volume holds. S2 at +k and -k count the same pairs, so
// each axis curve is the full 3D autocorrelation (all octants) restricted to that axis. Each line
// along the axis is zero-padded to at least N_a + max lag and transformed with FFTW (float), the power
// spectra are summed in double over all lines, and the inverse transform of that sum is evaluated in
// double. S2(0) is the phase fraction exactly (I * I = I); other lags carry a relative error ~1e-6.
// Deterministic for any thread count. Memory: per thread one plane of padded lines (about 2 floats per
// voxel of a plane) plus the per-plane spectra (one double per frequency per plane).
TwoPointCorrelationResult two_point_correlation(VolumeView<const uint8_t> mask,
                                                const TwoPointCorrelationParams& params = {});

}  // namespace emorph
