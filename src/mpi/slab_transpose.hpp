#pragma once
// The z slab <-> y slab transposes of the distributed EDT and granulometry (MPI_Alltoallv), in rounds of
// a few slices so that the z side never holds more than one round: a rank's z slab is its own_slices of
// the nz slices (own nz x ny x nx), its y slab its own_slices of the ny rows of whole z columns (nz x
// own ny x nx, z-major). A producer fills each round's slices of the z slab (nothing else of the z slab
// need exist); a pass along y runs round by round on the z slab's planes of data held on y slabs; rank
// 0 takes the y slabs of all ranks in z order without any z slab (output volumes).
#include <cstdint>
#include <functional>
#include <vector>

#include "emorph/volume.hpp"

namespace emorph {

// Slices [z0, z1) of a round, whole planes of ny x nx values of `element` bytes, one after the other.
using FillPlanes = std::function<void(int64_t z0, int64_t z1, void* planes)>;
using TakePlanes = std::function<void(int64_t z0, int64_t z1, const void* planes)>;

// Collective. Fills the y slab (nz x own ny x nx elements, allocated by the caller) from the z slab that
// `fill` produces round by round (z0, z1 local to the own slab).
void transpose_to_y_slab(const Shape& whole, int64_t element, const FillPlanes& fill, void* y_slab);
// Collective. Round by round, `transform` gets the own z slab's slices of the y slab (z0, z1 local to the
// own slab) in `in` and writes `out` (both whole planes), which goes back to the same place of the y
// slab: a pass along y of data held on y slabs, without a z slab.
using TransformPlanes = std::function<void(int64_t z0, int64_t z1, const void* in, void* out)>;
void transform_on_z_slab(const Shape& whole, int64_t element, void* y_slab, const TransformPlanes& transform);
// Collective. Rank 0's `take` gets every slice of the whole volume in z order (z0, z1 global), gathered
// from the ranks' y slabs; the other ranks' is not called.
void gather_y_slabs_on_root(const Shape& whole, int64_t element, const void* y_slab, const TakePlanes& take);

// Typed form.
template <class T>
std::vector<T> to_y_slab(const Shape& whole, const std::function<void(int64_t, int64_t, T*)>& fill);

// Number of y-slab elements of this rank.
int64_t own_y_slab_size(const Shape& whole);

template <class T>
std::vector<T> to_y_slab(const Shape& whole, const std::function<void(int64_t, int64_t, T*)>& fill) {
  std::vector<T> y_slab(static_cast<std::size_t>(own_y_slab_size(whole)));
  transpose_to_y_slab(whole, sizeof(T), [&](int64_t z0, int64_t z1, void* p) { fill(z0, z1, static_cast<T*>(p)); },
                      y_slab.data());
  return y_slab;
}

}  // namespace emorph
