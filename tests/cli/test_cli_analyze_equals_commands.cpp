// Issue 17 (one results layer): every step of `emorph analyze` reports what its standalone command
// reports on the same label volume with the same options. analyze may add keys of its own (declared
// below, CONTRACT.md's analyze extensions); every key the command reports must be there with the same
// value, timings aside. The values are compared exactly: both go through the same library functions
// on the same voxels with the same thread count, so any difference is drift, not rounding.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "cli/cli_test.hpp"

using nlohmann::json;

namespace {

const std::set<std::string> kTimingKeys = {"seconds"};

// Every key of `command` is in `analyze` with an equal value (recursively through objects); keys only in
// `analyze` must be in `extras`. Failures name the JSON path.
void expect_same(const json& command, const json& analyze, const std::set<std::string>& extras, const std::string& path) {
  if (!command.is_object() || !analyze.is_object()) {
    EXPECT_EQ(command, analyze) << path;
    return;
  }
  for (const auto& [key, value] : command.items()) {
    if (kTimingKeys.count(key)) continue;
    if (!analyze.contains(key)) {
      ADD_FAILURE() << path << "." << key << ": reported by the command, missing in analyze";
      continue;
    }
    expect_same(value, analyze[key], extras, path + "." + key);
  }
  for (const auto& [key, value] : analyze.items())
    if (!command.contains(key) && !extras.count(key))
      ADD_FAILURE() << path << "." << key << ": in analyze only, and not a declared analyze extension";
}

class AnalyzeEqualsCommands : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    // A 40^3 label volume (pore, NMC, LFP, CBD) with no collector: analyze's electrode region is the
    // whole volume, so its tortuosity solves the same voxels as the command.
    ASSERT_EQ(run_cli("synth --preset F --size 40 --voxel 0.5 --seed 5 --out " + (*dir_ / "s")).exit_code, 0);
    const std::string cfg = *dir_ / "eq.toml";
    // 27 voxels of 0.125 um^3: the commands get --min-volume 3.375.
    std::ofstream(cfg) << "[profile]\nauto_bulk = false\n"
                          "[measure]\ngranulometry = [\"NMC\"]\nparticles = [\"NMC\"]\ntortuosity = [\"pore\"]\n"
                          "chords = [\"pore\"]\ncorrelation = [\"pore\"]\nrev = [\"pore\"]\ncontacts = [\"NMC\"]\n"
                          "tpb = true\nmin_particle_voxels = 27\n[output]\nslices = false\nlabels = false\n";
    const auto r = run_cli("analyze " + input() + " --phases " + kPhases + " --config " + cfg + " --out " + (*dir_ / "res"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    analyze_ = new json(read_json(*dir_ / "res/results.json")["results"]);
  }
  static void TearDownTestSuite() {
    delete analyze_;
    delete dir_;
  }
  static std::string input() { return *dir_ / "s/labels.tif"; }

  // `emorph <args> --json FILE` on the same volume and phase table; its results object.
  static json command(const std::string& name, const std::string& args) {
    const std::string out = *dir_ / (name + ".json");
    const auto r = run_cli(name + " " + input() + " --phases " + kPhases + " " + args + " --json " + out);
    EXPECT_EQ(r.exit_code, 0) << name << ": " << r.err;
    return r.exit_code == 0 ? read_json(out)["results"] : json();
  }

  static constexpr const char* kPhases = "pore=0,NMC=1,LFP=2,CBD=3";
  static inline TempDir* dir_ = nullptr;
  static inline json* analyze_ = nullptr;
};

TEST_F(AnalyzeEqualsCommands, Fractions) {
  ASSERT_TRUE(analyze_->contains("fractions"));
  expect_same(command("fractions", ""), (*analyze_)["fractions"], {"electrode_volume_fraction"}, "fractions");
}

TEST_F(AnalyzeEqualsCommands, Profile) {
  ASSERT_TRUE(analyze_->contains("profiles"));
  expect_same(command("profile", ""), (*analyze_)["profiles"], {"bulk_selection"}, "profiles");
}

TEST_F(AnalyzeEqualsCommands, ProfileCsv) {
  command("profile", "--csv " + (*dir_ / "profile.csv"));
  EXPECT_EQ(read_text(*dir_ / "profile.csv"), read_text(*dir_ / "res/profiles.csv"));
}

TEST_F(AnalyzeEqualsCommands, Surface) {
  ASSERT_TRUE(analyze_->contains("surface"));
  expect_same(command("surface", ""), (*analyze_)["surface"], {}, "surface");
}

TEST_F(AnalyzeEqualsCommands, Granulometry) {
  ASSERT_TRUE((*analyze_)["granulometry"].contains("NMC"));
  expect_same(command("granulometry", "--phase NMC"), (*analyze_)["granulometry"]["NMC"], {}, "granulometry.NMC");
}

TEST_F(AnalyzeEqualsCommands, Particles) {
  ASSERT_TRUE((*analyze_)["particles"].contains("NMC"));
  const json c = command("particles", "--phase NMC --min-volume 3.375 --csv " + (*dir_ / "particles.csv"));
  // analyze's older top-level copies of the distribution (kept: the report and older scripts read them).
  expect_same(c, (*analyze_)["particles"]["NMC"], {"min_volume_um3", "bin_edges_um", "number_fraction", "volume_fraction"},
              "particles.NMC");
  for (const char* key : {"number_d10_um", "number_d90_um", "mean_diameter_um", "total_volume_um3", "excluded_border"})
    EXPECT_TRUE((*analyze_)["particles"]["NMC"].contains(key)) << key;
  // One particle-table writer: the same columns and rows.
  EXPECT_EQ(read_text(*dir_ / "particles.csv"), read_text(*dir_ / "res/particles_NMC.csv"));
}

TEST_F(AnalyzeEqualsCommands, Tortuosity) {
  ASSERT_TRUE((*analyze_)["tortuosity"].contains("pore"));
  const json& t = (*analyze_)["tortuosity"]["pore"];
  expect_same(command("tortuosity", "--phase pore --axis 0"), t, {"macmullin", "slices", "tau_null_reason"},
              "tortuosity.pore");
  EXPECT_EQ(t["macmullin"], t["macmullin_number"]);  // both names (CONTRACT)
}

TEST_F(AnalyzeEqualsCommands, StatisticsSteps) {
  for (const char* step : {"chords", "correlation", "rev"}) {
    ASSERT_TRUE((*analyze_)[step].contains("pore")) << step;
    expect_same(command(step, "--phase pore"), (*analyze_)[step]["pore"], {}, std::string(step) + ".pore");
  }
}

TEST_F(AnalyzeEqualsCommands, Contacts) {
  ASSERT_TRUE((*analyze_)["contacts"].contains("NMC"));
  expect_same(command("contacts", "--phase NMC --min-volume 3.375 --csv " + (*dir_ / "contacts.csv")),
              (*analyze_)["contacts"]["NMC"], {}, "contacts.NMC");
  EXPECT_EQ(read_text(*dir_ / "contacts.csv"), read_text(*dir_ / "res/contacts_NMC.csv"));
}

TEST_F(AnalyzeEqualsCommands, Tpb) {
  ASSERT_TRUE(analyze_->contains("tpb"));
  expect_same(command("tpb", ""), (*analyze_)["tpb"], {}, "tpb");
}

}  // namespace
