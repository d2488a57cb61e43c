#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "emorph/io.hpp"
#include "emorph/result.hpp"
#include "support/ball_volume.hpp"
#include "cli/cli_test.hpp"

namespace emorph {
namespace {

// NMC (label 1): one ball of radius 6 voxels in the middle of 24^3 voxels of 0.5 x 0.25 x 0.25 um.
void write_ball(const std::string& path) {
  write_volume<uint8_t>(path, test::ball_volume(24, {0.5, 0.25, 0.25}, {11, 11, 11}, 36).view());
}

// Writes the ball as t/labels.tif and runs `command labels.tif options --json`: the JSON in `out`.
void run_on_ball(const TempDir& t, const std::string& command, const std::string& options, Json& out) {
  write_ball(t / "labels.tif");
  run_cli_json(command + " " + (t / "labels.tif") + " " + options, t / (command + ".json"), out);
}

TEST(CliStats, ChordsKeysCsvAndSpacing) {
  TempDir t;
  Json j;
  ASSERT_NO_FATAL_FAILURE(run_on_ball(t, "chords", "--phase NMC --csv " + (t / "c.csv"), j));
  EXPECT_EQ(j["command"], "chords");
  ASSERT_EQ(j["results"]["axes"].size(), 3u);
  // The longest chord crosses the ball's diameter: 13 voxels, of 0.5 um along z and 0.25 um in-plane.
  EXPECT_DOUBLE_EQ(j["results"]["axes"][0]["chord_um"].back().get<double>(), 6.5);
  EXPECT_DOUBLE_EQ(j["results"]["axes"][2]["chord_um"].back().get<double>(), 3.25);
  EXPECT_GT(j["results"]["axes"][1]["mean_chord_um"].get<double>(), 0);
  EXPECT_EQ(read_text(t / "c.csv").rfind("axis,chord_um,count,frequency,length_weighted\n", 0), 0u);
}

TEST(CliStats, CorrelationStartsAtTheVolumeFraction) {
  TempDir t;
  Json j;
  ASSERT_NO_FATAL_FAILURE(run_on_ball(t, "correlation", "--phase NMC --max-lag 2", j));
  const Json& res = j["results"];
  const double phi = res["volume_fraction"].get<double>();
  for (int a = 0; a < 3; ++a) {
    EXPECT_EQ(res["axes"][a]["s2"][0].get<double>(), phi);
    EXPECT_EQ(res["axes"][a]["r_um"][0].get<double>(), 0.0);
  }
  EXPECT_EQ(res["axes"][0]["r_um"].size(), 5u);  // 2 um at 0.5 um per voxel: lags 0..4
  EXPECT_EQ(res["axes"][2]["r_um"].size(), 9u);
}

TEST(CliStats, RevReportsIntegralRangeAndErrorBar) {
  TempDir t;
  Json j;
  ASSERT_NO_FATAL_FAILURE(run_on_ball(t, "rev", "--phase pore --sizes 1,1.5", j));
  const Json& res = j["results"];
  EXPECT_EQ(res["sizes_um"].size(), 2u);
  EXPECT_EQ(res["std_fraction"].size(), 2u);
  EXPECT_TRUE(res.contains("integral_range_um3"));
  EXPECT_TRUE(res.contains("volume_fraction_std"));
}

TEST(CliStats, BadOptionsExitTwo) {
  TempDir t;
  write_ball(t / "labels.tif");
  EXPECT_EQ(run_cli("chords " + (t / "labels.tif") + " --phase nope").exit_code, 2);
  EXPECT_EQ(run_cli("rev " + (t / "labels.tif") + " --phase NMC --sizes 1,-2").exit_code, 2);
  EXPECT_EQ(run_cli("correlation " + (t / "labels.tif") + " --phase NMC --max-lag -1").exit_code, 2);
  EXPECT_EQ(run_cli("correlation " + (t / "missing.tif") + " --phase NMC").exit_code, 2);
}

// The analyze steps give the standalone commands' results on the labels analyze writes, and a report section.
TEST(CliStats, AnalyzeStepsMatchTheCommands) {
  TempDir t;
  const std::string cfg = t / "stats.toml";
  std::ofstream(cfg) << "[measure]\nsurface = false\ngranulometry = []\nparticles = []\ntortuosity = []\n"
                        "chords = [\"NMC\"]\ncorrelation = [\"NMC\"]\nrev = [\"NMC\"]\n[output]\nslices = false\n";
  const std::string out = t / "res";
  auto r = run_cli("analyze --demo --size 40 --voxel 0.5 --seed 2 --config " + cfg + " --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json res = read_json(out + "/results.json")["results"];
  EXPECT_TRUE(res["failed_steps"].empty()) << res["failed_steps"].dump();
  for (const char* command : {"chords", "correlation", "rev"}) {
    ASSERT_EQ(run_cli(std::string(command) + " " + out + "/labels.tif --phase NMC --json " + (t / "c.json")).exit_code, 0);
    EXPECT_EQ(res[command]["NMC"], read_json(t / "c.json")["results"]) << command;
  }
  const std::string html = read_text(out + "/report.html");
  for (const char* heading : {"Chord-length distributions", "Two-point correlation", "Representative volume"})
    EXPECT_NE(html.find(heading), std::string::npos) << heading;
}

}  // namespace
}  // namespace emorph
