#include "emorph/volume.hpp"

#include <limits>

namespace emorph {

std::string Shape::str() const {
  return std::to_string(nz) + " x " + std::to_string(ny) + " x " + std::to_string(nx);
}

int64_t checked_voxel_count(const Shape& s, std::size_t bytes_per_voxel, const std::string& what) {
  if (s.nz <= 0 || s.ny <= 0 || s.nx <= 0)
    throw InputError(what + ": every dimension must be positive, got " + s.str());
  const int64_t limit = std::numeric_limits<int64_t>::max() / static_cast<int64_t>(bytes_per_voxel);
  if (s.ny > limit / s.nx || s.nz > limit / (s.ny * s.nx))
    throw InputError(what + ": " + s.str() + " voxels overflows a 64-bit byte size");
  return s.voxels();
}

void check_box_inside(const Box& b, const Shape& s, const std::string& what) {
  auto bad = [](int64_t lo, int64_t hi, int64_t n) { return lo < 0 || hi > n || lo >= hi; };
  if (bad(b.z0, b.z1, s.nz) || bad(b.y0, b.y1, s.ny) || bad(b.x0, b.x1, s.nx))
    throw InputError(what + " " + std::to_string(b.z0) + ":" + std::to_string(b.z1) + "," + std::to_string(b.y0) +
                     ":" + std::to_string(b.y1) + "," + std::to_string(b.x0) + ":" + std::to_string(b.x1) +
                     " is empty or outside the volume of shape " + s.str());
}

}  // namespace emorph
