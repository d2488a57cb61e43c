// Issue 17 (one results layer): every step of `emorph analyze` reports what its standalone command
// reports on the same label volume with the same options. analyze may add keys of its own (declared
// below, CONTRACT.md's analyze extensions); every key the command reports must be there with the same
// value, timings aside. The values are compared exactly: both go through the same library functions
// on the same voxels with the same thread count, so any difference is drift, not rounding.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <cmath>
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

// `emorph <args>` (exit 0 expected) and the results object of the JSON it wrote at `json_path`.
json results_of(const std::string& args, const std::string& json_path) {
  const auto r = run_cli(args);
  EXPECT_EQ(r.exit_code, 0) << args << ": " << r.err;
  return r.exit_code == 0 ? read_json(json_path)["results"] : json();
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
                          "tpb = true\nanisotropy = [\"pore\"]\nexport_bpx = true\nmin_particle_voxels = 27\n"
                          "[output]\nslices = false\nlabels = false\n";
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
    return results_of(name + " " + input() + " --phases " + kPhases + " " + args + " --json " + out, out);
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

// anisotropy: every axis is `emorph tortuosity --axis A` on the same labels (axis 0 reuses the
// tortuosity step's solve on the electrode region, here the whole volume); the Bruggeman exponent is
// tau = eps^(1 - alpha) of the command's numbers (same doubles, same formula: 1 ulp allowed for the logs).
TEST_F(AnalyzeEqualsCommands, AnisotropyEveryAxis) {
  ASSERT_TRUE((*analyze_)["anisotropy"].contains("pore"));
  const json& axes = (*analyze_)["anisotropy"]["pore"]["axes"];
  ASSERT_EQ(axes.size(), 3u);
  for (int axis = 0; axis < 3; ++axis) {
    const json c = command("tortuosity", "--phase pore --axis " + std::to_string(axis));
    const json& a = axes[static_cast<std::size_t>(axis)];
    for (const char* key : {"tau", "deff_over_d0", "volume_fraction", "converged"}) EXPECT_EQ(a[key], c[key]) << axis << " " << key;
    ASSERT_TRUE(c["tau"].is_number()) << axis;
    const double tau = c["tau"].get<double>(), eps = c["volume_fraction"].get<double>();
    EXPECT_DOUBLE_EQ(a["bruggeman_exponent"].get<double>(), 1.0 - std::log(tau) / std::log(eps)) << axis;
  }
}

// export_bpx: `emorph export-bpx RESULTS_DIR` (defaults) on analyze's own folder writes the same BPX
// document and table, and reports the same numbers. The command's `bpx`, `csv` (where it wrote) and
// `electrode` (its option echo) have no counterpart in analyze, which names its files `file` and `csv`.
TEST_F(AnalyzeEqualsCommands, ExportBpx) {
  ASSERT_TRUE(analyze_->contains("export_bpx"));
  const auto r = run_cli("export-bpx " + (*dir_ / "res") + " --out " + (*dir_ / "bpx.json") + " --json " + (*dir_ / "bpx_cmd.json"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json c = read_json(*dir_ / "bpx_cmd.json")["results"];
  for (const char* echo : {"bpx", "csv", "electrode"}) c.erase(echo);
  expect_same(c, (*analyze_)["export_bpx"], {"file", "csv"}, "export_bpx");
  EXPECT_EQ(read_json(*dir_ / "bpx.json"), read_json(*dir_ / "res/bpx.json"));
  EXPECT_EQ(read_text(*dir_ / "bpx_profile.csv"), read_text(*dir_ / "res/bpx_profile.csv"));
}

// The grey route: analyze on a simulated XCT scan (defaults: mixture:otsu-volume after median:1, classes
// matrix,NMC) against `emorph segment` with the same defaults, and its grey profile against
// `emorph profile --grey` on analyze's labels. No collector or air layer in the scan, so analyze segments
// the whole volume, as the command does.
TEST(AnalyzeEqualsCommandsGrey, SegmentAndGreyProfile) {
  TempDir d;
  ASSERT_EQ(run_cli("synth --preset F --size 40 --voxel 0.5 --seed 5 --xct --out " + (d / "s")).exit_code, 0);
  const std::string grey = d / "s/xct.tif";
  const json res = results_of("analyze " + grey + " --set profile.auto_bulk=false --set output.slices=false --out " +
                                  (d / "res"), d / "res/results.json");
  ASSERT_TRUE(res.contains("segmentation") && res.contains("grey_profile"));

  json seg = results_of("segment " + grey + " " + (d / "seg.tif") + " --classes matrix,NMC --json " + (d / "seg.json"),
                        d / "seg.json");
  ASSERT_TRUE(seg.contains("histogram"));
  seg.erase("histogram");  // analyze keeps the histogram out of results.json (segment_results(..., false))
  expect_same(seg, res["segmentation"], {}, "segmentation");
  EXPECT_EQ(read_text(d / "seg.tif"), read_text(d / "res/labels.tif"));  // the same labels, byte for byte

  const json command_grey = results_of("profile " + (d / "res/labels.tif") + " --grey " + grey +
                                           " --grey-phases matrix --json " + (d / "profile.json"),
                                       d / "profile.json")["grey_profile"];
  // The lfp step adds its own keys to grey_profile; the profile's three columns must be the command's.
  for (const char* key : {"position_um", "mean_grey", "voxels"}) {
    ASSERT_TRUE(command_grey.contains(key)) << key;
    EXPECT_EQ(command_grey[key], res["grey_profile"][key]) << key;
  }
}

}  // namespace
