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

}  // namespace emorph
