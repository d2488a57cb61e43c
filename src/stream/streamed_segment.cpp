// Streamed segmentation: value counts per slab (raw, then median-filtered slabs with a halo of the
// radius; the default's volume restoration: the median repeated, halo the passes' radii), the in-core threshold step on the whole histogram, then a classifying walk (phase_map and
// measure_band per slab) writing the labels through a slab writer.
#include "emorph/stream/streamed_segment.hpp"

#include <filesystem>
#include <limits>
#include <type_traits>

#include "emorph/filter/median.hpp"
#include "emorph/io/slab_stream.hpp"
#include "emorph/segment/noise_estimate.hpp"
#include "emorph/segment/phase_map.hpp"
#include "emorph/stream/streamed_histogram.hpp"

namespace emorph {
namespace {

// Walks `input` in slabs with a halo of `passes` times the median's radius (0 without filter), the
// median applied `passes` times, and calls visit(core view of the last pass (or raw slab), global z of
// its first slice), or visit(core of the pass before the last, core of the last, z).
template <class T, class Visit>
void walk_filtered(const std::string& input, const Spacing& spacing, const std::optional<DenoiseSpec>& filter,
                   int passes, uint64_t extra_per_voxel, const StreamParams& stream, const std::string& what,
                   StreamReport* report, Visit&& visit) {
  auto reader = open_slab_reader(input);
  const Shape shape = reader->info().shape;
  const int64_t halo = filter ? passes * filter->median.radius : 0;
  const uint64_t plane = static_cast<uint64_t>(shape.ny * shape.nx);
  SlabStreamParams p;
  // Per slice: the input slice, its filtered copies (the last two passes) and what the visitor keeps
  // per voxel.
  p.slab_slices = slab_slices_for_budget(stream.budget_bytes,
                                         plane * (sizeof(T) * (filter ? std::min(passes, 2) + 1 : 1) + extra_per_voxel),
                                         halo, shape.nz);
  p.halo = halo;
  p.source = input;
  if (stream.progress)
    p.progress_label = what + " " + std::filesystem::path(file_part(input)).filename().string() + " by slabs of " +
                       std::to_string(p.slab_slices);
  if (report) report->slab_slices = p.slab_slices, report->halo = halo;
  SlabStream s(std::move(reader), p);
  while (s.next()) {
    const VolumeView<const T> slab = s.view<T>(spacing);
    const int64_t skip = s.core_begin() - s.first_slice(), count = s.core_end() - s.core_begin();
    auto core_of = [&](const T* data) {
      return VolumeView<const T>(data + skip * static_cast<int64_t>(plane), Shape{count, shape.ny, shape.nx}, spacing);
    };
    if (filter) {
      Volume<T> previous, filtered = median_filter<T>(slab, filter->median);
      for (int pass = 2; pass <= passes; ++pass) previous = std::move(filtered), filtered = median_filter<T>(previous.view(), filter->median);
      if constexpr (std::is_invocable_v<Visit, VolumeView<const T>, VolumeView<const T>, int64_t>)
        visit(core_of(previous.data()), core_of(filtered.data()), s.core_begin());
      else
        visit(core_of(filtered.data()), s.core_begin());
    } else if constexpr (!std::is_invocable_v<Visit, VolumeView<const T>, VolumeView<const T>, int64_t>) {
      visit(core_of(slab.data()), s.core_begin());
    }
  }
  if (report) report->slabs += s.slabs_read();
}

// Adds a slab's band counts into the whole volume's (z per slice offset by the slab's first slice).
void add_band(SegmentBand& total, const SegmentBand& slab, int64_t z0) {
  for (int k = 0; k < 2; ++k) {
    total.bright_voxels[k] += slab.bright_voxels[k];
    const auto& zs = slab.bright_per_slice[0][k];
    for (std::size_t i = 0; i < zs.size(); ++i) total.bright_per_slice[0][k][static_cast<std::size_t>(z0) + i] += zs[i];
    for (int a = 1; a < 3; ++a)
      for (std::size_t i = 0; i < slab.bright_per_slice[a][k].size(); ++i)
        total.bright_per_slice[a][k][i] += slab.bright_per_slice[a][k][i];
  }
}

}  // namespace

bool segment_streams(DType grey_dtype, const SegmentParams& p) {
  if (!histogram_streams(grey_dtype) || p.method == "fibsem") return false;
  return !p.denoise || p.denoise->filter == "median";
}

SegmentResult streamed_segment(const std::string& input, const std::string& output, const SegmentParams& p,
                               const PhaseTable& table, const ReadOptions& read_options, const StreamParams& stream,
                               StreamReport* report) {
  const VolumeInfo info = read_info(input);
  require(segment_streams(info.dtype, p), input + ": this segmentation is not streamed (8/16-bit grey, no fibsem, median or no pre-filter)");
  const ThresholdMethod method = parse_threshold_method(p.method, "--method");
  const Spacing spacing = read_options.voxel ? *read_options.voxel : info.spacing;
  if (report) report->slabs = 0;
  SegmentResult r;
  std::optional<DenoiseSpec> filter = p.denoise;
  visit_dtype(info.dtype, [&](auto t) {
    using T = decltype(t);
    if constexpr (std::is_integral_v<T> && sizeof(T) <= 2) {
      // Walk 1, the raw grey values: counts for the auto pre-filter's histogram and the input mean.
      // The mixture methods also count neighbour differences for the input's noise (noise_estimate.hpp).
      std::vector<int64_t> raw_counts, difference_counts;
      const bool auto_filter = !filter && p.auto_denoise && method.name != "manual";
      if (auto_filter || method.name == "mixture" || !filter)
        walk_filtered<T>(input, spacing, std::nullopt, 1, 0, stream, "segment (histogram)", report,
                         [&](VolumeView<const T> core, int64_t) {
                           accumulate_value_counts<T>(raw_counts, core);
                           if (method.name == "mixture") accumulate_difference_counts<T>(difference_counts, core);
                         });
      if (auto_filter)
        filter = choose_auto_denoise([&] { return histogram_from_value_counts<T>(raw_counts, p.histogram); }, p,
                                     r.denoise_used);
      else if (filter)
        r.denoise_used = SegmentDenoise{false, filter, std::nullopt, std::nullopt};
      // The mean grey of value counts. Exact: an integer sum below 2^53 is the in-core double sum,
      // whatever the order.
      auto mean_of = [](const std::vector<int64_t>& counts) -> std::optional<double> {
        int64_t n = 0, sum = 0;
        for (std::size_t i = 0; i < counts.size(); ++i) {
          n += counts[i];
          sum += counts[i] * (static_cast<int64_t>(i) + static_cast<int64_t>(std::numeric_limits<T>::min()));
        }
        return n ? std::optional<double>(static_cast<double>(sum) / static_cast<double>(n)) : std::nullopt;
      };
      std::optional<double> input_mean;
      if (method.name == "mixture") input_mean = mean_of(raw_counts);
      // Walk 2 (with a pre-filter): counts of the filtered grey values.
      std::vector<int64_t> counts;
      if (filter)
        walk_filtered<T>(input, spacing, filter, 1, 0, stream, "segment (filtered histogram)", report,
                         [&](VolumeView<const T> core, int64_t) { accumulate_value_counts<T>(counts, core); });
      // mixture:otsu-volume restores the bright volume the pre-filter removed (as segment()).
      const bool restore_volume = filter && method.name == "mixture" && method.rule == "otsu-volume";
      // Its repeat estimate (as segment()): one more walk, the median applied kRepeatPass + 1 times.
      auto repeat_shares = [&](double t) {
        int64_t above[2] = {0, 0};
        walk_filtered<T>(input, spacing, filter, kRepeatPass + 1, 0, stream, "segment (volume restoration)", report,
                         [&](VolumeView<const T> before, VolumeView<const T> after, int64_t) {
                           for (int64_t z = 0; z < before.nz(); ++z)
                             for (int64_t y = 0; y < before.ny(); ++y)
                               for (int64_t x = 0; x < before.nx(); ++x)
                                 above[0] += static_cast<double>(before(z, y, x)) > t,
                                     above[1] += static_cast<double>(after(z, y, x)) > t;
                         });
        const double n = static_cast<double>(info.shape.voxels());
        return std::array<double, 2>{static_cast<double>(above[0]) / n, static_cast<double>(above[1]) / n};
      };
      threshold_segment_classes(histogram_from_value_counts<T>(filter ? counts : raw_counts, p.histogram), p, method,
                                input_mean, restore_volume ? mean_of(counts) : std::nullopt, table, r,
                                restore_volume ? std::function<std::array<double, 2>(double)>(repeat_shares)
                                               : std::function<std::array<double, 2>(double)>(),
                                method.name == "mixture" ? noise_sigma_from_difference_counts(difference_counts)
                                                         : std::nullopt);
      // The deep-voxel fraction (deep_level_fraction.hpp) needs the whole grey in memory (distance
      // transforms, Gaussian fits): the streamed route keeps the volume restoration's fraction and says so.
      if (restore_volume && r.volume_correction && r.threshold.thresholds.size() == 1) {
        int64_t above = 0, total = 0;
        for (std::size_t i = 0; i < counts.size(); ++i) {
          total += counts[i];
          if (static_cast<double>(static_cast<int64_t>(i) + static_cast<int64_t>(std::numeric_limits<T>::min())) >
              r.threshold.thresholds[0])
            above += counts[i];
        }
        r.deep_levels = withheld_deep_level_fraction(
            total ? static_cast<double>(above) / static_cast<double>(total) : 0.0,
            "not computed by the streamed segment (it needs the whole grey volume in memory); the volume "
            "restoration's fraction is kept: run in core (a larger --memory-limit) for the deep-voxel estimate");
      }
      // Walk 3: classify, re-measure the band, write the labels.
      const bool band = segment_has_band(r);
      if (band) {
        r.band.emplace();
        r.band->thresholds = r.threshold.threshold_bands[0];
        const int64_t n[3] = {info.shape.nz, info.shape.ny, info.shape.nx};
        for (int a = 0; a < 3; ++a)
          for (int k = 0; k < 2; ++k) r.band->bright_per_slice[a][k].assign(static_cast<std::size_t>(n[a]), 0);
      }
      r.class_voxels.assign(r.class_labels.size(), 0);
      auto writer = open_slab_writer(output, VolumeHeader{info.shape, DType::u8, spacing});
      walk_filtered<T>(input, spacing, filter, 1, 1, stream, "segment", report, [&](VolumeView<const T> core, int64_t z0) {
        const PhaseMapResult pm = phase_map<T>(core, r.threshold.thresholds, r.class_labels, {}, 0);
        for (std::size_t k = 0; k < pm.class_voxels.size(); ++k) r.class_voxels[k] += pm.class_voxels[k];
        if (band) add_band(*r.band, measure_band<T>(core, r.band->thresholds), z0);
        writer->write(pm.labels.data(), core.nz());
      });
      writer->commit();
    } else {
      throw InternalError("streamed segment: unhandled dtype");
    }
  });
  for (uint8_t l : r.class_labels) r.class_names.push_back(table.name_of(l));
  for (int64_t c : r.class_voxels) r.counted_voxels += c;
  return r;
}

}  // namespace emorph
