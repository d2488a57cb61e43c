// Issue 17 acceptance on real data: the PuMA FiberForm grey volume thresholded at 90 (PuMA's value)
// (no denoising) and analysed with `--phases pore=0,fiber=1 --voxel 1.3` exits 0 and measures both phases, no step
// failing. Skips when ../shared/data is absent.
#include <gtest/gtest.h>

#include "emorph/io.hpp"
#include "emorph/result.hpp"
#include "cli/cli_test.hpp"

TEST(CliRealFiberform, AnalyzeOfTheThresholdedVolumeMeasuresBothPhases) {
  const std::string grey = emorph::test::shared_data("fiberform-puma/100_fiberform.tif");
  if (grey.empty()) GTEST_SKIP() << "shared data not present";
  TempDir d;
  const std::string labels = d / "fiberform_90.tif";
  const auto seg = run_cli("segment " + grey + " " + labels +
                           " --method manual:90 --denoise none --classes pore,fiber --phases pore=0,fiber=1 --voxel 1.3");
  ASSERT_EQ(seg.exit_code, 0) << seg.err;
  const auto r = run_cli("analyze " + labels + " --phases pore=0,fiber=1 --voxel 1.3 --out " + d / "out");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json results = read_json(d / "out/results.json")["results"];
  EXPECT_TRUE(results["failed_steps"].empty()) << results["failed_steps"].dump();

  // The fiber is the voxels above 90 (manual thresholds: class = number of thresholds below the grey).
  const auto v = emorph::read_volume(grey);
  int64_t above = 0;
  for (uint8_t g : v.as<uint8_t>()) above += g > 90;
  const Json& phases = results["fractions"]["phases"];
  EXPECT_DOUBLE_EQ(phases["fiber"]["volume_fraction"].get<double>(), static_cast<double>(above) / 1e6);
  EXPECT_DOUBLE_EQ(phases["pore"]["volume_fraction"].get<double>() + phases["fiber"]["volume_fraction"].get<double>(), 1.0);
  for (const std::string phase : {"pore", "fiber"}) {
    EXPECT_GT(results["surface"]["phases"][phase]["surface_area_um2"].get<double>(), 0) << phase;
    EXPECT_TRUE(results["profiles"]["phases"].contains(phase)) << phase;
    EXPECT_GT(results["granulometry"][phase]["d50_um"].get<double>(), 0) << phase;
    EXPECT_GT(results["tortuosity"][phase]["tau"].get<double>(), 1) << phase;
  }
  EXPECT_GT(results["particles"]["fiber"]["count"].get<int>(), 0);
}
