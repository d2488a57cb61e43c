// Granulometry by openings with discrete balls (Matheron 1975), each opening computed exactly as the
// dilation of the fitting centres {EDT^2 > r^2} by the ball, itself a threshold of the distance to
// those centres (Coeurjolly & Montanvert 2007): two linear-time distance transforms per radius.
#include "emorph/measure/granulometry.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "emorph/measure/edt.hpp"
#include "emorph/progress.hpp"

namespace emorph {
namespace {

// Relative margin on squared-radius comparisons: absorbs float rounding of anisotropic squared
// distances, while no integer lies in (r^2, r^2 (1 + margin)] for r <= 1000.
constexpr double kMargin = 1e-6;

}  // namespace

GranulometryResult granulometry(VolumeView<const uint8_t> mask, const GranulometryParams& params) {
  const Spacing s = mask.spacing();
  for (int a = 0; a < 3; ++a)
    require(std::isfinite(s[a]) && s[a] > 0, "granulometry: voxel size must be positive and finite");
  const double step = params.step_um.value_or(std::min({s.dz, s.dy, s.dx}));
  require(std::isfinite(step) && step > 0, "granulometry: --step must be positive (um)");
  if (params.max_radius_um)
    require(std::isfinite(*params.max_radius_um) && *params.max_radius_um > 0,
            "granulometry: --max-radius must be positive (um)");
  const Spacing w{(s.dz / step) * (s.dz / step), (s.dy / step) * (s.dy / step), (s.dx / step) * (s.dx / step)};

  GranulometryResult r;
  const Shape shape = mask.shape();
  const int64_t n = shape.voxels();
  Volume<uint8_t> phase(shape, s, mask.thickness_axis());  // contiguous 0/1 copy
  int64_t phase_voxels = 0;
#pragma omp parallel for schedule(static) reduction(+ : phase_voxels)
  for (int64_t zy = 0; zy < shape.nz * shape.ny; ++zy) {
    const int64_t z = zy / shape.ny, y = zy % shape.ny;
    const uint8_t* src = mask.row(z, y);
    uint8_t* dst = phase.data() + zy * shape.nx;
    for (int64_t x = 0; x < shape.nx; ++x) {
      dst[x] = src[x * mask.strides().sx] != 0;
      phase_voxels += dst[x];
    }
  }
  r.phase_voxels = phase_voxels;
  if (params.local_thickness) r.local_thickness_um = Volume<float>::filled(shape, s, 0.0f);
  if (phase_voxels == 0) return r;

  const Volume<float> d2 = squared_distance_transform(phase.view(), w);
  float largest = 0;
  bool unbounded = false;
#pragma omp parallel for schedule(static) reduction(max : largest) reduction(|| : unbounded)
  for (int64_t i = 0; i < n; ++i) {
    const float v = d2.data()[i];
    if (std::isinf(v)) unbounded = true;
    else largest = std::max(largest, v);
  }
  require(!unbounded || params.max_radius_um.has_value(),
          "granulometry: the phase fills the whole volume, so no opening ever empties it; give --max-radius");
  // Beyond this radius no ball fits anywhere (finite distances) and every later opening is empty.
  const int64_t last = params.max_radius_um
                           ? static_cast<int64_t>(std::floor(*params.max_radius_um / step + 1e-9))
                           : static_cast<int64_t>(std::ceil(std::sqrt(static_cast<double>(largest)))) + 1;
  require(last >= 1, "granulometry: --max-radius is smaller than one radius step (" + std::to_string(step) + " um)");

  Volume<uint8_t> not_centre(shape, s);
  Volume<float> to_centre(shape, s);
  Progress progress("granulometry", last);
  for (int64_t i = 1; i <= last; ++i) {
    const double threshold = static_cast<double>(i) * static_cast<double>(i) * (1.0 + kMargin);
    int64_t centres = 0;
#pragma omp parallel for schedule(static) reduction(+ : centres)
    for (int64_t k = 0; k < n; ++k) {
      const bool c = phase.data()[k] && static_cast<double>(d2.data()[k]) > threshold;
      not_centre.data()[k] = !c;
      centres += c;
    }
    int64_t kept = 0;
    if (centres > 0) {
      squared_distance_transform_into(not_centre.view(), w, to_centre.view());
      const float thickness = static_cast<float>(2.0 * static_cast<double>(i) * step);
      float* lt = params.local_thickness ? r.local_thickness_um.data() : nullptr;
#pragma omp parallel for schedule(static) reduction(+ : kept)
      for (int64_t k = 0; k < n; ++k) {
        const bool in = phase.data()[k] && static_cast<double>(to_centre.data()[k]) <= threshold;
        kept += in;
        if (in && lt) lt[k] = thickness;
      }
    }
    const int64_t previous = r.opening_voxels.empty() ? phase_voxels : r.opening_voxels.back();
    r.radius_um.push_back(static_cast<double>(i) * step);
    r.opening_voxels.push_back(kept);
    r.volume_fraction_removed.push_back(static_cast<double>(previous - kept) / static_cast<double>(phase_voxels));
    r.cumulative_fraction.push_back(1.0 - static_cast<double>(kept) / static_cast<double>(phase_voxels));
    progress.advance();
    if (kept == 0) break;
  }

  double prev_radius = 0, prev_cum = 0;
  for (std::size_t i = 0; i < r.radius_um.size(); ++i) {
    const double cum = r.cumulative_fraction[i];
    if (cum >= 0.5) {
      const double t = cum > prev_cum ? (0.5 - prev_cum) / (cum - prev_cum) : 1.0;
      r.d50_um = 2.0 * (prev_radius + t * (r.radius_um[i] - prev_radius));
      break;
    }
    prev_radius = r.radius_um[i];
    prev_cum = cum;
  }
  return r;
}

}  // namespace emorph
