#pragma once
// emorph edt over MPI ranks (issue 19): each rank reads its own z slab and runs the x and y passes of
// the exact EDT on it; an all-to-all transpose (MPI_Alltoallv) gives each rank a y slab of whole z
// columns for the z pass. Rank 0 gathers the y slabs slice by slice, writes the output in z order and
// sums the figures in raster order. Every line sees the
// same 1D operations as in core (distance_transform), so the output and the figures are identical.
#include <functional>
#include <string>
#include <vector>

#include "emorph/io.hpp"
#include "emorph/stream/streamed_edt.hpp"

namespace emorph {

// The squared EDT (weights: squared voxel steps) of this rank's z slab of a 0/1 mask of nz slices
// (collective): the x and y passes run on the z slab, slice by slice as the transpose's rounds take them,
// the z pass on the rank's y slab (own_slices of the ny rows, whole z columns: nz x own ny x nx, z-major),
// which is returned: the same floats as squared_distance_transform of the whole mask gives there. Peak:
// the mask, the y slab and one round of slices.
std::vector<float> distributed_squared_edt(const Volume<uint8_t>& mask_slab, int64_t nz, const Spacing& weights);
// The same from a mask that exists one round at a time: mask_slices(z0, z1) gives the own z slab's slices
// [z0, z1) (local) as whole planes, valid until its next call. Peak: the y slab and one round of the mask
// and of its distances (emorph edt reads each round from the file).
using MaskSlices = std::function<const uint8_t*(int64_t z0, int64_t z1)>;
std::vector<float> distributed_squared_edt(const MaskSlices& mask_slices, const Shape& whole, const Spacing& weights);

// Rank 0 writes every rank's y slab of floats (collective, gathered in rounds of slices in z order) to
// `output` as a float32 volume of shape `whole`, and returns the count, sum and largest of the nonzero
// values in raster order (the other ranks: zeros). No rank holds a z slab of the output.
struct NonzeroFigures {
  int64_t count = 0;
  double sum = 0, max = 0;
};
NonzeroFigures write_y_slabs_on_root(const std::vector<float>& y_slab, const std::string& output, const Shape& whole,
                                     const Spacing& spacing);

// emorph edt under several ranks: the results of streamed_edt / the in-core run, the output written by rank 0.
EdtSummary distributed_edt(const std::string& input, const std::string& output, const StreamedEdtParams& params,
                           const ReadOptions& read_options, StreamReport* report = nullptr);

}  // namespace emorph
