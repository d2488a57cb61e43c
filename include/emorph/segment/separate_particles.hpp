#pragma once
// Separation of touching particles: watershed of the inverted distance map from h-maxima markers
// (Beucher & Lantuejoul 1979; Soille 2003, 9.3), the method behind iMorph's and MorphoLibJ's
// "distance transform watershed".
#include <cstdint>
#include <optional>
#include <vector>

#include "emorph/measure/components.hpp"
#include "emorph/measure/particles.hpp"
#include "emorph/measure/size_class_profile.hpp"
#include "emorph/measure/size_distribution.hpp"
#include "emorph/progress.hpp"
#include "emorph/volume.hpp"

namespace emorph {

struct SeparateParticlesParams {
  // Depth (um) a maximum of the distance map must have to seed its own particle. Smaller values split
  // more (over-segmentation of rough or elongated particles), larger values merge more (touching
  // particles whose neck is thicker than their radius minus h stay joined). Default (unset): 2 voxels
  // of the smallest voxel size, enough to ignore the discretisation ripples of a digital ball.
  std::optional<double> h_um;
  int marker_connectivity = 26;  // for the maxima plateaus and their labels
  int flood_connectivity = 6;    // for the watershed flooding
  bool exclude_border = false;   // drop particles that touch a face of the volume (label 0)
};

struct SeparateParticlesResult {
  Volume<uint32_t> labels;  // 0 outside the phase (and for excluded particles), 1..count inside
  uint32_t count = 0;
  uint32_t excluded_border = 0;  // particles dropped by exclude_border
  double height_quantum_um = 0;  // distance step of the integer relief flooded by the watershed
};

// The steps of separate_particles, shared with the streamed separation (stream/streamed_particles.hpp).
// The largest finite distance (um) among n squared distances (um^2); unbounded: some are infinite
// (no background voxel).
struct LargestDistance {
  double um = 0;
  bool unbounded = false;
};
LargestDistance largest_distance(const float* squared_um2, int64_t n);
// The distance step of the 16-bit relief: 1/8 of the smallest voxel side, coarser if `largest_um` needs it.
double height_quantum_um(double largest_um, double smallest_voxel_um);
// Heights: 0 outside the phase (squared distance 0), else round(min(d, largest) / quantum) in 1..65000.
void quantise_heights(const float* squared_um2, int64_t n, double largest_um, double quantum_um, uint16_t* height);
// h-maxima markers (h = h_um in quanta) of `height`, then the watershed of the inverted heights within
// `mask`; `height` is consumed (freed). Labels 1..count in raster order of the markers' first voxels.
ComponentsResult flood_heights(Volume<uint16_t>& height, VolumeView<const uint8_t> mask, double h_um, double quantum_um,
                               const SeparateParticlesParams& params, Progress* progress = nullptr);

// Peak memory beyond the input and output: about 6 bytes per voxel (distance map quantised to 16 bits,
// its h-dome reconstruction, and a flag volume).
SeparateParticlesResult separate_particles(VolumeView<const uint8_t> mask, const SeparateParticlesParams& params = {});

// The whole particle analysis of one phase (emorph particles): particles (separated or plain connected
// components), per-particle table, size distributions and size-class profiles.
struct ParticleAnalysisParams {
  bool separate = true;                // distance watershed; false: connected components only
  SeparateParticlesParams separation;  // also holds exclude_border, applied in both modes
  int connectivity = 26;               // components connectivity when not separating
  // measures.min_volume_um3 also removes the smaller particles from the label volume (set to 0, the
  // others renumbered 1..count in order), so the table, distributions and profiles all leave them out.
  ParticlesParams measures;
  SizeDistributionParams distribution;
  SizeClassProfileParams classes;
};

struct ParticleAnalysis {
  Volume<uint32_t> labels;
  uint32_t excluded_border = 0;
  uint32_t excluded_small = 0;  // particles below measures.min_volume_um3
  std::vector<ParticleRecord> particles;
  SizeDistribution distribution;  // of the equivalent sphere diameters, weights = particle volumes
  SizeClassProfile classes;
};

ParticleAnalysis analyse_particles(VolumeView<const uint8_t> mask, const ParticleAnalysisParams& params = {});

}  // namespace emorph
