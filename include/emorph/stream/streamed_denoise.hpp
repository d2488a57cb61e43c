#pragma once
// emorph denoise streamed from file to file in z slabs: each slab carries a halo of the filter's
// radius along z (median R, Gaussian int(truncate * sigma_z + 0.5), bilateral ceil(2 sigma)), the
// filter runs on the slab and its core slices are written; every output voxel sees exactly the input
// voxels, in the same order, that it sees in core (edges reflected at the volume's true ends), so the
// output volume is byte-identical to the in-core one.
#include <string>

#include "emorph/filter/denoise.hpp"
#include "emorph/io.hpp"
#include "emorph/stream/streamed_measures.hpp"

namespace emorph {

// The halo a filter needs along z, for a volume of voxel size `spacing`.
int64_t denoise_halo_slices(const DenoiseSpec& spec, const Spacing& spacing);

// Filters `input` into `output` (written under a temporary name, renamed at the end); returns the
// output's dtype. Float inputs holding NaN or infinity are refused, as in core.
DType streamed_denoise(const std::string& input, const std::string& output, const DenoiseSpec& spec,
                       const ReadOptions& read_options, const StreamParams& stream, StreamReport* report = nullptr);

}  // namespace emorph
