// Block downsampling (binning): mean of each factor^3 block for grey values, mode (majority vote)
// for labels, as done when binning 0.16 um XCT voxels to 0.32 um (Etiemble et al. 2017).
#include "emorph/filter/rescale.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "emorph/dtype_list.hpp"
#include "emorph/error.hpp"

namespace emorph {

std::string rescale_mode_name(RescaleMode m) {
  switch (m) {
    case RescaleMode::automatic: return "auto";
    case RescaleMode::mean: return "mean";
    case RescaleMode::majority: return "majority";
  }
  return "auto";
}

RescaleMode parse_rescale_mode(const std::string& text, const std::string& option) {
  if (text == "auto") return RescaleMode::automatic;
  if (text == "mean") return RescaleMode::mean;
  if (text == "majority") return RescaleMode::majority;
  throw InputError(option + ": expected auto, mean or majority, got '" + text + "'");
}

namespace {

// Counts the distinct values of a uint8 volume seen so far, slab by slab: label volumes have few.
class DistinctBytes {
 public:
  // False as soon as more than 16 distinct values have been seen (then the volume is grey).
  bool add(VolumeView<const uint8_t> in) {
    for (int64_t z = 0; z < in.nz(); ++z)
      for (int64_t y = 0; y < in.ny(); ++y) {
        const uint8_t* r = in.row(z, y);
        for (int64_t x = 0; x < in.nx(); ++x) {
          const uint8_t v = r[x * in.strides().sx];
          if (!seen_[v]) {
            seen_[v] = true;
            if (++distinct_ > 16) return false;
          }
        }
      }
    return true;
  }

 private:
  bool seen_[256] = {};
  int distinct_ = 0;
};

template <class T>
bool looks_like_labels(VolumeView<const T> in) {
  if constexpr (std::is_same_v<T, uint32_t>) {
    return true;
  } else if constexpr (std::is_same_v<T, uint8_t>) {
    return DistinctBytes().add(in);
  } else {
    return false;
  }
}

template <class T>
T block_mean(VolumeView<const T> in, int64_t z0, int64_t y0, int64_t x0, int f) {
  double sum = 0;
  for (int dz = 0; dz < f; ++dz)
    for (int dy = 0; dy < f; ++dy) {
      const T* r = in.row(z0 + dz, y0 + dy);
      for (int dx = 0; dx < f; ++dx) sum += static_cast<double>(r[(x0 + dx) * in.strides().sx]);
    }
  const double mean = sum / (static_cast<double>(f) * f * f);
  if constexpr (std::is_floating_point_v<T>)
    return static_cast<T>(mean);
  else
    return static_cast<T>(std::round(mean));  // within the dtype's range: a mean of in-range values
}

template <class T>
T block_majority(VolumeView<const T> in, int64_t z0, int64_t y0, int64_t x0, int f, std::vector<T>& scratch) {
  scratch.clear();
  for (int dz = 0; dz < f; ++dz)
    for (int dy = 0; dy < f; ++dy) {
      const T* r = in.row(z0 + dz, y0 + dy);
      for (int dx = 0; dx < f; ++dx) scratch.push_back(r[(x0 + dx) * in.strides().sx]);
    }
  std::sort(scratch.begin(), scratch.end());
  // Runs of equal values in sorted order: the first longest run is the smallest most frequent value.
  T best = scratch[0];
  std::size_t best_count = 0;
  for (std::size_t i = 0; i < scratch.size();) {
    std::size_t j = i;
    while (j < scratch.size() && scratch[j] == scratch[i]) ++j;
    if (j - i > best_count) {
      best_count = j - i;
      best = scratch[i];
    }
    i = j;
  }
  return best;
}

// Output slices [0, out.nz) from input slices [0, out.nz * f) of `in` (x, y remainders ignored).
template <class T>
void rescale_blocks(VolumeView<const T> in, T* out, const Shape& out_shape, int f, bool majority) {
#pragma omp parallel
  {
    std::vector<T> scratch;
    scratch.reserve(static_cast<std::size_t>(f) * f * f);
#pragma omp for schedule(static)
    for (int64_t z = 0; z < out_shape.nz; ++z)
      for (int64_t y = 0; y < out_shape.ny; ++y) {
        T* row = out + (z * out_shape.ny + y) * out_shape.nx;
        for (int64_t x = 0; x < out_shape.nx; ++x)
          row[x] = majority ? block_majority(in, z * f, y * f, x * f, f, scratch) : block_mean(in, z * f, y * f, x * f, f);
      }
  }
}

}  // namespace

RescaleGeometry rescale_geometry(const Shape& s, const Spacing& sp, const RescaleParams& p) {
  const int64_t smallest = std::min({s.nz, s.ny, s.nx});
  if (p.factor < 1) throw InputError("--factor: must be a positive integer, got " + std::to_string(p.factor));
  if (p.factor > smallest)
    throw InputError("--factor " + std::to_string(p.factor) + ": larger than the smallest dimension of the " + s.str() +
                     " volume");
  const int f = p.factor;
  const Shape rem{s.nz % f, s.ny % f, s.nx % f};
  if (!p.drop_remainder && (rem.nz || rem.ny || rem.nx))
    throw InputError("--factor " + std::to_string(f) + ": shape " + s.str() + " is not divisible by " +
                     std::to_string(f) + " (remainder " + rem.str() +
                     " voxels at the end of each axis); crop first, or pass --drop-remainder to leave them out");
  return {Shape{s.nz / f, s.ny / f, s.nx / f}, Spacing{sp.dz * f, sp.dy * f, sp.dx * f}, rem};
}

template <class T>
RescaleResult<T> rescale(VolumeView<const T> in, const RescaleParams& p) {
  const RescaleGeometry g = rescale_geometry(in.shape(), in.spacing(), p);
  RescaleResult<T> r;
  r.mode_used = p.mode;
  if (p.mode == RescaleMode::automatic) r.mode_used = looks_like_labels(in) ? RescaleMode::majority : RescaleMode::mean;
  r.dropped = g.dropped;
  r.volume = Volume<T>(g.shape, g.spacing, in.thickness_axis());
  rescale_blocks(in, r.volume.data(), g.shape, p.factor, r.mode_used == RescaleMode::majority);
  return r;
}

template <class T>
RescaleMode resolve_rescale_mode(RescaleMode requested, const Shape& in, const RescaleSource<T>& source,
                                 std::size_t slab_bytes) {
  if (requested != RescaleMode::automatic) return requested;
  if constexpr (std::is_same_v<T, uint32_t>) {
    return RescaleMode::majority;
  } else if constexpr (std::is_same_v<T, uint8_t>) {
    const int64_t plane = in.ny * in.nx;
    const int64_t step = std::clamp<int64_t>(static_cast<int64_t>(slab_bytes) / plane, 1, in.nz);
    std::vector<uint8_t> slab(static_cast<std::size_t>(step * plane));
    DistinctBytes distinct;
    for (int64_t z = 0; z < in.nz; z += step) {
      const int64_t e = std::min(in.nz, z + step);
      source(z, e, slab.data());
      if (!distinct.add(VolumeView<const uint8_t>(slab.data(), Shape{e - z, in.ny, in.nx}))) return RescaleMode::mean;
    }
    return RescaleMode::majority;
  } else {
    return RescaleMode::mean;
  }
}

template <class T>
void rescale_stream(const Shape& in, const RescaleParams& p, RescaleMode mode, const RescaleSource<T>& source,
                    const RescaleSink<T>& sink, std::size_t slab_bytes) {
  const RescaleGeometry g = rescale_geometry(in, {}, p);
  if (mode == RescaleMode::automatic) throw InternalError("rescale_stream: resolve the mode first");
  const int f = p.factor;
  const int64_t block_bytes = f * in.ny * in.nx * static_cast<int64_t>(sizeof(T));  // one output slice's input
  const int64_t blocks = std::clamp<int64_t>(static_cast<int64_t>(slab_bytes) / block_bytes, 1, g.shape.nz);
  std::vector<T> input(static_cast<std::size_t>(blocks * f * in.ny * in.nx));
  std::vector<T> output(static_cast<std::size_t>(blocks * g.shape.ny * g.shape.nx));
  for (int64_t oz = 0; oz < g.shape.nz; oz += blocks) {
    const int64_t n = std::min(g.shape.nz, oz + blocks) - oz;
    source(oz * f, (oz + n) * f, input.data());
    rescale_blocks(VolumeView<const T>(input.data(), Shape{n * f, in.ny, in.nx}), output.data(),
                   Shape{n, g.shape.ny, g.shape.nx}, f, mode == RescaleMode::majority);
    sink(output.data(), n);
  }
}

#define EMORPH_INSTANTIATE_RESCALE(T)                                                                              \
  template RescaleResult<T> rescale<T>(VolumeView<const T>, const RescaleParams&);                                  \
  template RescaleMode resolve_rescale_mode<T>(RescaleMode, const Shape&, const RescaleSource<T>&, std::size_t);    \
  template void rescale_stream<T>(const Shape&, const RescaleParams&, RescaleMode, const RescaleSource<T>&,         \
                                  const RescaleSink<T>&, std::size_t);
EMORPH_FOR_EACH_DTYPE(EMORPH_INSTANTIATE_RESCALE)
#undef EMORPH_INSTANTIATE_RESCALE

}  // namespace emorph
