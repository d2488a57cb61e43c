// Per-slab binary masks for the streamed EDT, labelling and connectivity; progress by slab.
#include "slab_masks.hpp"

#include <algorithm>
#include <cstdio>

#include "emorph/io.hpp"
#include "emorph/io/scratch_store.hpp"


namespace emorph {

SlabStream open_mask_stream(const std::string& address, int64_t slab_slices, const std::optional<uint8_t>& phase,
                            const std::string& progress_label) {
  SlabStreamParams p;
  p.slab_slices = slab_slices;
  p.labels = phase.has_value();
  p.source = address;
  p.progress_label = progress_label;
  return SlabStream(open_slab_reader(address), p);
}

void slab_mask(const SlabStream& s, const std::optional<uint8_t>& phase, std::vector<uint8_t>& mask) {
  const std::size_t n = static_cast<std::size_t>((s.end_slice() - s.first_slice()) * s.info().shape.ny * s.info().shape.nx);
  mask.resize(n);
  if (phase) {
    const uint8_t* l = s.label_view({}).data();
    for (std::size_t i = 0; i < n; ++i) mask[i] = l[i] == *phase;
    return;
  }
  visit_dtype(s.info().dtype, [&](auto t) {
    using T = decltype(t);
    const T* v = static_cast<const T*>(s.data());
    for (std::size_t i = 0; i < n; ++i) mask[i] = v[i] != T(0);  // NaN != 0: foreground, as nonzero_mask
  });
}

std::unique_ptr<Progress> slab_progress(bool enabled, const std::string& label, int64_t slab, int64_t extent) {
  if (!enabled) return nullptr;
  return std::make_unique<Progress>(label + " by slabs of " + std::to_string(slab), (extent + slab - 1) / slab);
}

void write_store_by_slabs(const ScratchStore& store, const std::string& output, const Shape& shape, const Spacing& spacing,
                          int64_t slab_z, const std::function<void(float*, int64_t)>& each, bool progress_on,
                          const std::string& label, StreamReport* report) {
  const int64_t plane = shape.ny * shape.nx;
  auto writer = open_slab_writer(output, VolumeHeader{shape, DType::f32, spacing});
  std::vector<float> values(static_cast<std::size_t>(slab_z * plane));
  const auto progress = slab_progress(progress_on, label, slab_z, shape.nz);
  for (int64_t z0 = 0; z0 < shape.nz; z0 += slab_z) {
    const int64_t z1 = std::min(shape.nz, z0 + slab_z);
    store.read(z0, z1, 0, shape.ny, values.data());
    each(values.data(), (z1 - z0) * plane);
    writer->write(values.data(), z1 - z0);
    if (progress) progress->advance();
    if (report) ++report->slabs;
  }
  writer->commit();
}

std::string mib_text(double bytes) {
  char text[48];
  std::snprintf(text, sizeof text, "%.1f MiB", bytes / (1024.0 * 1024.0));
  return text;
}

uint64_t mask_stream_bytes_per_voxel(DType dtype, bool phase) {
  return dtype_size(dtype) + (phase && dtype != DType::u8 ? 1 : 0) + 1;
}

}  // namespace emorph
