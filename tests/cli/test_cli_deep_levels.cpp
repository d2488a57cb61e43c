// `emorph segment`'s deep-voxel fraction (deep_level_fraction.hpp) as users meet it: withheld by its gate
// on a real nano-CT slice, and withheld with the reason by the streamed segment, which then gives
// exactly the in-core run's volume-restoration threshold (the route it keeps).
#include <gtest/gtest.h>

#include <string>

#include "cli/cli_test.hpp"

namespace {

Json segment_json(const std::string& global, const std::string& grey, const TempDir& dir, const std::string& tag) {
  const auto r = run_cli(global + " --quiet segment " + grey + " " + (dir / (tag + ".tif")) + " --classes matrix,NMC --json " +
                         (dir / (tag + ".json")));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.exit_code == 0 ? read_json(dir / (tag + ".json"))["results"] : Json();
}

}  // namespace

// A synchrotron nano-CT slice (textured particles): the PSF fit's residual is 7-9 x the noise, the gate
// withholds the estimate, and the volume restoration's threshold stands. Skipped without the shared data.
TEST(CliDeepLevels, RealNanoCtSliceKeepsTheRoute) {
  const std::string slice = emorph::test::shared_data("nmc-nanoct-segmentpy-slices/100.tif");
  if (slice.empty()) GTEST_SKIP() << "shared data not present";
  TempDir dir;
  const Json r = segment_json("", slice, dir, "slice");
  ASSERT_TRUE(r.contains("deep_levels")) << r.dump();
  EXPECT_EQ(r["deep_levels"]["applied"], false);
  EXPECT_GT(r["deep_levels"]["fit_residual_ratio"].get<double>(), 3.0);
  EXPECT_EQ(r["thresholds"][0], r["volume_correction"]["threshold"]);
}

// The streamed segment does not compute the estimate: it says so and keeps the route, whose threshold
// equals the in-core run's route threshold exactly (the same histogram, mean and repeat walks).
TEST(CliDeepLevels, StreamedSegmentWithholdsItWithTheReason) {
  TempDir dir;
  ASSERT_EQ(run_cli("--quiet synth --preset F --size 64 --voxel 0.5 --seed 2 --xct --out " + (dir / "s")).exit_code, 0);
  const std::string grey = dir / "s/xct.tif";
  const Json core = segment_json("", grey, dir, "core");
  const Json streamed = segment_json("--memory-limit 96KiB", grey, dir, "streamed");
  ASSERT_TRUE(core.contains("deep_levels") && streamed.contains("deep_levels"));
  EXPECT_EQ(core["deep_levels"]["applied"], true);  // in core the estimate is used here (fit residual 1.42)
  EXPECT_EQ(streamed["deep_levels"]["applied"], false);
  EXPECT_NE(streamed["deep_levels"]["reason"].get<std::string>().find("streamed"), std::string::npos);
  EXPECT_EQ(streamed["volume_correction"], core["volume_correction"]);
  EXPECT_EQ(streamed["thresholds"][0], core["volume_correction"]["threshold"]);
  EXPECT_EQ(streamed["deep_levels"]["route_fraction"], core["deep_levels"]["route_fraction"]);
}
