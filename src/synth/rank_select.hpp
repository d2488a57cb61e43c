#pragma once
// Exact-count selection of the highest-scoring voxels of one label (a two-pass histogram threshold),
// used to give a phase exactly its target number of voxels.
#include <cstdint>
#include <functional>

#include "emorph/volume.hpp"

namespace emorph::synth {

// Fills scores[0 .. ny*nx) for plane z (only voxels labelled `from` are used). Called once per plane,
// concurrently for different planes; it may read any label (none is written while it runs).
using PlaneScorer = std::function<void(int64_t z, float* scores)>;

// Relabels exactly `count` voxels of label `from` to label `to`: those with the highest score,
// quantised to 4096 levels over [lo, hi]. Ties at the threshold level are shared among planes in
// proportion to their tied voxels, in index order within a plane. Deterministic for any thread count.
void select_top_voxels(Volume<uint8_t>& labels, uint8_t from, uint8_t to, int64_t count, float lo, float hi,
                       const PlaneScorer& scorer);

}  // namespace emorph::synth
