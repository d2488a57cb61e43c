#pragma once
// Rasterising spheres plane by plane: a per-plane index of the spheres that cut each z plane, and the
// x-runs of voxel centres inside a sphere on a row (voxel (z,y,x) has its centre at ((z+.5)dz, ...)).
#include <cmath>
#include <cstdint>
#include <vector>

#include "emorph/volume.hpp"

namespace emorph::synth {

struct RasterSphere {
  double z = 0, y = 0, x = 0, r = 0;  // um, box coordinates
  int32_t owner = 0;                  // index of the particle this sphere (or periodic image) belongs to
};

// Adds the periodic images (shifts of period_y / period_x, 0 = not periodic) that touch the box.
void add_with_images(std::vector<RasterSphere>& out, RasterSphere s, const Shape& shape, const Spacing& sp,
                     double period_y, double period_x);

class PlaneIndex {
 public:
  PlaneIndex(const std::vector<RasterSphere>& spheres, const Shape& shape, const Spacing& sp);
  // Indices (into the spheres vector) of the spheres that may contain voxel centres of plane z.
  const int32_t* begin(int64_t z) const { return items_.data() + start_[z]; }
  const int32_t* end(int64_t z) const { return items_.data() + start_[z + 1]; }

 private:
  std::vector<int64_t> start_;
  std::vector<int32_t> items_;
};

// Calls fn(y, x0, x1) for each row of plane z with voxel centres [x0, x1] inside the sphere.
template <class Fn>
void for_each_run(const RasterSphere& s, int64_t z, const Shape& shape, const Spacing& sp, Fn&& fn) {
  const double dzc = (z + 0.5) * sp.dz - s.z;
  const double rr = s.r * s.r - dzc * dzc;
  if (rr < 0) return;
  const double ry = std::sqrt(rr);
  const int64_t y0 = std::max<int64_t>(0, static_cast<int64_t>(std::ceil((s.y - ry) / sp.dy - 0.5)));
  const int64_t y1 = std::min<int64_t>(shape.ny - 1, static_cast<int64_t>(std::floor((s.y + ry) / sp.dy - 0.5)));
  for (int64_t y = y0; y <= y1; ++y) {
    const double dyc = (y + 0.5) * sp.dy - s.y;
    const double rx2 = rr - dyc * dyc;
    if (rx2 < 0) continue;
    const double rx = std::sqrt(rx2);
    const int64_t x0 = std::max<int64_t>(0, static_cast<int64_t>(std::ceil((s.x - rx) / sp.dx - 0.5)));
    const int64_t x1 = std::min<int64_t>(shape.nx - 1, static_cast<int64_t>(std::floor((s.x + rx) / sp.dx - 0.5)));
    if (x0 <= x1) fn(y, x0, x1);
  }
}

}  // namespace emorph::synth
