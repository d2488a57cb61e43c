// emorph analyze --set SECTION.KEY=VALUE end to end: the keys reach the analysis and its recorded
// parameters; an unknown key or a wrong type is exit 2 naming the option.
#include <gtest/gtest.h>

#include <filesystem>

#include "emorph/report/analysis_config.hpp"
#include "cli/cli_test.hpp"

TEST(CliAnalyzeSet, KeysReachTheAnalysisWithoutAConfigFile) {
  TempDir dir;
  const std::string out = dir / "res";
  auto r = run_cli("analyze --demo --size 32 --voxel 0.6 --set measure.tortuosity=[] --set measure.granulometry=[NMC] "
                   "--set measure.surface=false --set profile.window=3 --set output.slices=false --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = read_json(out + "/results.json");
  const auto& res = j["results"];
  EXPECT_FALSE(res.contains("tortuosity") && !res["tortuosity"].empty()) << res["tortuosity"].dump();
  EXPECT_FALSE(res.contains("surface"));
  EXPECT_TRUE(res["granulometry"].contains("NMC"));
  EXPECT_FALSE(res["granulometry"].contains("pore"));
  EXPECT_FALSE(fs::exists(fs::path(out) / "slice_axis0.png"));
  EXPECT_EQ(j["parameters"]["window"], 3) << j["parameters"].dump();
}

TEST(CliAnalyzeSet, UnknownKeyAndWrongTypeAreExit2) {
  TempDir dir;
  expect_exit_2(run_cli("analyze --demo --size 32 --set measure.tortuosty=[pore] --out " + (dir / "a")),
                {"--set measure.tortuosty=[pore]", "unknown key"});
  expect_exit_2(run_cli("analyze --demo --size 32 --set profile.window=wide --out " + (dir / "b")), {"expected an integer"});
  expect_exit_2(run_cli("analyze --demo --size 32 --set window=3 --out " + (dir / "c")), {"SECTION.KEY=VALUE"});
  EXPECT_FALSE(fs::exists(dir / "a/results.json"));
}

// analyze --help shows the defaults (method, classes, axis, steps), taken from AnalysisConfig.
TEST(CliAnalyzeSet, HelpShowsTheDefaults) {
  const auto r = run_cli("analyze --help");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const emorph::AnalysisConfig d;
  for (const std::string& text : std::vector<std::string>{"default " + d.method, "default matrix,NMC", "default 0)", "Default steps:",
                                 "granulometry of NMC,pore", "particles of NMC", "tortuosity of pore"})
    EXPECT_NE(r.out.find(text), std::string::npos) << text << "\n" << r.out;
}
