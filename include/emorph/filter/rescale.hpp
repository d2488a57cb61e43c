#pragma once
// Downsampling by an integer factor per block of factor^3 voxels: block mean for grey volumes,
// majority vote for label volumes (the paper bins 0.16 um voxels to 0.32 um).
#include <cstdint>
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

}  // namespace emorph
