// Streamed denoising: slab + halo in, filter (median_filter / gaussian_filter / bilateral_filter on the
// slab), core slices out through a slab writer. Under MPI ranks each rank filters its own z slices (the
// halo slices read from the file, beyond its share) and rank 0 writes them in z order.
#include "emorph/stream/streamed_denoise.hpp"

#include <cmath>
#include <cstring>
#include <filesystem>
#include <type_traits>

#include "emorph/io/slab_stream.hpp"
#include "emorph/mpi/exchange.hpp"
#include "emorph/parallel.hpp"
#include "rank_sums.hpp"

namespace emorph {

int64_t denoise_halo_slices(const DenoiseSpec& spec, const Spacing& spacing) {
  if (spec.filter == "median") return spec.median.radius;
  if (spec.filter == "bilateral") return static_cast<int64_t>(std::ceil(2.0 * spec.bilateral.sigma_spatial));
  if (spec.filter == "gaussian") {
    const GaussianParams& g = spec.gaussian;
    const double sigma_z = g.sigma_voxels ? (*g.sigma_voxels)[0] : (g.sigma_in_um ? g.sigma / spacing.dz : g.sigma);
    if (!(sigma_z > 0)) return 0;
    return static_cast<int64_t>(gaussian_kernel(sigma_z, g.truncate).size() / 2);
  }
  throw InputError("unknown filter '" + spec.filter + "'");
}

DType streamed_denoise(const std::string& input, const std::string& output, const DenoiseSpec& spec,
                       const ReadOptions& read_options, const StreamParams& stream, StreamReport* report) {
  auto reader = open_slab_reader(input);
  const VolumeInfo info = reader->info();
  const Spacing spacing = read_options.voxel ? *read_options.voxel : info.spacing;
  const int64_t halo = denoise_halo_slices(spec, spacing);
  const DType out_dtype = spec.filter == "median" ? info.dtype : DType::f32;
  const uint64_t plane = static_cast<uint64_t>(info.shape.ny * info.shape.nx);
  // Per slice: the input and the filter's output (halo slices included).
  const uint64_t per_slice = reader->slice_bytes() + plane * dtype_size(out_dtype);
  SlabStreamParams p;
  p.slab_slices = slab_slices_for_budget(stream.budget_bytes, per_slice, halo, info.shape.nz);
  p.halo = halo;
  restrict_to_own_slices(p, stream.distributed, info.shape.nz);
  if (stream.progress)
    p.progress_label = "denoise " + std::filesystem::path(file_part(input)).filename().string() + " by slabs of " +
                       std::to_string(p.slab_slices);
  if (report) report->slab_slices = p.slab_slices, report->halo = halo;
  SlabStream s(std::move(reader), p);
  const uint64_t out_slice_bytes = plane * dtype_size(out_dtype);
  std::unique_ptr<SlabWriter> writer;
  if (!stream.distributed || is_root_rank()) writer = open_slab_writer(output, VolumeHeader{info.shape, out_dtype, spacing});
  std::vector<unsigned char> own_output;  // distributed: this rank's filtered core slices, for rank 0
  auto emit = [&](const void* slices, int64_t count) {
    if (!stream.distributed) return writer->write(slices, count);
    const std::size_t at = own_output.size(), bytes = static_cast<std::size_t>(count) * out_slice_bytes;
    own_output.resize(at + bytes);
    std::memcpy(own_output.data() + at, slices, bytes);
  };
  visit_dtype(info.dtype, [&](auto t) {
    using T = decltype(t);
    while (s.next()) {
      const VolumeView<const T> slab = s.view<T>(spacing);
      if constexpr (std::is_same_v<T, float>)
        if (!read_options.allow_nonfinite)
          require_finite_voxels(slab.data(), static_cast<std::size_t>(slab.size()), input, s.first_slice(), info.shape);
      const int64_t skip = s.core_begin() - s.first_slice(), count = s.core_end() - s.core_begin();
      auto write_core = [&](const auto& filtered) { emit(filtered.data() + skip * static_cast<int64_t>(plane), count); };
      if (spec.filter == "median") write_core(median_filter<T>(slab, spec.median));
      else if (spec.filter == "gaussian") write_core(gaussian_filter<T>(slab, spec.gaussian));
      else if (spec.filter == "bilateral")
        emit(bilateral_filter_slices<T>(slab, spec.bilateral, skip, skip + count).data(), count);
      else throw InputError("unknown filter '" + spec.filter + "'");
    }
  });
  if (stream.distributed)
    world_collect_on_root(own_output.data(), own_output.size(), out_slice_bytes, [&](const void* bytes, uint64_t size) {
      writer->write(bytes, static_cast<int64_t>(size / out_slice_bytes));
    });
  if (writer) writer->commit();
  if (report) report->slabs = s.slabs_read();
  return out_dtype;
}

}  // namespace emorph
