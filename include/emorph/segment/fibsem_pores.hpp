#pragma once
// Pore segmentation of FIB/SEM stacks robust to shine-through: in a pore, the SEM sees the solid behind
// the section plane, attenuated with depth, so pores are not darker than every solid and a global grey
// threshold fails. Marker-controlled watershed on the gradient magnitude (after Prill et al. 2013,
// J. Microsc. 250:77), with markers from the grey profile along the milling direction.
#include <cstdint>

#include "emorph/volume.hpp"

namespace emorph {

struct FibsemPoreParams {
  int milling_axis = 0;          // the section planes are perpendicular to this axis
  int behind = +1;               // +1: unmilled material (the shine-through source) lies at larger indices
  double smoothing_sigma = 1.0;  // Gaussian pre-smoothing within each section plane, voxels (slices are
                                 // separate SEM images: nothing is smoothed across them)
  double rise_fraction = 0.1;    // a "rise" is a grey increase towards the material behind larger than
                                 // this share of the voxel's grey above the background (1st percentile)
  double edge_fraction = 0.08;   // voxels whose in-plane gradient magnitude exceeds this share of the
                                 // dynamic range are left unmarked (the watershed places the boundary).
                                 // It must lie below the steepest gradient of the weakest phase step:
                                 // pore | CB+PVdF, about 0.28 of the range in BSE grey, blurred by the
                                 // probe (~0.7 px) and the smoothing (1 px) peaks near 0.09 range/voxel
  int grey_classes = 4;          // most classes of the flat voxels' histogram (multi-Otsu): one per phase of
                                 // distinct grey (pore, CB+PVdF, LFP, NMC); the lowest threshold separates
                                 // deep pores from the darkest solid phase. Fewer classes than phases
                                 // merge the darkest solid (CB+PVdF) into the pores. Used: the most classes
                                 // (<= this) whose lowest threshold lies >= 0.5 noise sd above the pores'
                                 // grey mode (more classes than phases cut the pores' peak), see
                                 // docs/segmentation.md
  double min_mode_share = 0.01;  // grey modes of the flat voxels (mean shift) hold this share of them
  // A stack with one grey mode and a grey sd at most this many pixel-noise sd is one phase: no pore.
  // 2: one phase under the simulator's curtains spreads 1.4-1.6, pores + CB+PVdF seen as one mode with
  // a shoulder 2.5-2.8 (docs/segmentation.md)
  double single_population_spread = 2.0;
  int connectivity = 6;          // watershed neighbourhood: 6, 18 or 26 (within a section plane: 4 or 8)
};

struct FibsemPoreResult {
  Volume<uint8_t> pores;               // 1 pore, 0 solid
  double background = 0;              // grey of the darkest pores (1st percentile), grey units
  double rise_threshold = 0;           // relative rise (rise_fraction)
  double edge_threshold = 0;           // grey units per voxel
  double solid_threshold = 0;          // lowest multi-Otsu threshold of the flat voxels, grey units
  int grey_classes = 0;                // multi-Otsu classes used for it (1: single population)
  bool single_population = false;      // all voxels show one grey mode: one phase fills the stack, no pore
  int64_t pore_markers = 0, solid_markers = 0, unmarked = 0;
  double pore_fraction = 0;
};

// Markers, per voxel of the in-plane smoothed volume g with the relative rise
// rise(p) = (g(p + behind) - g(p)) / max(g(p) - background, 0.1 * range):
//  - pore:  a shine-through ramp (rise(p) > r and rise(p - behind) > r: the grey keeps increasing towards
//           the solid behind), or a flat dark voxel (rise(p) <= r and g < solid_threshold: deep pore);
//  - solid: rise(p) <= r and g >= solid_threshold (a cut face: flat along the milling axis, or falling
//           at the back of a particle);
//  - none:  single rises (the front voxel of a ramp, a dark phase in front of a brighter one), and
//           every voxel whose in-plane gradient magnitude exceeds edge_fraction * range.
// The watershed of the in-plane gradient magnitude |grad g| (the edges of each SEM image) from these
// markers, run in each section plane separately, decides the unmarked voxels and places the boundaries.
template <class T>
FibsemPoreResult fibsem_pores(VolumeView<const T> grey, const FibsemPoreParams& params = {});

// Central-difference gradient magnitude within the section planes (perpendicular to milling_axis;
// one-sided at the faces): the edges of each SEM image, the relief the watersheds flood.
Volume<float> in_plane_gradient(const Volume<float>& grey, int milling_axis);

}  // namespace emorph
