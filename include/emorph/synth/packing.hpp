#pragma once
// Overlap removal for polydisperse sphere packings by collective rearrangement (Jodrey & Tory 1985;
// Bezrukov, Bargiel & Stoyan 2002 "force-biased"): overlapping pairs are pushed apart along their line
// of centres, Gauss-Seidel sweeps over a periodic cell list, until no pair overlaps.
#include <vector>

namespace emorph::synth {

struct Sphere {
  double z = 0, y = 0, x = 0, r = 0;  // um
};

struct PackingParams {
  double period_y_um = 0, period_x_um = 0;  // lateral periodic box lengths (required, > largest diameter)
  double floor_um = 0;                      // hard wall: centres stay at z >= floor + r
  double ceiling_um = 0;                    // centres stay at z <= ceiling (spheres may protrude)
  double z_mobility = 1.0;                  // share of the vertical component of each move (0..1]
  double gap = 1e-4;       // radii are inflated by (1 + gap) while relaxing: the result has strict clearance
  int max_sweeps = 20000;  // gives up (converged = false) after this many sweeps
};

struct PackingResult {
  int sweeps = 0;
  bool converged = false;
  double max_overlap_um = 0;  // largest remaining overlap of the true radii (0 when converged)
};

// Moves the spheres in place until no two overlap (periodic in y and x). Deterministic: a fixed
// sweep order, no threads.
PackingResult relax_overlaps(std::vector<Sphere>& spheres, const PackingParams& params);

}  // namespace emorph::synth
