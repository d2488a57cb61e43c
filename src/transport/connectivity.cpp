// Percolation classes (TauFactor / PoreSpy): the phase's connected components (measure/components, Wu,
// Otoo & Suzuki 2009) classed by the faces normal to the axis that they touch.
#include "emorph/transport/connectivity.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "emorph/measure/components.hpp"

namespace emorph {

double ConnectivityResult::percolating_fraction() const {
  return phase_voxels ? double(percolating_voxels) / double(phase_voxels) : 0.0;
}
double ConnectivityResult::dead_end_fraction() const {
  return phase_voxels ? double(dead_end_voxels) / double(phase_voxels) : 0.0;
}
double ConnectivityResult::isolated_fraction() const {
  return phase_voxels ? double(isolated_voxels) / double(phase_voxels) : 0.0;
}

namespace {

// The components of the member labels (the shared labeller), classed by the faces normal to the axis
// that each one touches: both (percolating), one (dead-end) or none (isolated).
ConnectivityResult label_and_classify(VolumeView<const uint8_t> in, const std::array<bool, 256>& member,
                                      const ConnectivityParams& params) {
  const Shape shape = in.shape();
  const int64_t nz = shape.nz, ny = shape.ny, nx = shape.nx;
  Volume<uint8_t> mask(shape, in.spacing(), in.thickness_axis());
#pragma omp parallel for schedule(static)
  for (int64_t z = 0; z < nz; ++z)
    for (int64_t y = 0; y < ny; ++y)
      for (int64_t x = 0; x < nx; ++x) mask(z, y, x) = member[in(z, y, x)];
  ComponentsParams cp;
  cp.connectivity = params.connectivity;
  const ComponentsResult components = label_components(mask.view(), cp);
  mask = Volume<uint8_t>();
  const Volume<uint32_t>& labels = components.labels;

  // Face flags per component: 1 = touches the first slice along the axis, 2 = the last.
  std::vector<uint8_t> faces(static_cast<std::size_t>(components.count) + 1, 0);
  const int axis = params.axis;
  auto flag_face = [&](int64_t pos, uint8_t bit) {
    const int64_t z0 = axis == 0 ? pos : 0, z1 = axis == 0 ? pos + 1 : nz;
    const int64_t y0 = axis == 1 ? pos : 0, y1 = axis == 1 ? pos + 1 : ny;
    const int64_t x0 = axis == 2 ? pos : 0, x1 = axis == 2 ? pos + 1 : nx;
    for (int64_t z = z0; z < z1; ++z)
      for (int64_t y = y0; y < y1; ++y)
        for (int64_t x = x0; x < x1; ++x) faces[labels(z, y, x)] |= bit;
  };
  flag_face(0, 1u);
  flag_face(shape[axis] - 1, 2u);
  faces[0] = 0;

  ConnectivityResult result;
  result.classes = Volume<uint8_t>(shape, in.spacing(), in.thickness_axis());
  uint8_t* out = result.classes.data();
  const uint32_t* l = labels.data();
  const int64_t n = shape.voxels();
  int64_t counts[4] = {0, 0, 0, 0};
#pragma omp parallel for reduction(+ : counts[:4]) schedule(static)
  for (int64_t i = 0; i < n; ++i) {
    const uint8_t f = faces[l[i]];
    const uint8_t c = l[i] == 0 ? 0 : f == 3u ? 1 : f != 0u ? 2 : 3;
    out[i] = c;
    ++counts[c];
  }
  result.phase_voxels = counts[1] + counts[2] + counts[3];
  result.percolating_voxels = counts[1];
  result.dead_end_voxels = counts[2];
  result.isolated_voxels = counts[3];
  result.components = components.count;
  result.percolating_components = std::count(faces.begin(), faces.end(), uint8_t{3});
  return result;
}

}  // namespace

ConnectivityResult connectivity(VolumeView<const uint8_t> labels, const ConnectivityParams& params) {
  require(params.axis >= 0 && params.axis <= 2, "--axis must be 0, 1 or 2, got " + std::to_string(params.axis));
  require(params.connectivity == 6 || params.connectivity == 26,
          "--connectivity must be 6 or 26, got " + std::to_string(params.connectivity));
  require(!labels.empty(), "connectivity: the volume is empty");
  std::array<bool, 256> member{};
  if (params.phase_labels.empty()) {
    member.fill(true);
    member[0] = false;
  } else {
    for (uint8_t l : params.phase_labels) member[l] = true;
  }
  return label_and_classify(labels, member, params);
}

}  // namespace emorph
