// Streamed label measurements: slab walks (SlabStream) feeding the integer accumulators of the
// in-core kernels (accumulate_slice_label_counts, accumulate_surface_crossings), so the results are
// those of the in-core run bit for bit (see docs/streaming.md).
#include "emorph/stream/streamed_measures.hpp"

#include <algorithm>
#include <filesystem>
#include <type_traits>

#include "emorph/io/slab_stream.hpp"
#include "emorph/measure/surface_area.hpp"
#include "rank_sums.hpp"

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
  restrict_to_own_slices(p, stream.distributed, info.shape.nz);
  if (stream.progress) p.progress_label = what + " " + file_name(address) + " by slabs of " + std::to_string(p.slab_slices);
  if (report) report->slab_slices = p.slab_slices, report->halo = halo;
  return SlabStream(std::move(reader), p);
}

Spacing spacing_of(const SlabStream& s, const ReadOptions& o) { return o.voxel ? *o.voxel : s.info().spacing; }

}  // namespace

SliceLabelCounts streamed_slice_counts(const std::string& address, const ReadOptions& read_options, int axis,
                                       const StreamParams& stream, StreamReport* report, const std::string& what,
                                       double* slice_um) {
  require(axis >= 0 && axis <= 2, "--axis must be 0, 1 or 2 (got " + std::to_string(axis) + ")");
  SlabStream s = open_label_stream(address, stream, 0, what, report);
  const Spacing spacing = spacing_of(s, read_options);
  SliceLabelCounts counts;
  while (s.next()) accumulate_slice_label_counts(counts, s.label_view(spacing), s.core_begin(), s.info().shape, {axis});
  if (stream.distributed) sum_over_ranks(counts, s.info().shape, axis);
  if (report) report->slabs = s.slabs_read();
  *slice_um = spacing[axis];
  return counts;
}

SliceLabelCounts streamed_slice_label_counts(const std::string& address, const ReadOptions& read_options, int axis,
                                             const StreamParams& stream, StreamReport* report) {
  double slice_um = 0;
  return streamed_slice_counts(address, read_options, axis, stream, report, "label counts", &slice_um);
}

bool grey_profile_streams(DType d) { return d == DType::u8 || d == DType::i8 || d == DType::u16 || d == DType::i16; }

GreyProfile streamed_grey_profile(const std::string& labels_address, const std::string& grey_address,
                                  const ReadOptions& read_options, const GreyProfileParams& params,
                                  const StreamParams& stream, StreamReport* report) {
  auto label_reader = open_slab_reader(labels_address);
  auto grey_reader = open_slab_reader(grey_address);
  const VolumeInfo info = label_reader->info(), grey_info = grey_reader->info();
  require(grey_profile_streams(grey_info.dtype),
          grey_address + ": a " + dtype_name(grey_info.dtype) + " grey profile is not streamed (8- and 16-bit integers are)");
  require(grey_info.shape == info.shape,
          "grey volume shape " + grey_info.shape.str() + " differs from the label volume's " + info.shape.str());
  // Both files walk the same slabs: the budget covers a slice of each (and the uint8 copy of wider labels).
  const uint64_t plane = static_cast<uint64_t>(info.shape.ny * info.shape.nx);
  const uint64_t per_slice = label_reader->slice_bytes() + grey_reader->slice_bytes() + (info.dtype == DType::u8 ? 0 : plane);
  SlabStreamParams lp;
  lp.slab_slices = slab_slices_for_budget(stream.budget_bytes, per_slice, 0, info.shape.nz);
  lp.labels = true;
  lp.source = labels_address;
  restrict_to_own_slices(lp, stream.distributed, info.shape.nz);
  if (stream.progress)
    lp.progress_label = "grey profile " + file_name(grey_address) + " by slabs of " + std::to_string(lp.slab_slices);
  SlabStreamParams gp;
  gp.slab_slices = lp.slab_slices;
  restrict_to_own_slices(gp, stream.distributed, info.shape.nz);
  if (report) report->slab_slices = lp.slab_slices, report->halo = 0;
  SlabStream labels(std::move(label_reader), lp), grey(std::move(grey_reader), gp);
  const Spacing spacing = read_options.voxel ? *read_options.voxel : info.spacing;
  GreyProfileSums sums;
  return visit_dtype(grey_info.dtype, [&](auto t) -> GreyProfile {
    using T = decltype(t);
    if constexpr (std::is_integral_v<T> && sizeof(T) <= 2) {
      while (labels.next() && grey.next())
        accumulate_grey_profile<T>(sums, grey.view<T>(spacing), labels.label_view(spacing), labels.core_begin(), info.shape,
                                   params);
      if (stream.distributed) sum_over_ranks(sums, info.shape, params.axis);
      if (report) report->slabs = labels.slabs_read();
      return grey_profile(sums, spacing[params.axis]);
    } else {
      throw InternalError("grey profile: unhandled dtype");
    }
  });
}

StreamedSurfaceAreas streamed_surface_areas(const std::string& address, const ReadOptions& read_options,
                                            const SurfaceReportParams& params, const StreamParams& stream,
                                            StreamReport* report) {
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
  if (stream.distributed) sum_over_ranks(tally);
  if (report) report->slabs = s.slabs_read();
  return {surface_areas(tally, spacing), spacing};
}

}  // namespace emorph
