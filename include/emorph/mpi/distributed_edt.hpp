#pragma once
// emorph edt over MPI ranks (issue 19): each rank reads its own z slab and runs the x and y passes of
// the exact EDT on it; an all-to-all transpose (MPI_Alltoallv) gives each rank a y slab of whole z
// columns for the z pass, and a second one brings the squared distances back to the z slabs. Rank 0
// writes the output slab by slab in z order and sums the figures in raster order. Every line sees the
// same 1D operations as in core (distance_transform), so the output and the figures are identical.
#include <string>
#include <vector>

#include "emorph/io.hpp"
#include "emorph/stream/streamed_edt.hpp"

namespace emorph {

// The transpose over the ranks (collective, MPI_Alltoallv): this rank's z slab (its own_slices of the
// nz slices) -> its y slab (own_slices of the ny rows) of whole z columns, nz x own ny x nx, and back.
// Each releases its input, so that at most two slab-sized buffers live at a time.
std::vector<float> z_slab_to_y_slab(Volume<float>& z_slab, int64_t nz);
Volume<float> y_slab_to_z_slab(std::vector<float>& y_slab, const Shape& whole);

// The z pass of the squared EDT over the ranks (collective): `squared` holds this rank's z slab (its
// own_slices of a volume of nz slices) after the x and y passes, and receives the squared distances,
// the same floats as squared_distance_transform of the whole mask. Peak: two slab-sized float buffers.
void distributed_z_pass(Volume<float>& squared, int64_t nz, double wz);

// The squared EDT (weights: squared voxel steps) of this rank's z slab of a 0/1 mask of nz slices, as
// squared_distance_transform of the whole mask gives it (collective); the mask is released.
Volume<float> distributed_squared_edt(Volume<uint8_t>& mask_slab, int64_t nz, const Spacing& weights);

// Rank 0 writes every rank's z slab of floats (collective, rank order = z order) to `output` as a
// float32 volume of shape `whole`, and returns the count, sum and largest of the nonzero values in
// raster order (the other ranks: zeros).
struct NonzeroFigures {
  int64_t count = 0;
  double sum = 0, max = 0;
};
NonzeroFigures write_slabs_on_root(const Volume<float>& slab, const std::string& output, const Shape& whole,
                                   const Spacing& spacing);

// emorph edt under several ranks: the results of streamed_edt / the in-core run, the output written by rank 0.
EdtSummary distributed_edt(const std::string& input, const std::string& output, const StreamedEdtParams& params,
                           const ReadOptions& read_options, StreamReport* report = nullptr);

}  // namespace emorph
