// Streamed label measurements: slab walks (SlabStream) feeding the integer accumulators of the
// in-core kernels (accumulate_slice_label_counts, accumulate_surface_crossings), so the results are
// those of the in-core run bit for bit (see docs/streaming.md).
#include "emorph/stream/streamed_measures.hpp"

#include <filesystem>

#include "emorph/io/slab_stream.hpp"
#include "emorph/measure/surface_area.hpp"

namespace emorph {
namespace {

std::string file_name(const std::string& address) { return std::filesystem::path(file_part(address)).filename().string(); }

// Opens a label stream whose slabs (core + 2 halo slices of the file's dtype, plus the uint8 copy of
// a non-uint8 label volume) fit the budget.
SlabStream open_label_stream(const std::string& address, const StreamParams& stream, int64_t halo, const std::string& what,
                             StreamReport* report) {
  auto reader = open_slab_reader(address);
  const VolumeInfo info = reader->info();
  const uint64_t per_slice = reader->slice_bytes() + (info.dtype == DType::u8 ? 0 : static_cast<uint64_t>(info.shape.ny * info.shape.nx));
  SlabStreamParams p;
  p.slab_slices = slab_slices_for_budget(stream.budget_bytes, per_slice, halo, info.shape.nz);
  p.halo = halo;
  p.labels = true;
  p.source = address;
  if (stream.progress) p.progress_label = what + " " + file_name(address) + " by slabs of " + std::to_string(p.slab_slices);
  if (report) report->slab_slices = p.slab_slices, report->halo = halo;
  return SlabStream(std::move(reader), p);
}

Spacing spacing_of(const SlabStream& s, const ReadOptions& o) { return o.voxel ? *o.voxel : s.info().spacing; }

SliceLabelCounts streamed_slice_counts(const std::string& address, const ReadOptions& read_options, int axis,
                                       const StreamParams& stream, StreamReport* report, const std::string& what,
                                       double* slice_um) {
  require(axis >= 0 && axis <= 2, "--axis must be 0, 1 or 2 (got " + std::to_string(axis) + ")");
  SlabStream s = open_label_stream(address, stream, 0, what, report);
  const Spacing spacing = spacing_of(s, read_options);
  SliceLabelCounts counts;
  while (s.next()) accumulate_slice_label_counts(counts, s.label_view(spacing), s.core_begin(), s.info().shape, {axis});
  if (report) report->slabs = s.slabs_read();
  *slice_um = spacing[axis];
  return counts;
}

}  // namespace

Json StreamReport::json() const {
  return {{"streamed", true}, {"slab_slices", slab_slices}, {"halo_slices", halo}, {"slabs", slabs}};
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
  require(!params.count_volume_boundary,
          "surface: --count-boundary is not streamed yet; raise --memory-limit to run it in core");
  // Each crossing pair belongs to the slice of its first voxel and steps at most one slice up.
  SlabStream s = open_label_stream(address, stream, 1, "surface", report);
  const Spacing spacing = spacing_of(s, read_options);
  SurfaceCrossingTally tally;
  while (s.next()) {
    const int64_t owned = s.core_begin() - s.first_slice();
    accumulate_surface_crossings(tally, s.label_view(spacing), owned, owned + (s.core_end() - s.core_begin()));
  }
  if (report) report->slabs = s.slabs_read();
  return surface_results(surface_areas(tally, spacing), spacing, table, params);
}

}  // namespace emorph
