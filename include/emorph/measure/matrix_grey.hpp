#pragma once
// Mean grey of the unresolved matrix (LFP + CB/PVdF + pores at XCT resolution) slice by slice, free of
// the bright phases' (NMC, collector) partial-volume and phase-contrast edges (Etiemble et al. 2017,
// section 3.3 and Figure S5a): its level is that of the matrix voxels at least a blur width away from
// them; within the blur width each distance shell keeps its slice-to-slice variation but loses its
// electrode-wide offset from that level (the edge's leak), so every matrix voxel is sampled.
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "emorph/volume.hpp"

namespace emorph {

struct MatrixGreyParams {
  int axis = 0;
  std::vector<uint8_t> matrix_labels;  // the averaged phases (e.g. matrix, or pore + LFP + CBD)
  std::vector<uint8_t> bright_labels;  // the matrix is eroded away from these (NMC, collector)
  // Of bright_labels, the planar layers (the collector): matrix within the erosion width of a layer is
  // left out rather than offset-corrected, since its distance shells there are depths, and a shell's
  // offset would take the slices' own composition with it.
  std::vector<uint8_t> layer_labels;
  // Distance kept from the bright phases, um. Unset: the blur width measured on the image, i.e. the
  // depth inside the (homogeneous) bright phases from which their grey no longer depends on the depth;
  // the point spread being symmetric, the matrix's edge band is as wide.
  std::optional<double> erosion_um;
  double max_erosion_um = 3.0;   // cap of the measured width
  double far_um = 3.0;           // this far from the boundary, grey is the phase's own (the references)
  // A depth shell is free of the edge when its mean grey is within this share of the bright-to-matrix
  // contrast of the deep grey: 3 % keeps the leak's bias on the matrix grey under 1 % of the contrast
  // while eroding as little matrix as possible (the matrix is sampled, its composition is not uniform).
  double tolerance = 0.03;
  // Slices (first, last) over which the near shells' offsets and the eroded level are measured: the
  // electrode (air or a collector outside it has another grey). Unset: all slices.
  std::optional<std::array<int64_t, 2>> reference_slices;
  // Matrix voxels nearer NMC than this many voxels (face and edge neighbours) are left out (within the
  // erosion width only).
  double inner_voxels = 1.5;
  // The slice's matrix fraction from its mean grey (NMC's deep grey and the matrix grey unmix it) rather
  // than from the labels; slices without NMC grey or matrix keep the labels' fraction.
  bool unmix_matrix_fraction = true;
  // Segmentation band: voxels of these labels (matrix + the resolved bright phase, not the collector)
  // are counted at or below three grey thresholds (low, the segmentation's, high): the matrix fraction
  // at a lower and a higher threshold, relative to the one at the segmentation's.
  std::vector<uint8_t> band_labels;
  std::optional<std::array<double, 3>> band_thresholds;
};

struct MatrixGreyProfile {
  std::vector<double> position_um;     // slice centres
  // Matrix voxels' mean grey, each near shell less its offset (NaN where a slice has no matrix voxel, or
  // where nothing lies beyond the erosion width in the reference slices).
  std::vector<double> mean_grey;
  std::vector<int64_t> eroded_voxels;  // voxels at least erosion_um away, per slice
  std::vector<int64_t> matrix_voxels;  // all matrix voxels per slice (the segmentation's)
  std::vector<double> unmixed_matrix_fraction;  // per slice, from the grey (empty: not unmixed)
  int64_t slice_voxels = 0;
  double erosion_um = 0;
  bool erosion_measured = false;
  // Matrix grey against distance to the bright phases; far_mean_grey / bright_mean_grey: the deep greys.
  std::vector<double> shell_distance_um, shell_mean_grey;
  std::vector<int64_t> shell_voxels;
  // Per shell: grey subtracted from its voxels (its mean over the reference slices less the eroded
  // matrix's; 0 from erosion_um on).
  std::vector<double> shell_offset_grey;
  double far_mean_grey = 0, bright_mean_grey = 0;
  // Band: voxels of band_labels with grey <= each band threshold, per slice (empty without a band).
  std::vector<int64_t> below_low, below_mid, below_high;

  double matrix_fraction(std::size_t slice) const {
    if (!unmixed_matrix_fraction.empty()) return unmixed_matrix_fraction[slice];
    return static_cast<double>(matrix_voxels[slice]) / static_cast<double>(slice_voxels);
  }
};

// grey and labels of the same shape; any grey dtype of AnyVolume. Throws InputError naming the
// parameter for a bad axis, shape, empty matrix list or negative erosion.
MatrixGreyProfile matrix_grey_profile(const AnyVolume& grey, VolumeView<const uint8_t> labels, const MatrixGreyParams& params);

}  // namespace emorph
