// Streamed grey histogram: per-value counts accumulated over slabs (accumulate_value_counts).
#include "emorph/stream/streamed_histogram.hpp"

#include <filesystem>
#include <type_traits>

#include "emorph/io/slab_stream.hpp"
#include "rank_sums.hpp"

namespace emorph {

bool histogram_streams(DType dtype) {
  return dtype == DType::u8 || dtype == DType::i8 || dtype == DType::u16 || dtype == DType::i16;
}

Histogram streamed_histogram(const std::string& address, const HistogramParams& params, const StreamParams& stream,
                             StreamReport* report) {
  auto reader = open_slab_reader(address);
  const VolumeInfo info = reader->info();
  require(histogram_streams(info.dtype),
          address + ": a " + dtype_name(info.dtype) + " histogram is not streamed yet (8- and 16-bit integers are)");
  SlabStreamParams p;
  p.slab_slices = slab_slices_for_budget(stream.budget_bytes, reader->slice_bytes(), 0, info.shape.nz);
  restrict_to_own_slices(p, stream.distributed, info.shape.nz);
  if (stream.progress)
    p.progress_label = "histogram " + std::filesystem::path(file_part(address)).filename().string() + " by slabs of " +
                       std::to_string(p.slab_slices);
  if (report) report->slab_slices = p.slab_slices, report->halo = 0;
  SlabStream s(std::move(reader), p);
  std::vector<int64_t> counts;
  return visit_dtype(info.dtype, [&](auto t) -> Histogram {
    using T = decltype(t);
    if constexpr (std::is_integral_v<T> && sizeof(T) <= 2) {
      while (s.next()) accumulate_value_counts<T>(counts, s.view<T>({}));
      if (stream.distributed) sum_over_ranks(counts, std::size_t{1} << (8 * sizeof(T)));
      if (report) report->slabs = s.slabs_read();
      return histogram_from_value_counts<T>(counts, params);
    } else {
      throw InternalError("histogram: unhandled dtype");
    }
  });
}

}  // namespace emorph
