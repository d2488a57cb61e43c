// Slab walk with halos over a SlabReader: one buffer, overlapping halo slices moved to its front.
#include "emorph/io/slab_stream.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <type_traits>
#include <utility>

#include "emorph/error.hpp"

namespace emorph {

int64_t slab_slices_for_budget(uint64_t budget_bytes, uint64_t bytes_per_slice, int64_t halo, int64_t nz) {
  require(bytes_per_slice > 0 && nz > 0, "slab planning: empty volume");
  const int64_t fit = static_cast<int64_t>(budget_bytes / bytes_per_slice) - 2 * halo;
  return std::clamp<int64_t>(fit, 1, nz);
}

SlabStream::SlabStream(std::unique_ptr<SlabReader> reader, const SlabStreamParams& params)
    : reader_(std::move(reader)), params_(params) {
  require(params_.slab_slices >= 1, "slab stream: at least one slice per slab");
  require(params_.halo >= 0, "slab stream: negative halo");
  const int64_t nz = info().shape.nz;
  if (params_.z_end < 0) params_.z_end = nz;
  require(params_.z_begin >= 0 && params_.z_begin <= params_.z_end && params_.z_end <= nz,
          "slab stream: slices " + std::to_string(params_.z_begin) + ".." + std::to_string(params_.z_end) +
              " outside the volume");
  const int64_t capacity = std::min(nz, params_.slab_slices + 2 * params_.halo);
  buffer_.resize(static_cast<std::size_t>(capacity) * reader_->slice_bytes());
  if (params_.labels && info().dtype != DType::u8) labels_.resize(static_cast<std::size_t>(capacity * info().shape.ny * info().shape.nx));
  if (!params_.progress_label.empty())
    progress_ = std::make_unique<Progress>(params_.progress_label, params_.z_end - params_.z_begin);
}

bool SlabStream::next() {
  const int64_t nz = info().shape.nz;
  const int64_t begin = started_ ? core_end_ : params_.z_begin;
  if (begin >= params_.z_end) return false;
  const int64_t end = std::min(params_.z_end, begin + params_.slab_slices);
  const int64_t first = std::max<int64_t>(0, begin - params_.halo), last = std::min(nz, end + params_.halo);
  const std::size_t sb = reader_->slice_bytes();
  // Slices [first, end_) are already in the buffer from the previous slab: move them to its front.
  int64_t kept = 0;
  if (started_ && first < end_) {
    kept = end_ - first;
    std::memmove(buffer_.data(), buffer_.data() + static_cast<std::size_t>(first - first_) * sb, static_cast<std::size_t>(kept) * sb);
  }
  if (first + kept < last) reader_->read(first + kept, last, buffer_.data() + static_cast<std::size_t>(kept) * sb);
  started_ = true;
  core_begin_ = begin, core_end_ = end, first_ = first, end_ = last;
  ++slabs_;
  if (params_.labels && info().dtype != DType::u8) {
    const std::size_t n = static_cast<std::size_t>((last - first) * info().shape.ny * info().shape.nx);
    const std::string what = params_.source.empty() ? std::string("label volume") : params_.source;
    visit_dtype(info().dtype, [&](auto t) {
      using T = decltype(t);
      const T* src = reinterpret_cast<const T*>(buffer_.data());
      if constexpr (std::is_floating_point_v<T>) {
        throw InputError(what + ": a label volume must hold integers, got " + dtype_name(dtype_of<T>));
      } else {
        bool fits = true;
        for (std::size_t i = 0; i < n; ++i) fits = fits && std::cmp_greater_equal(src[i], 0) && std::cmp_less_equal(src[i], 255);
        require(fits, what + ": label values must lie in 0..255 (dtype " + dtype_name(dtype_of<T>) + ")");
        for (std::size_t i = 0; i < n; ++i) labels_[i] = static_cast<uint8_t>(src[i]);
      }
    });
  }
  if (progress_) progress_->advance(end - begin);
  return true;
}

VolumeView<const uint8_t> SlabStream::label_view(const Spacing& spacing) const {
  require(params_.labels, "slab stream: label_view without params.labels");
  const uint8_t* p = info().dtype == DType::u8 ? reinterpret_cast<const uint8_t*>(buffer_.data()) : labels_.data();
  return VolumeView<const uint8_t>(p, Shape{end_ - first_, info().shape.ny, info().shape.nx}, spacing);
}

}  // namespace emorph
