#pragma once
// The rims of a FIB/SEM labelling placed by a forward model of the probe blur (maximum likelihood under
// Gaussian noise, iterated conditional modes, Besag 1986): the SEM image of a section is the section's
// phase levels (pores: the shine-through of the solid behind, fibsem_columns.hpp) blurred by the probe,
// plus the curtains (constant along y) and noise. A voxel on an in-plane boundary takes the label of a
// neighbour when the blurred labelling then explains the grey of its neighbourhood better; the grey of a
// voxel one step inside a thin CB+PVdF cluster is a blur of pore and CB+PVdF that neither the raw
// threshold nor the gradient watershed (its edge moves inwards on structures narrower than the blur and
// the smoothing together) places. Measured on the 24 FIB/SEM cells (docs/validation.md, "#14 stop 20"):
// pore Dice +0.02 to +0.09 in every segmented cell; at 20 nm, cubes rich in thin CB+PVdF over-call the
// pores by 2.7-3.1 vol% (the prior erodes clusters one or two voxels wide). Stop 21 ("#14 stop 21"):
// smoothness 0 with margin_sd 1 keeps thin clusters and meets both targets in every segmented cell with
// the true drift (17 -> 21 of 24) but lowers the Dice gain, and with the tracked drift it is not better
// (F 10 nm cells fall below Dice 0.90): the default stays the prior. The other options were measured
// and not better (4 neighbours, thin runs, topology, the prior as a veto).
#include <cstdint>

#include "emorph/segment/fibsem_columns.hpp"
#include "emorph/volume.hpp"

namespace emorph {

struct FibsemRimParams {
  bool enabled = true;
  double probe_sigma_px = 0.7;  // in-plane probe blur (Gaussian sigma, pixels; the simulator's default)
  int sweeps = 3;               // passes over the boundary voxels (each moves a boundary by at most one voxel)
  // Potts prior (in log-likelihood units, residual^2 / 2 sigma^2) per in-plane 8-neighbour of another
  // label. A one-voxel move of a pore | CB+PVdF edge (contrast 50, noise 8, blur 0.7 px) gains 3.2 units
  // against noise of 2.5 units sd: without a prior about one boundary voxel in ten would flip on noise.
  double smoothness = 0.5;
  int prior_neighbours = 8;      // the neighbours the prior counts: 8 (in-plane ring) or 4 (nearest)
  double margin_sd = 0;          // a flip must gain margin_sd x the noise sd of its likelihood gain
  int thin_run = 0;              // no prior for leaving a label whose run through the voxel along x or y is <= thin_run
  bool keep_topology = false;    // a flip must be a simple point of the label it leaves (2-D, 8-connected)
  bool prior_vetoes_only = false;  // the prior may stop a flip the data favour, never cause one
};

struct FibsemRimResult {
  int64_t relabelled = 0;  // voxels whose label changed (summed over the sweeps)
  int sweeps = 0;          // sweeps run (stops early when a sweep changes nothing)
};

// Relabels `labels` (pore_label or one of levels.labels) in place. Only voxels with an in-plane
// 8-neighbour of another label change, and only to a label among those neighbours.
// Throws InputError for a probe sigma <= 0 or a label shape other than the grey volume's.
FibsemRimResult fibsem_rim_labels(VolumeView<const float> grey, const VolumeView<uint8_t>& labels,
                                  const FibsemColumnLevels& levels, uint8_t pore_label, const FibsemColumnParams& columns,
                                  const FibsemRimParams& params = {});

}  // namespace emorph
