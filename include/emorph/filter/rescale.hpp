#pragma once
// Downsampling by an integer factor per block of factor^3 voxels: block mean for grey volumes,
// majority vote for label volumes (the paper bins 0.16 um voxels to 0.32 um).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "emorph/volume.hpp"

namespace emorph {

enum class RescaleMode {
  automatic,  // majority for label volumes (uint32, or uint8 with <= 16 distinct values), mean otherwise
  mean,       // block mean, rounded to nearest for integer dtypes (halves away from zero)
  majority,   // most frequent value in the block; ties go to the smallest value
};
std::string rescale_mode_name(RescaleMode m);
RescaleMode parse_rescale_mode(const std::string& text, const std::string& option = "--mode");

struct RescaleParams {
  int factor = 2;                       // block edge in voxels, >= 1, at most the smallest dimension
  RescaleMode mode = RescaleMode::automatic;
  bool drop_remainder = false;          // false: a shape not divisible by factor is an error
};

template <class T>
struct RescaleResult {
  Volume<T> volume;     // shape floor(n / factor) per axis, spacing multiplied by factor
  RescaleMode mode_used = RescaleMode::mean;
  Shape dropped;        // trailing voxels per axis left out (non-zero only with drop_remainder)
};

// Throws InputError naming --factor when the factor is invalid or does not divide the shape (unless
// drop_remainder: the trailing shape % factor voxels of each axis are then left out).
template <class T>
RescaleResult<T> rescale(VolumeView<const T> in, const RescaleParams& params);
template <class T>
RescaleResult<T> rescale(const Volume<T>& in, const RescaleParams& params) {
  return rescale<T>(in.view(), params);
}

// Streaming form, for volumes larger than memory: the same result as rescale(), slab by slab.
struct RescaleGeometry {
  Shape shape;      // output shape
  Spacing spacing;  // output voxel size
  Shape dropped;    // trailing input voxels per axis left out
};
// Validates the parameters against the input shape (same errors as rescale()).
RescaleGeometry rescale_geometry(const Shape& in, const Spacing& spacing, const RescaleParams& params);

// Fills dst with the contiguous input slices [z0, z1) (x fastest); called with increasing z0.
template <class T>
using RescaleSource = std::function<void(int64_t z0, int64_t z1, T* dst)>;
// Receives `count` contiguous output slices, in order.
template <class T>
using RescaleSink = std::function<void(const T* slices, int64_t count)>;

// The mode rescale() would use: `requested` unless automatic; for automatic uint8 volumes it reads
// the whole input once through `source` (stopping early once it is clearly grey).
template <class T>
RescaleMode resolve_rescale_mode(RescaleMode requested, const Shape& in, const RescaleSource<T>& source,
                                 std::size_t slab_bytes = std::size_t(64) << 20);
// Reads the input through `source` in slabs of whole blocks of about slab_bytes and sends the output
// slices to `sink`; `mode` is mean or majority (see resolve_rescale_mode). Peak memory: one input
// slab plus its output slices.
template <class T>
void rescale_stream(const Shape& in, const RescaleParams& params, RescaleMode mode, const RescaleSource<T>& source,
                    const RescaleSink<T>& sink, std::size_t slab_bytes = std::size_t(64) << 20);

}  // namespace emorph
