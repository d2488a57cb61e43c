#pragma once
// Two-point correlation S2(r) per axis (Torquato 2002, ch. 2.2; Berryman 1985 FFT estimator), computed
// as the non-periodic autocorrelation of the phase indicator normalised by overlap counts, by FFTW line
// transforms or by exact bitwise pair counts.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "emorph/volume.hpp"

namespace emorph {

// direct: exact pair counts by AND + popcount of bit-packed rows (cost ~ max lag / 64 word operations, 8 words
// per instruction with AVX-512 VPOPCNTQ,
// per voxel and axis); fft: zero-padded FFTW line transforms (cost ~ log of the line length, float
// precision); automatic: the cheaper of the two by that cost model (direct below lags of ~400 voxels,
// ~3000 where the CPU has AVX-512 VPOPCNTQ: the choice, hence the last digits of S2, depends on the CPU).
enum class CorrelationMethod { automatic, direct, fft };

struct TwoPointCorrelationParams {
  // Largest lag in um along every axis; unset (default): half the volume's extent along each axis.
  // Lags are clamped to the extent minus one voxel.
  std::optional<double> max_lag_um;
  CorrelationMethod method = CorrelationMethod::automatic;
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
  CorrelationMethod method = CorrelationMethod::automatic;  // the method used (never automatic)
  std::array<AxisCorrelation, 3> axes;  // z, y, x
};

// mask: nonzero = phase. Along axis a, S2(k) = sum over the N_a - k voxel pairs (p, p + k e_a) inside the
// volume of I(p) I(p + k e_a), divided by their number: no periodic wrap (the sample is not periodic),
// each lag averaged over exactly the pairs the volume holds. S2 at +k and -k count the same pairs, so
// each axis curve is the full 3D autocorrelation (all octants) restricted to that axis.
// fft: each line along the axis is zero-padded to at least N_a + max lag and transformed with FFTW
// (float), the power spectra are summed in double over all lines and the inverse transform of that sum
// is evaluated in double (relative error ~1e-6); memory per thread one plane of padded lines.
// direct: exact integer counts; memory 2 bits per voxel (the bits and their transposed planes). S2(0) is the phase fraction exactly either way
// (I * I = I). Deterministic for any thread count.
// "auto", "direct", "fft" and back; InputError naming `option` for another name.
const char* correlation_method_name(CorrelationMethod m);
CorrelationMethod parse_correlation_method(const std::string& name, const std::string& option = "--method");

TwoPointCorrelationResult two_point_correlation(VolumeView<const uint8_t> mask,
                                                const TwoPointCorrelationParams& params = {});

}  // namespace emorph
