#pragma once
// The results layer of the filter area: the JSON records of the pre-filters and of the FIB/SEM
// preparation (include/emorph/filter/).
#include "emorph/filter/denoise.hpp"
#include "emorph/filter/fibsem_prep.hpp"
#include "emorph/result.hpp"

namespace emorph {

// {"filter": "median", "radius"} | {"filter": "gaussian", "sigma_voxels" or "sigma_um", "truncate"} |
// {"filter": "bilateral", "sigma_spatial_voxels", "sigma_range"}.
Json denoise_spec_json(const DenoiseSpec& spec);

// The record of `emorph fibsem-prep --json` (and of analyze's FIB/SEM preparation): steps[], and per step
// destripe{}, shading{}, intensity{}; when tracked, alignment{} with drift_px and drift_max_px (applied) or
// align_skipped (not applied); crop{} when cropped.
Json fibsem_prep_record_json(const FibsemPrepResult& prepared);

}  // namespace emorph
