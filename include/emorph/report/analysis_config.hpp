#pragma once
// The declarative pipeline of `emorph analyze`, read from TOML; every key has a default, so an empty
// config (or none) gives the full default analysis.
#include <optional>
#include <string>
#include <vector>

#include "emorph/report/lfp_options.hpp"
#include "emorph/segment/segment_defaults.hpp"
#include "emorph/volume.hpp"

namespace emorph {

struct AnalysisConfig {
  // [input]
  std::string input;                  // path/address; empty with demo = true
  std::optional<Spacing> voxel;       // overrides the file's voxel size
  std::string kind = "auto";          // auto | grey | labels (auto: uint8 with <= 8 distinct values is labels)
  int axis = 0;                       // thickness axis
  // [demo]
  bool demo = false;
  std::string demo_preset = "F";
  int demo_size = 128;
  double demo_voxel_um = 0.32;
  uint64_t demo_seed = 7;
  // [preprocess]
  // auto: a 3x3x3 median when the histogram model's contrast-to-noise is low (segment_defaults.hpp).
  std::string denoise = kDefaultDenoise;  // auto | none | median:R | gaussian:SIGMA_VOXELS
  // [segment]
  // XCT default as in the paper: NMC against the unresolved matrix, by the same route as `emorph segment`.
  std::string method = kDefaultSegmentMethod;  // mixture | otsu | minimum | intermodes | multiotsu:N | manual:T1,T2 | fibsem
  std::vector<std::string> classes = {"matrix", "NMC"};  // phases in increasing grey order
  // [phases] name = label, [density] name = g/cm3
  std::string phases;                 // "pore=0,NMC=1,..." (empty: default table)
  std::string density;                // "NMC=4.75,..."
  // [profile]
  double exclude_collector_um = 0;    // trimmed from the detected electrode region for bulk statistics
  double exclude_surface_um = 0;
  // Also trim the boundary layers detected on the main active phase's profile (NMC, else LFP): the
  // depleted layer above the collector and the wall-effect layer under the surface, each where the
  // smoothed fraction recovers 90% of its bulk median. The larger of detected and given layer is used.
  bool auto_bulk = true;
  int window = 1;                     // slices averaged in profiles
  // [lfp] the LFP profile from the matrix grey (grey inputs at XCT resolution)
  LfpOptions lfp;
  // [measure]
  bool fractions = true, profiles = true, surface = true;
  std::vector<std::string> granulometry = {"NMC", "pore"};
  std::vector<std::string> particles = {"NMC"};
  std::vector<std::string> tortuosity = {"pore"};
  // Per-axis statistics of these phases (off by default): chord lengths, two-point correlation, REV.
  std::vector<std::string> chords, correlation, rev;
  double size_class_quantile = 0.25;
  // Particles under this many voxels (3x3x3) are threshold noise, not resolved particles: left out of
  // the table, the distributions and the size-class profiles, and counted as excluded_small.
  int64_t min_particle_voxels = 27;
  // [particles] min_volume_um3 (particles' own key and unit): when set, it replaces min_particle_voxels.
  std::optional<double> min_particle_volume_um3;
  // Optional descriptors (issue 20), off by default: particle contacts of these phases, the
  // NMC|LFP / CBD / pore triple-phase boundary, tau along all three axes of these phases (two more
  // transport solves each), and the BPX export (bpx.json + bpx_profile.csv, needs fractions, profiles,
  // surface and the pore's tortuosity).
  std::vector<std::string> contacts;
  bool tpb = false;
  std::vector<std::string> anisotropy;
  bool export_bpx = false;
  // [resources] memory budget ("4GiB"; empty: --memory-limit or the default share, docs/streaming.md)
  std::string memory_limit;
  // [output]
  std::string out_dir = "emorph-results";
  bool write_labels = true;
  bool write_slices = true;
};

// Parses a TOML file; throws InputError naming the file, line and key for unknown keys or bad values.
// `settings` ("SECTION.KEY=VALUE", the CLI's --set) replace the file's values before the checks, so they
// reach every key with the same type checks; an empty path reads no file.
AnalysisConfig read_analysis_config(const std::string& path, const std::vector<std::string>& settings = {});
AnalysisConfig parse_analysis_config(const std::string& toml_text, const std::string& source_name,
                                     const std::vector<std::string>& settings = {});

// A commented example config (what `emorph init-config` writes).
std::string example_analysis_config();

}  // namespace emorph
