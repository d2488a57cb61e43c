// Issue 15: a phase a command is asked to analyse but which has no voxel is bad input, never an empty
// result: exit 2, one message naming the option and the phase, no output left. `analyze` is the
// exception for the phases of its default measurement lists: it skips them with a reason.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "emorph/io.hpp"
#include "emorph/result.hpp"
#include "support/ball_volume.hpp"
#include "cli/cli_test.hpp"

namespace emorph {
namespace {

// pore (0), an NMC ball (1) touching a CBD slab (3); LFP (2) is absent. 0.5 um voxels in the file.
void write_labels_without_lfp(const std::string& path) {
  auto v = test::ball_volume(24, {0.5, 0.5, 0.5}, {12, 11, 11}, 36);
  test::paint_box(v, {.z0 = 17, .z1 = 24, .y0 = 0, .y1 = 24, .x0 = 0, .x1 = 12}, 3, true);
  write_volume<uint8_t>(path, v.view());
}

std::vector<std::string> folder_entries(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

struct PhaseCommand {
  std::string args;    // with {IN}, {DIR} and {PHASE} to fill in
  std::string option;  // the option the message must name
  std::string present; // a phase of the volume: the same command then succeeds
};

TEST(CliAbsentPhase, EveryPhaseOptionRefusesAnAbsentPhaseWithoutOutput) {
  const std::vector<PhaseCommand> commands = {
      {"particles {IN} --phase {PHASE} --json {DIR}/o.json --csv {DIR}/o.csv --labels-out {DIR}/o.tif", "--phase", "NMC"},
      {"granulometry {IN} --phase {PHASE} --json {DIR}/o.json --csv {DIR}/o.csv --local-thickness {DIR}/o.tif", "--phase", "NMC"},
      {"localthickness {IN} {DIR}/o.tif --phase {PHASE} --json {DIR}/o.json", "--phase", "NMC"},
      {"chords {IN} --phase {PHASE} --json {DIR}/o.json --csv {DIR}/o.csv", "--phase", "NMC"},
      {"correlation {IN} --phase {PHASE} --json {DIR}/o.json --csv {DIR}/o.csv", "--phase", "NMC"},
      {"rev {IN} --phase {PHASE} --json {DIR}/o.json --csv {DIR}/o.csv", "--phase", "NMC"},
      {"contacts {IN} --phase {PHASE} --json {DIR}/o.json --csv {DIR}/o.csv", "--phase", "NMC"},
      {"edt {IN} {DIR}/o.tif --phase {PHASE} --json {DIR}/o.json", "--phase", "NMC"},
      {"label {IN} {DIR}/o.tif --phase {PHASE} --json {DIR}/o.json --csv {DIR}/o.csv", "--phase", "NMC"},
      {"surface {IN} --phase {PHASE} --mesh {DIR}/o.ply --json {DIR}/o.json", "--phase", "NMC"},
      {"connectivity {IN} --phase {PHASE} --out {DIR}/o.tif --json {DIR}/o.json", "--phase", "pore"},
      {"tortuosity {IN} --phase {PHASE} --json {DIR}/o.json", "--phase", "pore"},
      {"fractions {IN} --phase {PHASE} --json {DIR}/o.json --csv {DIR}/o.csv", "--phase", "NMC"},
      {"profile {IN} --phase {PHASE} --json {DIR}/o.json --csv {DIR}/o.csv", "--phase", "NMC"},
      {"tpb {IN} --active {PHASE} --json {DIR}/o.json", "--active", "NMC"},
      {"tpb {IN} --conductor {PHASE} --json {DIR}/o.json", "--conductor", "CBD"},
  };
  for (const auto& c : commands)
    for (const std::string& phase : {std::string("LFP"), c.present}) {
      TempDir t;
      const std::string in = t / "labels.tif";
      write_labels_without_lfp(in);
      std::string args = c.args;
      for (const auto& [key, value] : {std::pair<std::string, std::string>{"{IN}", in}, {"{DIR}", t.path().string()}, {"{PHASE}", phase}})
        for (auto at = args.find(key); at != std::string::npos; at = args.find(key)) args.replace(at, key.size(), value);
      const auto r = run_cli(args);
      if (phase != "LFP") {  // the control: the command works on this volume when the phase is present
        EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.err;
        EXPECT_GT(folder_entries(t.path().string()).size(), 1u) << args;
        continue;
      }
      EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.err;
      EXPECT_NE(r.err.find("emorph: error: " + c.option + ": phase 'LFP'"), std::string::npos) << args << "\n" << r.err;
      EXPECT_NE(r.err.find("is absent from the volume"), std::string::npos) << args << "\n" << r.err;
      EXPECT_EQ(folder_entries(t.path().string()), std::vector<std::string>{"labels.tif"}) << args;
    }
}

// A --series volume of tortuosity without the conducting phase is refused the same way, naming it.
TEST(CliAbsentPhase, TortuositySeriesVolumeWithoutThePhaseIsRefused) {
  TempDir t;
  write_labels_without_lfp(t / "labels.tif");
  write_volume<uint8_t>(t / "solid.tif", Volume<uint8_t>::filled({24, 24, 24}, {0.5, 0.5, 0.5}, 1).view());
  const auto r = run_cli("tortuosity " + (t / "labels.tif") + " --phase pore --series " + (t / "solid.tif") +
                         " --json " + (t / "o.json"));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--series " + (t / "solid.tif") + ": --phase: phase 'pore' (label 0) is absent"), std::string::npos)
      << r.err;
  EXPECT_EQ(folder_entries(t.path().string()), (std::vector<std::string>{"labels.tif", "solid.tif"}));
}

// A preset without NMC (J: LFP electrode): the default lists name NMC, and analyze skips those steps
// with the reason instead of failing.
TEST(CliAbsentPhase, AnalyzeSkipsDefaultStepsOfAnAbsentPhase) {
  TempDir t;
  ASSERT_EQ(run_cli("synth --preset J --size 32 --seed 3 --out " + (t / "s")).exit_code, 0);
  std::ofstream(t / "c.toml") << "[measure]\nsurface = false\n[output]\nlabels = false\nslices = false\n";
  const auto r = run_cli("analyze " + (t / "s/labels.tif") + " --config " + (t / "c.toml") + " --out " + (t / "a"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json res = read_json(t / "a/results.json")["results"];
  EXPECT_FALSE(res["fractions"]["phases"].value("NMC", Json::object()).value("voxels", int64_t{0}) > 0);
  std::vector<std::string> skipped_nmc;
  for (const auto& s : res["skipped"])
    if (s.value("phase", "") == "NMC") {
      skipped_nmc.push_back(s["step"]);  // "[measure] particles"
      EXPECT_NE(s.value("reason", "").find("absent"), std::string::npos) << s.dump();
    }
  EXPECT_NE(std::find(skipped_nmc.begin(), skipped_nmc.end(), "[measure] particles"), skipped_nmc.end()) << res["skipped"].dump();
  EXPECT_NE(std::find(skipped_nmc.begin(), skipped_nmc.end(), "[measure] granulometry"), skipped_nmc.end())
      << res["skipped"].dump();
  EXPECT_TRUE(res["failed_steps"].empty()) << res["failed_steps"].dump();
}

}  // namespace
}  // namespace emorph
