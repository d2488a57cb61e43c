// One MPI rank's z slab of a volume file (read_slab), as labels or a mask (the in-core conversions).
#include "own_slab.hpp"

#include "emorph/measure/components.hpp"
#include "emorph/measure/label_volume.hpp"
#include "emorph/parallel.hpp"

namespace emorph {
namespace {

OwnSlab<uint8_t> own_range(const std::string& input, const std::string& command) {
  OwnSlab<uint8_t> own;
  own.info = read_info(input);
  const int64_t nz = own.info.shape.nz;
  require(nz >= world_ranks(), command + ": " + std::to_string(world_ranks()) + " MPI ranks need at least as many z slices, " +
                                   input + " has " + std::to_string(nz) + "; run with fewer ranks");
  const RankSlab slab = own_slices(nz);
  own.z0 = slab.begin, own.z1 = slab.end;
  return own;
}

}  // namespace

OwnSlab<uint8_t> read_own_slab_labels(const std::string& input, const std::string& command) {
  OwnSlab<uint8_t> own = own_range(input, command);
  own.voxels = to_label_volume(read_slab(input, own.z0, own.z1), input);
  return own;
}

OwnSlab<uint8_t> read_own_slab_mask(const std::string& input, const std::optional<uint8_t>& phase, const std::string& command) {
  OwnSlab<uint8_t> own = own_range(input, command);
  own.voxels = read_mask_slices(input, phase, own.z0, own.z1);
  return own;
}

OwnSlab<uint8_t> own_slab_range(const std::string& input, const std::string& command) { return own_range(input, command); }

Volume<uint8_t> read_mask_slices(const std::string& input, const std::optional<uint8_t>& phase, int64_t z0, int64_t z1) {
  if (phase) return label_mask(to_label_volume(read_slab(input, z0, z1), input).view(), *phase);
  return nonzero_mask(read_slab(input, z0, z1));
}

}  // namespace emorph
