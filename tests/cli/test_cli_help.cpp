// End-to-end: `emorph` alone and `emorph help` list the commands; without --json a command prints a short
// summary; `--json -` writes the JSON envelope to standard output (CONTRACT.md "Outputs").
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "emorph/result.hpp"
#include "cli/cli_test.hpp"

namespace {

std::size_t line_count(const std::string& s) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')); }

TEST(CliHelp, BareCommandAndHelpListEveryCommandOnOneLine) {
  for (const std::string args : {"", "help"}) {
    const auto r = run_cli(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    for (const std::string name : {"analyze", "segment", "fractions", "particles", "tortuosity", "synth"})
      EXPECT_NE(r.out.find("\n  " + name + " "), std::string::npos) << "'" << args << "' lacks " << name << ":\n" << r.out;
    EXPECT_LT(line_count(r.out), 60u) << r.out;
  }
}

TEST(CliHelp, HelpOfOneCommandAndUnknownCommand) {
  EXPECT_NE(run_cli("help segment").out.find("--method"), std::string::npos);
  const auto bad = run_cli("help nonsense");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("nonsense"), std::string::npos) << bad.err;
}

TEST(CliHelp, ProfileWithoutJsonPrintsAScreenAndJsonDashPrintsTheEnvelope) {
  TempDir dir;
  ASSERT_EQ(run_cli("synth --preset F --size 64 --seed 1 --quiet --out " + dir / "s").exit_code, 0);
  const auto summary = run_cli("--quiet profile " + dir / "s/labels.tif --voxel 0.32");
  ASSERT_EQ(summary.exit_code, 0) << summary.err;
  EXPECT_LE(line_count(summary.out), 40u) << summary.out;
  EXPECT_NE(summary.out.find("mean_fraction"), std::string::npos) << summary.out;

  const auto full = run_cli("--quiet profile " + dir / "s/labels.tif --voxel 0.32 --json -");
  ASSERT_EQ(full.exit_code, 0) << full.err;
  const auto envelope = nlohmann::json::parse(full.out);  // stdout holds the JSON alone
  EXPECT_EQ(envelope["command"], "profile");
  EXPECT_EQ(envelope["parallel"]["ranks"], 1);
  EXPECT_EQ(envelope["results"]["phases"]["NMC"]["fraction"].size(), 64u);
}

TEST(ResultSummary, LongArraysBecomeCountAndRangeAndTheLineBudgetHolds) {
  emorph::Json results = {{"count", 3}, {"d50_um", 1.23456789}, {"values", emorph::Json::array()}};
  for (int i = 0; i < 100; ++i) results["values"].push_back(i);
  const std::string text = emorph::summarize_results(results);
  EXPECT_NE(text.find("count: 3"), std::string::npos) << text;
  EXPECT_NE(text.find("d50_um: 1.23457"), std::string::npos) << text;
  EXPECT_NE(text.find("values: [100 values, 0 .. 99]"), std::string::npos) << text;

  emorph::Json many = emorph::Json::object();
  for (int i = 0; i < 100; ++i) many["key" + std::to_string(1000 + i)] = i;
  const std::string cut = emorph::summarize_results(many, 10);
  EXPECT_EQ(line_count(cut), 10u) << cut;
  EXPECT_NE(cut.find("91 more lines"), std::string::npos) << cut;
}

}  // namespace
