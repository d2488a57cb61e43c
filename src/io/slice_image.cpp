// Plane extraction by streaming z-slabs, and a percentile contrast stretch (ImageJ's "auto" style
// saturation of 0.5% at each end by default).
#include "emorph/io/slice_image.hpp"

#include <algorithm>
#include <cmath>

#include "emorph/error.hpp"
#include "emorph/io/stream.hpp"

namespace emorph {
namespace {

template <class T>
void copy_plane(const T* slab, int64_t z0, int64_t nzs, const Shape& s, int axis, int64_t index, SlicePlane& p) {
  for (int64_t k = 0; k < nzs; ++k) {
    const T* slice = slab + k * s.ny * s.nx;
    const int64_t z = z0 + k;
    if (axis == 0) {
      for (int64_t i = 0; i < s.ny * s.nx; ++i) p.values[i] = static_cast<float>(slice[i]);
    } else if (axis == 1) {
      for (int64_t x = 0; x < s.nx; ++x) p.values[z * s.nx + x] = static_cast<float>(slice[index * s.nx + x]);
    } else {
      for (int64_t y = 0; y < s.ny; ++y) p.values[z * s.ny + y] = static_cast<float>(slice[y * s.nx + index]);
    }
  }
}

}  // namespace

SlicePlane extract_plane(const std::string& address, int axis, int64_t index) {
  if (axis < 0 || axis > 2) throw InputError("--axis: must be 0, 1 or 2, got " + std::to_string(axis));
  auto reader = open_slab_reader(address);
  const Shape s = reader->info().shape;
  if (index < 0 || index >= s[axis])
    throw InputError("--index " + std::to_string(index) + ": outside 0.." + std::to_string(s[axis] - 1) + " along axis " +
                     std::to_string(axis) + " of " + address + " (shape " + s.str() + ")");
  SlicePlane p;
  p.width = axis == 2 ? s.ny : s.nx;
  p.height = axis == 0 ? s.ny : s.nz;
  p.values.resize(static_cast<std::size_t>(p.width * p.height));
  const std::size_t sb = reader->slice_bytes();
  int64_t z_begin = 0, z_end = s.nz;
  if (axis == 0) z_begin = index, z_end = index + 1;
  const int64_t step = std::max<int64_t>(1, static_cast<int64_t>((std::size_t(64) << 20) / sb));
  std::vector<unsigned char> buf(static_cast<std::size_t>(std::min(step, z_end - z_begin)) * sb);
  for (int64_t z = z_begin; z < z_end; z += step) {
    const int64_t e = std::min(z_end, z + step);
    reader->read(z, e, buf.data());
    visit_dtype(reader->info().dtype, [&](auto t) {
      using T = decltype(t);
      // For axis 0 the plane's rows start at z = 0 of the copy.
      copy_plane(reinterpret_cast<const T*>(buf.data()), axis == 0 ? 0 : z, e - z, s, axis, index, p);
    });
  }
  return p;
}

StretchedImage contrast_stretch(const std::vector<float>& values, const StretchParams& params) {
  if (!(params.low_percentile >= 0 && params.low_percentile < params.high_percentile && params.high_percentile <= 100))
    throw InputError("percentiles: need 0 <= low < high <= 100");
  std::vector<float> sorted;
  sorted.reserve(values.size());
  for (float v : values)
    if (!std::isnan(v)) sorted.push_back(v);
  StretchedImage out;
  out.pixels.assign(values.size(), 0);
  if (sorted.empty()) return out;
  auto at = [&](double pct) {
    const std::size_t k = static_cast<std::size_t>(std::llround(pct / 100.0 * static_cast<double>(sorted.size() - 1)));
    std::nth_element(sorted.begin(), sorted.begin() + k, sorted.end());
    return static_cast<double>(sorted[k]);
  };
  out.low = at(params.low_percentile);
  out.high = at(params.high_percentile);
  const double span = out.high > out.low ? out.high - out.low : 1.0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (std::isnan(values[i])) continue;
    const double t = (static_cast<double>(values[i]) - out.low) / span * 255.0;
    out.pixels[i] = static_cast<uint8_t>(std::clamp(std::round(t), 0.0, 255.0));
  }
  return out;
}

}  // namespace emorph
