#pragma once
// Specific surface areas from phase and interface areas: per total volume, per phase volume, per mass
// (m2/g = S_V in 1/um divided by the density in g/cm3), and the electrode's (pore surface over the mass
// of the solid mixture, the paper's Table 4 "FIB/SEM" column).
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "emorph/measure/surface_area.hpp"
#include "emorph/phase_table.hpp"
#include "emorph/result.hpp"

namespace emorph {

struct SpecificSurfaceParams {
  std::string pore_phase = "pore";            // its surface is the electrode's surface
  std::string collector_phase = "collector";  // not part of the solid mixture
  // true: every solid phase present must have a density (InputError otherwise); false: mass-based
  // figures are left out where a density is unknown.
  bool require_densities = false;
};

struct PhaseSurface {
  std::string name;
  uint8_t label = 0;
  int64_t voxels = 0;
  double volume_um3 = 0;
  double surface_area_um2 = 0;
  double specific_surface_per_um = 0;                     // area / total volume
  std::optional<double> specific_surface_phase_per_um;    // area / phase volume (absent phase: none)
  std::optional<double> specific_surface_m2_per_g;        // when the density is known
  // (other phase, share of this phase's surface inside the volume that touches it), over the other
  // phases present, summing to 1: the interface areas divided by their sum, so the shares use the
  // same Crofton crossings as the areas (the volume's outer faces are not counted). Empty when the
  // phase has no interface.
  std::vector<std::pair<std::string, double>> surface_shares;
};

struct InterfaceSurface {
  std::string name;  // "<a>|<b>", a's label < b's label
  uint8_t label_a = 0, label_b = 0;
  double area_um2 = 0;
  double specific_surface_per_um = 0;  // area / total volume
};

struct SpecificSurfaceResult {
  double total_volume_um3 = 0;
  std::vector<PhaseSurface> phases;         // table phases, then labels present but not in the table
  std::vector<InterfaceSurface> interfaces;  // pairs of labels both present, in label order
  std::optional<double> solid_density_g_cm3;                 // volume-weighted mean over solid phases
  std::optional<double> electrode_specific_surface_m2_per_g;  // pore surface / solid mass
};

SpecificSurfaceResult specific_surfaces(const SurfaceAreaResult& areas, const Spacing& spacing, const PhaseTable& table,
                                        const SpecificSurfaceParams& params = {});

struct SurfaceReportParams {
  bool count_volume_boundary = false;  // SurfaceAreaParams::count_volume_boundary
  bool require_densities = false;      // SpecificSurfaceParams::require_densities (densities given by the user)
};

// The `results` object of `emorph surface` (CONTRACT.md): method, count_volume_boundary,
// total_volume_um3, phases.<name>.{label, voxels, volume_um3, surface_area_um2,
// specific_surface_per_um, specific_surface_phase_per_um[, specific_surface_m2_per_g], surface_shares},
// interfaces["a|b"].{area_um2, specific_surface_per_um}, and solid_density_g_cm3 /
// electrode_specific_surface_m2_per_g where the densities are known. Spacing from the view.
Json surface_results(VolumeView<const uint8_t> labels, const PhaseTable& table, const SurfaceReportParams& params = {});
// The same from measured areas (e.g. a streamed SurfaceCrossingTally) and the voxel size.
Json surface_results(const SurfaceAreaResult& areas, const Spacing& spacing, const PhaseTable& table,
                     const SurfaceReportParams& params = {});

// results.phases.<name>.surface_shares: {"<other>": share, ...} (an empty object without interfaces).
Json surface_shares_json(const PhaseSurface& phase);

}  // namespace emorph
