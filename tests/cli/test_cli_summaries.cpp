// End-to-end (CONTRACT.md "Outputs"): without --json every command prints a short human summary (never
// the JSON), and `--json -` writes the JSON envelope alone to standard output, for every command that
// computes figures.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/cli_test.hpp"

namespace {

struct Invocation {
  std::string command, args;  // args: after the input; %L the label volume, %G the grey volume, %D the case folder
};

std::string expand(std::string s, const TempDir& dir) {
  for (const auto& [token, value] : {std::pair<std::string, std::string>{"%L", dir / "s/labels.tif"},
                                     {"%G", dir / "s/xct.tif"},
                                     {"%D", dir.path().string()}}) {
    for (std::size_t at; (at = s.find(token)) != std::string::npos;) s.replace(at, token.size(), value);
  }
  return s;
}

bool parses_as_json(const std::string& text) {
  return nlohmann::json::accept(text);
}

}  // namespace

TEST(CliSummaries, EveryCommandPrintsASummaryAndJsonDashPrintsTheEnvelope) {
  TempDir dir;
  // The synth command itself is one of the cases: its --json is the summary's envelope.
  ASSERT_EQ(run_cli("synth --preset F --size 40 --voxel 0.5 --seed 2 --xct --out " + dir / "s").exit_code, 0);
  const std::vector<Invocation> cases = {
      {"synth", "--preset F --size 36 --voxel 0.5 --seed 2 --out %D/synth%N"},
      {"info", "%L"},
      {"crop", "%L %D/crop%N.tif --box 0:8,0:8,0:8"},
      {"rescale", "%L %D/rescale%N.tif --factor 2"},
      {"slice", "%L %D/slice%N.png"},
      {"histogram", "%G"},
      {"denoise", "%G %D/denoise%N.tif --filter median:1"},
      {"segment", "%G %D/segment%N.tif --method otsu --classes pore,NMC"},
      {"fractions", "%L"},
      {"profile", "%L"},
      {"surface", "%L"},
      {"edt", "%L %D/edt%N.tif --phase NMC"},
      {"label", "%L %D/label%N.tif --phase NMC"},
      {"localthickness", "%L %D/lt%N.tif --phase NMC"},
      {"granulometry", "%L --phase NMC"},
      {"particles", "%L --phase NMC"},
      {"contacts", "%L --phase NMC"},
      {"chords", "%L --phase NMC"},
      {"correlation", "%L --phase NMC"},
      {"rev", "%L --phase NMC"},
      {"tortuosity", "%L --phase pore"},
      {"connectivity", "%L --phase pore"},
      {"tpb", "%L --active NMC"},
      {"composition", "--wt NMC=50,LFP=50 --porosity 40"},
      {"calibrate", "--grey 10,20,30 --lfp-fraction 0.1,0.2,0.3"},
  };
  for (const auto& c : cases) {
    for (const std::string round : {"1", "2"}) {
      std::string args = c.args;
      for (std::size_t at; (at = args.find("%N")) != std::string::npos;) args.replace(at, 2, round);
      args = expand(args, dir);
      if (round == "1") {
        const auto r = run_cli(c.command + " " + args);
        ASSERT_EQ(r.exit_code, 0) << c.command << ": " << r.err;
        EXPECT_FALSE(r.out.empty()) << c.command << " prints no summary";
        EXPECT_LE(std::count(r.out.begin(), r.out.end(), '\n'), 40) << c.command << ":\n" << r.out;
        EXPECT_FALSE(parses_as_json(r.out)) << c.command << " prints JSON without --json:\n" << r.out;
        EXPECT_NE(r.out.find(':'), std::string::npos) << c.command << ":\n" << r.out;  // "key: value" lines
      } else {
        const auto r = run_cli(c.command + " " + args + " --json -");
        ASSERT_EQ(r.exit_code, 0) << c.command << ": " << r.err;
        ASSERT_TRUE(parses_as_json(r.out)) << c.command << " --json - is not JSON alone:\n" << r.out;
        const auto envelope = nlohmann::json::parse(r.out);
        EXPECT_EQ(envelope["command"], c.command);
        EXPECT_TRUE(envelope.contains("results")) << c.command;
      }
    }
  }
  // convert computes no figures: it says what it wrote.
  const auto converted = run_cli("convert " + dir / "s/labels.tif " + dir / "c.nrrd");
  ASSERT_EQ(converted.exit_code, 0) << converted.err;
  EXPECT_NE(converted.out.find("wrote " + dir / "c.nrrd: 40 x 40 x 40 voxels, uint8"), std::string::npos) << converted.out;
}
