#pragma once
// Synthetic Li-ion cathodes with exact ground truth (emorph synth): NMC spheres packed by collective
// rearrangement, LFP and CB+PVdF (CBD) placed in the space left by exact rank selection, pores the rest.
// The paper's samples A..K (Etiemble et al. 2017, Table 1) are available as presets.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "emorph/result.hpp"
#include "emorph/volume.hpp"

namespace emorph::synth {

// Default phase table labels (CONTRACT.md).
inline constexpr uint8_t kPore = 0, kNmc = 1, kLfp = 2, kCbd = 3, kCollector = 4;

struct SynthParams {
  Shape shape{128, 128, 128};  // (z, y, x); z is the thickness axis, collector at z = 0
  double voxel_um = 0.32;      // isotropic voxel size
  uint64_t seed = 1;
  std::string preset;  // name of the preset these parameters came from ("" when hand-made)

  // Target volume fractions of the electrode (collector excluded); pores take the rest.
  double nmc_fraction = 0.24, lfp_fraction = 0.306, cbd_fraction = 0.164;

  // NMC diameters: log-normal fitted to volume-weighted quantiles (laser granulometry convention).
  double nmc_d10_um = 5.6, nmc_d50_um = 9.7, nmc_d90_um = 16.7;
  double nmc_min_diameter_um = 1.0, nmc_max_diameter_um = 30.0;  // truncation of the distribution

  double collector_um = 0.0;  // aluminium slab (label 4) at z = 0; 0 = none

  // The box is cut from a virtual electrode of this size (0 = the box itself). When larger, the box is
  // a window centred in it (FIB/SEM scale sub-volumes of a micrometric packing).
  double domain_lateral_um = 0.0, domain_thickness_um = 0.0;

  // Process heterogeneities (positions z in um from the collector side of the electrode).
  double nmc_slope_per_um = 0.0;       // settling: d(NMC fraction)/dz in the bulk, fraction per um
  double nmc_size_slope_per_um = 0.0;  // relative change of NMC diameter per um (negative: large lower)
  double depleted_layer_um = 0.0;      // layer above the collector: fewer and smaller NMC, more CBD
  double depleted_nmc_factor = 0.6;    // NMC fraction multiplier in that layer
  double depleted_size_factor = 0.75;  // NMC diameter multiplier in that layer
  double depleted_cbd_boost = 0.15;    // CBD preference in that layer (score bonus, 0..2)
  double dense_surface_um = 0.0;       // densified surface layer (supercalendering)
  double dense_surface_factor = 1.15;  // NMC fraction multiplier there; LFP is also preferred there
  double cracked_surface_um = 0.0;     // NMC particles centred within this depth of the surface crack
  double crack_width_um = 0.3;
  int cracks_per_particle = 2;

  double lfp_slope_per_um = 0.0;           // LFP preference gradient (fraction per um, approximate)
  double lfp_primary_um = 0.2;             // median primary LFP diameter (spheres when >= 2 voxels)
  double lfp_agglomerate_d50_um = 3.0;     // secondary agglomerates: median diameter
  double lfp_agglomerate_max_um = 10.0;    // largest agglomerate diameter
  double lfp_agglomerate_share = 0.3;      // approximate share of LFP volume inside agglomerates
  double cbd_cluster_um = 0.5;             // CB+PVdF cluster size (correlation length)
  double cbd_neck_um = 1.0;                // range of the CBD preference for NMC surfaces and necks
  double cavity_fraction = 0.0;            // electrode volume fraction of large cavities (pores)
  double cavity_d50_um = 6.0;

  double packing_z_mobility = 1.0;  // 0..1: share of the vertical part of rearrangement moves
};

struct CrackPlane {
  std::array<double, 3> normal{};  // unit vector (z, y, x)
  double offset_um = 0.0;          // signed distance of the plane from the particle centre
  double width_um = 0.0;           // voxels closer than width/2 to the plane are pore
};

struct Particle {
  uint8_t label = kNmc;
  std::array<double, 3> centre_um{};  // (z, y, x) in box coordinates: voxel (0,0,0) spans [0, d)
  double radius_um = 0.0;
  int64_t voxels = 0;  // voxels of this particle (all periodic images) in the label volume
  std::vector<CrackPlane> cracks;
};

struct SynthResult {
  Volume<uint8_t> labels;
  std::vector<Particle> nmc;              // NMC spheres (no two overlap)
  std::vector<Particle> lfp_agglomerates;  // secondary LFP agglomerate envelopes
  std::vector<Particle> cavities;          // large void envelopes (label kPore)
  int64_t collector_voxels_z = 0;          // slices [0, collector_voxels_z) are collector
  bool periodic_lateral = true;            // false in window mode
  std::array<double, 3> window_origin_um{};  // box origin in the virtual electrode (z from its bottom)
  double electrode_thickness_um = 0.0;       // thickness of the virtual electrode
  std::vector<double> target_nmc_profile;    // target NMC fraction per slice of the box
  double imposed_nmc_slope_per_um = 0.0;     // bulk slope of that target (after normalising its mean)
  int packing_sweeps = 0;
  Json truth;  // truth.json content (see electrode_truth)
};

// Generates the microstructure; throws InputError for inconsistent parameters.
// Deterministic: the same parameters and seed give the same bytes whatever the thread count.
SynthResult generate_electrode(const SynthParams& params);

// Checks parameters; throws InputError naming the parameter. Called by generate_electrode.
void validate(const SynthParams& params);

// Parameters of the paper's sample `name` (A..K): composition and porosity from Table 1, settling
// slopes, depleted layer, supercalendering effects. Cube of `size` voxels.
SynthParams preset(const std::string& name, int size, double voxel_um, uint64_t seed);
std::vector<std::string> preset_names();

// Ground truth of a result: exact voxel fractions, particles, profiles, size distributions,
// surface areas, parameters (the truth.json written by `emorph synth`).
Json electrode_truth(const SynthResult& result, const SynthParams& params);

// Diameter quantiles (q in 0..1) by number or by volume (weights d^3), linear interpolation of the
// cumulative distribution between sorted diameters.
double diameter_quantile(std::vector<double> diameters, double q, bool volume_weighted);

}  // namespace emorph::synth
