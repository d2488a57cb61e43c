#pragma once
// The solid phases of a FIB/SEM (BSE) stack once its pores are known: the grey modes of the solid's
// flat (edge-free) voxels decide which phases are present and their levels; a marker-controlled
// watershed of the in-plane gradient places the boundaries, so the partial-volume rim of a particle
// takes the particle's phase, not the grey class its blurred edge falls into.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "emorph/volume.hpp"

namespace emorph {

struct FibsemPhaseParams {
  int milling_axis = 0;          // section planes are perpendicular to it (as FibsemPoreParams)
  double smoothing_sigma = 1.0;  // in-plane Gaussian before the gradient relief, voxels
  // Voxels whose in-plane gradient exceeds this share of the grey range (1st to 99th percentile) are
  // edges: no marker, the watershed decides them (as FibsemPoreParams::edge_fraction).
  double edge_fraction = 0.08;
  // A grey mode of the flat solid voxels is a phase when it holds at least this share of them. Below
  // it, a handful of voxels (a particle's tip in a corner of the cube) cannot be told from noise.
  double min_phase_share = 0.01;
  // Solid phases, darkest first, with their labels; expected_contrast[i] is the phase's BSE contrast
  // above the pores relative to the brightest named phase (1), or NaN when unknown. With every
  // contrast known, the modes are named by the phase-present rule (docs/segmentation.md): the largest
  // set of modes whose contrast ratios all lie within contrast_tolerance of the expected ones.
  std::vector<std::string> names = {"CBD", "LFP", "NMC"};
  std::vector<uint8_t> labels = {3, 2, 1};
  std::vector<double> expected_contrast = {0.29, 0.66, 1.0};
  // Largest |log(measured / expected)| spread of the contrasts named (max minus min of
  // log(c_i / e_i)). 0.2 (a factor 1.22): half the log distance between the two-mode ratios the rule
  // must tell apart, CBD/LFP 0.44 and LFP/NMC 0.66, so a pair within it has one naming.
  double contrast_tolerance = 0.2;
  uint8_t pore_label = 0;
  int connectivity = 6;  // watershed neighbourhood (within a section plane: 4 or 8)
};

// The expected BSE contrasts of the paper's phases (pore 0, NMC 1): CB+PVdF 0.29, LFP 0.66, NMC 1;
// NaN for any other name. See docs/segmentation.md, "FIB/SEM: the classes follow the phases present".
double expected_bse_contrast(const std::string& phase_name);

struct FibsemPhaseResult {
  Volume<uint8_t> labels;            // pore_label where pores != 0, else the solid phase found
  double pore_grey = 0;              // grey mode of the pores (the darkest), grey units
  double noise_sigma = 0;            // pixel noise used to scale the mode search
  std::vector<double> mode_grey;     // grey mode of each phase found, ascending
  std::vector<std::string> phases;   // the phase named for each mode
  std::vector<std::string> absent;   // named phases without a grey mode
  std::vector<double> thresholds;    // mid-points between the modes (markers and the fallback)
  std::vector<double> unnamed_mode_grey;  // modes no phase fits (they join the nearest named mode)
  double contrast_misfit = std::numeric_limits<double>::quiet_NaN();  // of the naming kept (NaN: not checked)
  std::vector<int64_t> phase_voxels; // per phase found
  int64_t pore_voxels = 0;
};

// `pores`: 1 pore, 0 solid (same shape). Throws InputError when no solid voxel remains, or when one
// grey mode is found for several named phases (which one it is cannot be told: name it with --classes).
template <class T>
FibsemPhaseResult fibsem_phases(VolumeView<const T> grey, VolumeView<const uint8_t> pores,
                                const FibsemPhaseParams& params = {});

}  // namespace emorph
