// The results objects of the streamed fractions, profile and surface (see stream_results.hpp).
#include "emorph/results/stream_results.hpp"

#include "emorph/results/measure_results.hpp"

namespace emorph {

Json stream_report_json(const StreamReport& r) {
  return {{"streamed", true}, {"slab_slices", r.slab_slices}, {"halo_slices", r.halo}, {"slabs", r.slabs}};
}

Json streamed_fractions_results(const std::string& address, const ReadOptions& read_options, const PhaseTable& table,
                                const FractionsReportParams& params, const StreamParams& stream, StreamReport* report,
                                std::vector<std::string>* warnings) {
  double slice_um = 0;
  const auto counts = streamed_slice_counts(address, read_options, params.axis, stream, report, "fractions", &slice_um);
  return fractions_results(counts, slice_um, table, params, warnings);
}

Json streamed_profile_results(const std::string& address, const ReadOptions& read_options, const PhaseTable& table,
                              const ProfileReportParams& params, const StreamParams& stream, StreamReport* report) {
  double slice_um = 0;
  const auto counts = streamed_slice_counts(address, read_options, params.axis, stream, report, "profile", &slice_um);
  return profile_results(counts, slice_um, table, params);
}

Json streamed_surface_results(const std::string& address, const ReadOptions& read_options, const PhaseTable& table,
                              const SurfaceReportParams& params, const StreamParams& stream, StreamReport* report) {
  const StreamedSurfaceAreas s = streamed_surface_areas(address, read_options, params, stream, report);
  return surface_results(s.areas, s.spacing, table, params);
}

}  // namespace emorph
