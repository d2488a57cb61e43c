// Presets after the samples A..K of Etiemble et al. 2017, Table 1: composition (vol%, porosity
// included), NMC and LFP density slopes (relative, % per um) and processing (supercalendering).
#include <algorithm>
#include <array>

#include "emorph/error.hpp"
#include "emorph/synth/electrode.hpp"

namespace emorph::synth {

namespace {

struct SampleRow {
  const char* name;
  double nmc, lfp, pvdf, cb, porosity;  // vol% of the electrode
  double thickness_um;                  // XCT thickness
  double nmc_slope_rel, lfp_slope_rel;  // % per um (relative to the mean)
  bool supercalendered;
};

// Table 1 (v% columns; the slopes are the XCT "Slope" columns).
constexpr std::array<SampleRow, 11> kTable1{{
    {"A", 54.2, 0.0, 7.6, 4.2, 34, 73, -0.05, 0.0, false},
    {"B", 52.2, 0.0, 11.5, 6.3, 30, 81, -0.11, 0.0, false},
    {"C", 44.7, 0.0, 9.9, 5.4, 40, 81, -0.12, 0.0, false},
    {"D", 48.5, 0.0, 10.7, 5.8, 35, 76, -0.08, 0.0, true},
    {"E", 38.5, 16.4, 7.2, 3.9, 34, 77, -0.11, 0.06, false},
    {"F", 24.0, 30.6, 10.6, 5.8, 29, 78, -0.05, 0.02, false},
    {"G", 24.0, 30.6, 6.7, 3.7, 35, 77, -0.08, 0.04, false},
    {"H", 25.5, 32.5, 7.1, 3.9, 31, 73, -0.04, 0.01, true},
    {"I", 11.4, 43.7, 6.4, 3.5, 35, 81, -0.05, 0.0, false},
    {"J", 0.0, 53.9, 5.9, 3.2, 37, 95, 0.0, 0.0, false},
    {"K", 0.0, 59.8, 6.6, 3.6, 30, 80, 0.0, 0.0, true},
}};

}  // namespace

std::vector<std::string> preset_names() {
  std::vector<std::string> names;
  for (const auto& row : kTable1) names.emplace_back(row.name);
  return names;
}

SynthParams preset(const std::string& name, int size, double voxel_um, uint64_t seed) {
  const auto it = std::find_if(kTable1.begin(), kTable1.end(), [&](const SampleRow& r) { return name == r.name; });
  if (it == kTable1.end()) throw InputError("synth: unknown --preset '" + name + "' (expected one of A..K)");
  require(size >= 8, "synth: --size must be at least 8");
  require(voxel_um > 0, "synth: --voxel must be positive");
  const SampleRow& row = *it;
  SynthParams p;
  p.preset = row.name;
  p.shape = {size, size, size};
  p.voxel_um = voxel_um;
  p.seed = seed;
  p.nmc_fraction = row.nmc / 100.0;
  p.lfp_fraction = row.lfp / 100.0;
  p.cbd_fraction = (row.pvdf + row.cb) / 100.0;
  p.nmc_slope_per_um = row.nmc_slope_rel / 100.0 * p.nmc_fraction;
  p.lfp_slope_per_um = row.lfp_slope_rel / 100.0 * p.lfp_fraction;
  const bool has_nmc = row.nmc > 0, has_lfp = row.lfp > 0;
  if (has_nmc) {
    // Section 3.3: a ~10 um NMC-depleted layer rich in small particles and CB+PVdF at the collector;
    // large particles lower in the NMC electrodes (B-E), nearly constant in the LFP-rich blends.
    p.depleted_layer_um = 10.0;
    p.nmc_size_slope_per_um = row.lfp < 20 ? (row.name[0] == 'A' ? -0.001 : -0.002) : -0.0005;
    // In the blends the layer is rich in LFP/CB+PVdF (section 3.3) with a finely dispersed CBD (< 200 nm,
    // below the XCT voxel): the NMC-electrode boost (0.15) nearly doubled the CBD there and left F
    // (29% porosity, 16.4% CBD) a 0.16-0.19 porosity layer with no pore path through the thickness at
    // 256^3, unlike real electrodes. 0.05 keeps the layer CBD-enriched (about 1.3x the bulk) and its
    // pores percolating (F 256^3 seed 1: 93% of the pore percolates along z).
    if (has_lfp) p.depleted_cbd_boost = 0.05;
  }
  if (row.supercalendered && has_nmc) {
    // Section 3.4: denser surface, cracked NMC particles at the surface.
    p.dense_surface_um = 8.0;
    p.dense_surface_factor = 1.15;
    p.cracked_surface_um = 6.0;
  }
  // CB+PVdF clusters up to ~1 um in NMC electrodes, finely distributed (< 200 nm) with LFP (section 3.2).
  p.cbd_cluster_um = has_lfp ? 0.2 : 1.0;
  if (has_lfp) {
    p.lfp_agglomerate_share = 0.3;
    p.lfp_agglomerate_max_um = has_nmc ? 10.0 : 6.0;
  }
  if (has_nmc && has_lfp) p.cavity_fraction = 0.01;  // cavities in NMC-rich zones of the blends
  // At FIB/SEM scale the box is a window in a full-size virtual electrode.
  if (voxel_um < 0.1) {
    p.domain_lateral_um = 60.0;
    p.domain_thickness_um = row.thickness_um;
  }
  return p;
}

}  // namespace emorph::synth
