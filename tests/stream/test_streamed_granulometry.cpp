// The streamed granulometry equals the in-core one exactly (the JSON as text, the local-thickness map
// bit for bit, its raster-order sum and maximum) in both of its walks: windows of core slices plus a
// halo of the largest radius (chosen when a window fits the budget) and the scratch stores (the
// fallback). A sweep of budgets must meet both walks, windows of a few slices and one window of the
// whole volume; the walk taken is reported (StreamReport: halo > 0 for windows).
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <set>

#include "emorph/io.hpp"
#include "emorph/measure/components.hpp"
#include "emorph/measure/granulometry.hpp"
#include "emorph/results/measure_results.hpp"
#include "emorph/stream/streamed_granulometry.hpp"
#include "support/test_support.hpp"

using emorph::test::TempDir;

namespace {

// Random balls of radius 1..`max_r` voxels (label 1, NMC) over pore (0), with some CBD (3) voxels
// scattered: particles of every size whose openings cross slab and window faces.
emorph::Volume<uint8_t> balls(emorph::Shape shape, emorph::Spacing spacing, int max_r, uint32_t seed) {
  std::mt19937 rng(seed);
  emorph::Volume<uint8_t> v = emorph::Volume<uint8_t>::filled(shape, spacing, 0);
  for (int n = 0; n < 40; ++n) {
    const int64_t cz = rng() % shape.nz, cy = rng() % shape.ny, cx = rng() % shape.nx;
    const int64_t r = 1 + rng() % max_r;
    for (int64_t z = std::max<int64_t>(0, cz - r); z <= std::min(shape.nz - 1, cz + r); ++z)
      for (int64_t y = std::max<int64_t>(0, cy - r); y <= std::min(shape.ny - 1, cy + r); ++y)
        for (int64_t x = std::max<int64_t>(0, cx - r); x <= std::min(shape.nx - 1, cx + r); ++x)
          if ((z - cz) * (z - cz) + (y - cy) * (y - cy) + (x - cx) * (x - cx) <= r * r) v(z, y, x) = 1;
  }
  for (int64_t i = 0; i < v.size(); ++i)
    if (rng() % 50 == 0) v.data()[i] = 3;
  return v;
}

struct Walks {
  bool store = false, windows = false, whole = false;
};

// In core vs streamed at budgets growing by 1.5x from 4 KiB until one window holds the volume.
Walks expect_equal_in_both_walks(const emorph::Volume<uint8_t>& labels, const emorph::GranulometryParams& gp) {
  TempDir dir;
  const std::string input = dir / "labels.nrrd";
  emorph::write_volume(input, labels);
  const emorph::Volume<uint8_t> mask = emorph::label_mask(labels.view(), 1);
  const emorph::GranulometryResult core = emorph::granulometry(mask.view(), gp);
  const nlohmann::json phase = "NMC";
  const std::string core_json = emorph::granulometry_results(core, phase).dump();
  double core_sum = 0, core_max = 0;
  if (gp.local_thickness)
    for (int64_t k = 0; k < core.local_thickness_um.size(); ++k) {
      const float t = core.local_thickness_um.data()[k];
      if (t == 0.0f) continue;
      core_sum += t, core_max = std::max(core_max, static_cast<double>(t));
    }
  Walks seen;
  for (double budget = 4096;; budget *= 1.5) {
    emorph::StreamedGranulometryParams p;
    p.phase = emorph::PhaseTable::default_table().at("NMC");
    p.granulometry = gp;
    p.local_thickness_output = dir / "lt.nrrd";
    p.scratch_dir = dir.path().string();
    p.scratch_option = "--scratch";
    emorph::StreamParams s;
    s.budget_bytes = static_cast<uint64_t>(budget);
    s.progress = false;
    emorph::StreamReport report;
    const emorph::StreamedGranulometry g = emorph::streamed_granulometry(input, p, {}, s, &report);
    const std::string where = "budget " + std::to_string(s.budget_bytes) + " slab " + std::to_string(report.slab_slices) +
                              " halo " + std::to_string(report.halo);
    EXPECT_EQ(emorph::granulometry_results(g.result, phase).dump(), core_json) << where;
    if (gp.local_thickness) {
      const emorph::AnyVolume file = emorph::read_volume(p.local_thickness_output);
      const emorph::Volume<float>& map = file.as<float>();
      EXPECT_EQ(map.size(), core.local_thickness_um.size()) << where;
      if (map.size() == core.local_thickness_um.size()) {
        EXPECT_EQ(std::memcmp(map.data(), core.local_thickness_um.data(), sizeof(float) * map.size()), 0) << where;
      }
      EXPECT_EQ(g.thickness_sum_um, core_sum) << where;
      EXPECT_EQ(g.thickness_max_um, core_max) << where;
    }
    const bool windows = report.halo > 0;
    seen.store = seen.store || !windows;
    seen.windows = seen.windows || (windows && report.slab_slices < labels.shape().nz);
    seen.whole = seen.whole || (windows && report.slab_slices == labels.shape().nz);
    if (windows) {
      EXPECT_GT(report.slabs, 0) << where;
    }
    if (seen.whole) break;
  }
  return seen;
}

}  // namespace

// Isotropic voxels: the uint16 passes, in core and in windows.
TEST(StreamedGranulometryWalks, IsotropicEqualsInCoreInWindowsAndStores) {
  emorph::GranulometryParams gp;
  gp.local_thickness = true;
  const Walks seen = expect_equal_in_both_walks(balls({48, 30, 26}, {1, 1, 1}, 7, 3), gp);
  EXPECT_TRUE(seen.store);
  EXPECT_TRUE(seen.windows);
  EXPECT_TRUE(seen.whole);
}

// Anisotropic voxels (float passes, an ellipsoidal ball whose z reach differs from its x reach), no map.
TEST(StreamedGranulometryWalks, AnisotropicEqualsInCoreInWindowsAndStores) {
  const Walks seen = expect_equal_in_both_walks(balls({52, 28, 24}, {0.5, 0.4, 0.3}, 6, 11), {});
  EXPECT_TRUE(seen.store);
  EXPECT_TRUE(seen.windows);
  EXPECT_TRUE(seen.whole);
}

// A step and a largest radius below the largest ball (the halo follows the largest radius opened, not
// the largest ball), with the map.
TEST(StreamedGranulometryWalks, StepAndMaxRadiusEqualInCore) {
  emorph::GranulometryParams gp;
  gp.step_um = 0.7;
  gp.max_radius_um = 3.5;
  gp.local_thickness = true;
  const Walks seen = expect_equal_in_both_walks(balls({44, 24, 24}, {1, 1, 1}, 8, 5), gp);
  EXPECT_TRUE(seen.store);
  EXPECT_TRUE(seen.windows);
  EXPECT_TRUE(seen.whole);
}
