#pragma once
// Chord-length distribution per axis (Torquato 2002, "Random Heterogeneous Materials", ch. 2.8 lineal
// path / chord functions; as PoreSpy's regionprops of `apply_chords` + chord_length_distribution):
// a chord is a maximal run of phase voxels along one axis.
#include <array>
#include <cstdint>
#include <vector>

#include "emorph/volume.hpp"

namespace emorph {

struct ChordLengthParams {
  // Chords that touch the volume's border along their axis are truncated by the field of view: they
  // are left out by default, as PoreSpy's apply_chords(trim_edges=True); true keeps them.
  bool include_border_chords = false;
};

struct AxisChords {
  double voxel_um = 0;                // spacing along the axis
  int64_t chords = 0;                 // chords counted
  int64_t border_chords = 0;          // chords touching the border (left out unless asked)
  std::vector<int64_t> count;         // count[k]: chords of k + 1 voxels
  std::vector<double> chord_um;       // bin centres: (k + 1) * voxel_um
  std::vector<double> frequency;      // count[k] / chords (number fraction)
  std::vector<double> length_weighted;  // (k + 1) count[k] / sum: fraction of the phase's length in chords of that length
  double mean_chord_um = 0;           // number-weighted mean chord length; NaN when no chord
};

struct ChordLengthResult {
  int64_t phase_voxels = 0;
  std::array<AxisChords, 3> axes;  // z, y, x
};

// mask: nonzero = phase. Lengths are exact voxel counts times the spacing along each axis, so the
// distribution has one bin per length in voxels. One pass per axis over the volume; no extra memory
// beyond one int32 run counter per row of a plane. Deterministic for any thread count.
ChordLengthResult chord_lengths(VolumeView<const uint8_t> mask, const ChordLengthParams& params = {});

}  // namespace emorph
