#pragma once
// What `emorph info` reports about a volume, computed by streaming slabs (bounded memory).
#include <string>

#include "emorph/io.hpp"
#include "emorph/result.hpp"

namespace emorph {

// Keys: format, shape [nz, ny, nx], dtype, voxel_um [dz, dy, dx], voxel_size_from_file,
// physical_size_um [z, y, x], voxels, memory_bytes, min, max, mean, std, percentile_1,
// percentile_50, percentile_99, distinct_values (when <= 256), histogram {values[], counts[]}
// (when <= 256 distinct values, e.g. label volumes), voxel_source ("file", "option" or "none": then
// voxel_um and physical_size_um are null), nan_voxels / infinite_voxels (float volumes, when any;
// left out of the statistics). Percentiles are exact for 8/16-bit volumes and
// within (max - min) / 4096 for 32-bit ones (one histogram pass over 4096 bins).
Json volume_summary(const std::string& address, const ReadOptions& options = {});

}  // namespace emorph
