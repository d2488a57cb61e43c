#pragma once
// Surface area of phases and of interfaces between phases, straight from a label volume (no mesh):
// discrete Crofton formula over the 13 lattice directions of the 3x3x3 neighbourhood, with direction
// weights equal to the areas of the directions' Voronoi cells on the unit sphere (Ohser & Muecklich
// 2000; Lehmann & Legland 2012), recomputed for anisotropic voxels. See docs/surface_area.md.
#include <array>
#include <cstdint>
#include <vector>

#include "emorph/volume.hpp"

namespace emorph {

struct SurfaceAreaParams {
  // false (default for phase measurements): the outer faces of the volume are not surface, only
  // transitions between two voxels of the volume count. true: the volume is treated as surrounded by
  // a background that belongs to no label, so a set touching the volume's border is closed there
  // (what a per-particle crop needs).
  bool count_volume_boundary = false;
};

struct SurfaceAreaResult {
  int num_labels = 0;                    // labels 0 .. num_labels-1 (max label + 1)
  std::vector<int64_t> voxels;           // voxel count per label
  std::vector<double> phase_area_um2;    // area of the boundary of {label == l}, per label
  std::vector<double> interface_area_um2;  // num_labels x num_labels, symmetric, zero diagonal
  std::vector<double> volume_boundary_area_um2;  // per label: the part of phase_area on the volume's
                                                 // outer faces (all 0 unless count_volume_boundary)
  double interface(int a, int b) const { return interface_area_um2[static_cast<std::size_t>(a * num_labels + b)]; }
};

// Areas of every label present and every interface pair, in one pass over the volume (OpenMP over
// slices, integer per-thread counts: the result does not depend on the thread count). Spacing from
// the view.
SurfaceAreaResult surface_areas(VolumeView<const uint8_t> labels, const SurfaceAreaParams& params = {});

// The integer tallies behind surface_areas (count_volume_boundary false), accumulated slab by slab
// for the streamed route: each crossing pair (p, p + v) is owned by the slice of p (every direction
// steps 0 or +1 in z), so a slab needs one halo slice above its core.
struct SurfaceCrossingTally {
  int num_labels = 0;
  std::vector<int64_t> pairs;   // [direction][a * num_labels + b]
  std::vector<int64_t> voxels;  // per label
};
// Adds the crossings owned by slices [owned_begin, owned_end) of `planes` (indices into the view; the
// view holds the slice owned_end too unless it is the volume's last) and their voxels.
void accumulate_surface_crossings(SurfaceCrossingTally& tally, VolumeView<const uint8_t> planes, int64_t owned_begin,
                                  int64_t owned_end);
// The areas from a complete tally: equal to surface_areas(volume) of the whole volume.
SurfaceAreaResult surface_areas(const SurfaceCrossingTally& tally, const Spacing& spacing);

// Area in um^2 of the boundary of {labels == label} with the given voxel size (the view's spacing is
// ignored). Counts the volume's outer faces by default, so a tight crop around one particle (or a
// 0/1 mask) gives that particle's closed surface; pass false for the surface inside the volume only.
double phase_surface_area_um2(VolumeView<const uint8_t> labels, uint8_t label, const Spacing& spacing,
                              bool count_volume_boundary = true);

// The 13 lattice directions (dz, dy, dx) in voxel steps, and their Crofton weights for a spacing:
// the fraction of the unit sphere closer to +-direction than to any other (sums to 1).
const std::array<std::array<int, 3>, 13>& crofton_directions();
std::array<double, 13> crofton_weights(const Spacing& spacing);

}  // namespace emorph
