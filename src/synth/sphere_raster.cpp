// Per-plane sphere index (counting sort of the z ranges) and periodic images for rasterisation.
#include "sphere_raster.hpp"

#include <algorithm>

namespace emorph::synth {

void add_with_images(std::vector<RasterSphere>& out, RasterSphere s, const Shape& shape, const Spacing& sp,
                     double period_y, double period_x) {
  const double ly = shape.ny * sp.dy, lx = shape.nx * sp.dx;
  for (int ky = -1; ky <= 1; ++ky) {
    if (ky != 0 && period_y <= 0) continue;
    const double y = s.y + ky * period_y;
    if (y + s.r < 0 || y - s.r > ly) continue;
    for (int kx = -1; kx <= 1; ++kx) {
      if (kx != 0 && period_x <= 0) continue;
      const double x = s.x + kx * period_x;
      if (x + s.r < 0 || x - s.r > lx) continue;
      RasterSphere image = s;
      image.y = y;
      image.x = x;
      out.push_back(image);
    }
  }
}

PlaneIndex::PlaneIndex(const std::vector<RasterSphere>& spheres, const Shape& shape, const Spacing& sp) {
  const int64_t nz = shape.nz;
  start_.assign(static_cast<std::size_t>(nz + 1), 0);
  auto range = [&](const RasterSphere& s, int64_t& z0, int64_t& z1) {
    z0 = std::max<int64_t>(0, static_cast<int64_t>(std::ceil((s.z - s.r) / sp.dz - 0.5)));
    z1 = std::min<int64_t>(nz - 1, static_cast<int64_t>(std::floor((s.z + s.r) / sp.dz - 0.5)));
  };
  for (const auto& s : spheres) {
    int64_t z0, z1;
    range(s, z0, z1);
    for (int64_t z = z0; z <= z1; ++z) ++start_[z + 1];
  }
  for (int64_t z = 0; z < nz; ++z) start_[z + 1] += start_[z];
  items_.resize(static_cast<std::size_t>(start_[nz]));
  std::vector<int64_t> fill(start_.begin(), start_.end() - 1);
  for (std::size_t i = 0; i < spheres.size(); ++i) {
    int64_t z0, z1;
    range(spheres[i], z0, z1);
    for (int64_t z = z0; z <= z1; ++z) items_[fill[z]++] = static_cast<int32_t>(i);
  }
}

}  // namespace emorph::synth
