#pragma once
// The results layer of the streamed label measurements (stream/streamed_measures.hpp): the same
// results objects as the in-core fractions, profile and surface, from counts and areas taken by slabs.
#include <string>
#include <vector>

#include "emorph/io.hpp"
#include "emorph/measure/fractions.hpp"
#include "emorph/measure/profile.hpp"
#include "emorph/measure/specific_surface.hpp"
#include "emorph/phase_table.hpp"
#include "emorph/result.hpp"
#include "emorph/stream/streamed_measures.hpp"

namespace emorph {

// The JSON envelope's memory section of a streamed run: {"streamed": true, "slab_slices", "halo_slices", "slabs"}.
Json stream_report_json(const StreamReport& report);

// emorph fractions (fractions_results) on the file at `address`; read_options.voxel as read_volume.
Json streamed_fractions_results(const std::string& address, const ReadOptions& read_options, const PhaseTable& table,
                                const FractionsReportParams& params, const StreamParams& stream,
                                StreamReport* report = nullptr, std::vector<std::string>* warnings = nullptr);

// emorph profile (profile_results).
Json streamed_profile_results(const std::string& address, const ReadOptions& read_options, const PhaseTable& table,
                              const ProfileReportParams& params, const StreamParams& stream,
                              StreamReport* report = nullptr);

// emorph surface (surface_results); count_volume_boundary must be false (InputError otherwise).
Json streamed_surface_results(const std::string& address, const ReadOptions& read_options, const PhaseTable& table,
                              const SurfaceReportParams& params, const StreamParams& stream,
                              StreamReport* report = nullptr);

}  // namespace emorph
