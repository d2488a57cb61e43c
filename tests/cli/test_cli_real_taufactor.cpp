// Real label data (issue 14 acceptance): the TauFactor electrode in ../shared/data/real/nmc-polaron-taufactor
// (256^3, labels 0 = pore, 85 = NMC, 170 = CBD, no voxel size in the file). Without --phases, analyze
// follows the CONTRACT rule for labels outside the table (measured as label_<n>, with a warning naming
// --phases, no voxel dropped); with --phases pore=0,NMC=85,CBD=170 its steps equal the standalone
// commands. Skipped when the data is absent. The heavy steps (granulometry, tortuosity) are compared on
// generated volumes in test_cli_analyze_region.cpp.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/cli_test.hpp"

namespace {

std::string electrode() {
  const std::string dir = emorph::test::shared_data("nmc-polaron-taufactor");
  const std::string path = dir + "/electrode.tiff";
  return !dir.empty() && std::filesystem::exists(path) ? path : "";
}

// The voxel size TauFactor's notebook assumes (100 um box).
const std::string kVoxel = " --voxel 0.390625";

std::string fast_config(const TempDir& dir) {
  const std::string cfg = dir / "fast.toml";
  std::ofstream(cfg) << "[measure]\ngranulometry = []\ntortuosity = []\nparticles = []\n"
                        "[output]\nlabels = false\nslices = false\n";
  return cfg;
}

}  // namespace

TEST(CliRealTaufactor, WithoutPhasesUnlistedLabelsAreMeasured) {
  const std::string path = electrode();
  if (path.empty()) GTEST_SKIP() << "shared data absent";
  TempDir dir;
  const auto r = run_cli("analyze " + path + kVoxel + " --config " + fast_config(dir) + " --out " + (dir / "res"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("labels 85, 170 not in the phase table"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--phases"), std::string::npos) << r.err;
  const auto res = read_json(dir / "res/results.json")["results"];
  EXPECT_EQ(res["unlisted_labels"], nlohmann::json({85, 170}));
  double sum = 0;
  for (const auto& [name, p] : res["fractions"]["phases"].items()) sum += p["volume_fraction"].get<double>();
  EXPECT_NEAR(sum, 1.0, 1e-12);  // no voxel dropped
  for (const char* step : {"fractions", "profiles", "surface"})
    for (const char* phase : {"pore", "label_85", "label_170"})
      EXPECT_TRUE(res[step]["phases"].contains(phase)) << step << " " << phase;
}

TEST(CliRealTaufactor, NamedTableStepsEqualTheCommands) {
  const std::string path = electrode();
  if (path.empty()) GTEST_SKIP() << "shared data absent";
  TempDir dir;
  const std::string phases = " --phases pore=0,NMC=85,CBD=170";
  const auto r = run_cli("analyze " + path + kVoxel + phases + " --config " + fast_config(dir) + " --out " + (dir / "res"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("not in the phase table"), std::string::npos) << r.err;
  const auto res = read_json(dir / "res/results.json")["results"];
  auto command = [&](const std::string& args) {
    const auto c = run_cli(args + " " + path + kVoxel + phases + " --json " + (dir / "c.json"));
    EXPECT_EQ(c.exit_code, 0) << args << ": " << c.err;
    return read_json(dir / "c.json")["results"];
  };
  // Every key the command reports, analyze reports with the same value (same code, same volume).
  auto expect_subset = [](const nlohmann::json& cmd, const nlohmann::json& ana, const std::string& what) {
    ASSERT_FALSE(cmd.empty()) << what;
    for (const auto& [key, value] : cmd.items()) {
      if (key != "seconds") {
        EXPECT_EQ(ana.value(key, nlohmann::json()), value) << what << "." << key;
      }
    }
  };
  const auto fractions = command("fractions");
  const auto surface = command("surface");
  const auto profile = command("profile");
  for (const char* phase : {"pore", "NMC", "CBD"}) {
    expect_subset(fractions["phases"][phase], res["fractions"]["phases"][phase], std::string("fractions ") + phase);
    expect_subset(surface["phases"][phase], res["surface"]["phases"][phase], std::string("surface ") + phase);
    EXPECT_EQ(profile["phases"][phase]["fraction"], res["profiles"]["phases"][phase]["fraction"]) << phase;
  }
  EXPECT_EQ(surface["interfaces"], res["surface"]["interfaces"]);
}
