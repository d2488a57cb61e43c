// analyze under --memory-limit (issue 18): on a volume larger than the limit the steps with a streamed
// kernel (sample, region, fractions, profiles, surface, granulometry, labels.tif) give exactly the
// in-core results, particles within 1 %, the others are skipped with a reason, the report is written and the peak RSS stays
// within limit x 1.25 + 48 MiB.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "support/streamed_peak.hpp"
#include "cli/cli_test.hpp"

namespace {

class CliStreamingAnalyze : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(run_cli("--quiet synth --preset F --size 64 --seed 3 --xct --out " + dir_ / "synth").exit_code, 0);
  }
  std::string analyze(const std::string& global, const std::string& input, const std::string& tag,
                      const std::string& extra = "") {
    const std::string out = dir_ / tag;
    const auto r = run_cli(global + " --quiet analyze " + input + " --out " + out + " " + extra);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return out;
  }
  TempDir dir_;
};

// Exact results: every measurement that streams is equal to the in-core run's as JSON.
TEST_F(CliStreamingAnalyze, LabelInputStreamsTheExactStepsAndSkipsTheOthersWithAReason) {
  const std::string labels = dir_ / "synth/labels.tif";
  // The in-core run without the steps that do not stream (they would only take time here).
  const std::string core = analyze("", labels, "core", "--set measure.particles=[] --set measure.tortuosity=[]");
  const std::string streamed = analyze("--memory-limit 96KiB", labels, "streamed");
  const Json a = read_json(core + "/results.json"), b = read_json(streamed + "/results.json");
  for (const char* key : {"sample", "fractions", "profiles", "surface", "granulometry"})
    EXPECT_EQ(a["results"][key], b["results"][key]) << key;
  EXPECT_TRUE(b["results"]["granulometry"].contains("NMC"));
  EXPECT_EQ(read_text(core + "/profiles.csv"), read_text(streamed + "/profiles.csv"));
  EXPECT_EQ(read_text(core + "/labels.tif"), read_text(streamed + "/labels.tif"));
  EXPECT_FALSE(a.contains("memory"));
  EXPECT_EQ(b["memory"]["streamed"], true);
  std::set<std::string> skipped;
  for (const auto& s : b["results"]["skipped"]) {
    skipped.insert(s["step"].get<std::string>());
    EXPECT_NE(s["reason"].get<std::string>().find("--memory-limit"), std::string::npos) << s;
  }
  // At 96 KiB one slab and the particles' halos (16 slices each side) do not fit: skipped with the size needed.
  for (const char* step : {"particles", "tortuosity", "slice_views"}) EXPECT_EQ(skipped.count(step), 1u) << step;
  EXPECT_TRUE(b["results"]["particles"].empty());
  // The granulometry's EDT gave NMC's largest radius: the particle step was refused before its own EDT.
  for (const auto& s : b["results"]["skipped"])
    if (s["step"] == "particles")
      EXPECT_NE(s["reason"].get<std::string>().find("known before its distance transform from the phase's granulometry"),
                std::string::npos)
          << s;
  EXPECT_TRUE(fs::exists(streamed + "/report.html"));
  for (const auto& entry : fs::directory_iterator(streamed))  // no scratch store or hidden labels left
    EXPECT_NE(entry.path().filename().string()[0], '.') << entry.path();
}

// With room for the halos, the particles step streams (seam-stitched separation): the count and D50 equal
// the in-core run's here (the contract allows 1 %), and the per-particle table is written.
TEST_F(CliStreamingAnalyze, ParticlesStreamWhenTheHalosFit) {
  const std::string labels = dir_ / "synth/labels.tif";
  const std::string only_particles = "--set measure.tortuosity=[] --set measure.granulometry=[]";
  const std::string core = analyze("", labels, "core", only_particles);
  const std::string streamed = analyze("--memory-limit 6MiB", labels, "streamed", only_particles);
  const Json a = read_json(core + "/results.json"), b = read_json(streamed + "/results.json");
  ASSERT_EQ(b["memory"]["streamed"], true);
  const Json& pa = a["results"]["particles"]["NMC"];
  const Json& pb = b["results"]["particles"]["NMC"];
  ASSERT_GT(pa["count"].get<double>(), 10);
  EXPECT_NEAR(pb["count"].get<double>(), pa["count"].get<double>(), 0.01 * pa["count"].get<double>());
  EXPECT_NEAR(pb["d50_um"].get<double>(), pa["d50_um"].get<double>(), 0.01 * pa["d50_um"].get<double>());
  EXPECT_TRUE(fs::exists(streamed + "/particles_NMC.csv"));
  for (const auto& s : b["results"]["skipped"]) EXPECT_NE(s["step"], "particles") << s;
}

// The granulometry's largest radius, passed to the particle step (issue 18 stop 21), changes no result
// when the halos fit: the particles and their table equal those of a run without granulometry.
TEST_F(CliStreamingAnalyze, ParticlesWithTheGranulometryRadiusEqualThoseWithout) {
  const std::string labels = dir_ / "synth/labels.tif";
  const std::string with = analyze("--memory-limit 6MiB", labels, "with", "--set measure.tortuosity=[]");
  const std::string without =
      analyze("--memory-limit 6MiB", labels, "without", "--set measure.tortuosity=[] --set measure.granulometry=[]");
  const Json a = read_json(with + "/results.json"), b = read_json(without + "/results.json");
  ASSERT_TRUE(a["results"]["granulometry"].contains("NMC"));
  ASSERT_GT(a["results"]["particles"]["NMC"]["count"].get<double>(), 10);
  EXPECT_EQ(a["results"]["particles"], b["results"]["particles"]);
  EXPECT_EQ(read_text(with + "/particles_NMC.csv"), read_text(without + "/particles_NMC.csv"));
}

// A grey input is segmented by slabs (no layer detection); the label steps then read that label file.
TEST_F(CliStreamingAnalyze, GreyInputIsSegmentedBySlabsAsInCore) {
  const std::string input = dir_ / "synth/xct.tif";
  const std::string args = "--method otsu --set preprocess.denoise=none --set measure.particles=[] --set measure.tortuosity=[]"
                           " --set measure.granulometry=[]";
  const std::string core = analyze("", input, "core", args);
  const std::string streamed = analyze("--memory-limit 96KiB", input, "streamed", args);
  const Json a = read_json(core + "/results.json"), b = read_json(streamed + "/results.json");
  EXPECT_EQ(a["results"]["sample"]["kind"], "grey");
  EXPECT_EQ(b["results"]["sample"]["kind"], "grey");
  EXPECT_EQ(a["results"]["segmentation"]["thresholds"], b["results"]["segmentation"]["thresholds"]);
  // No collector or air layer in this sample: in core, too, the whole volume is segmented.
  EXPECT_EQ(a["results"]["sample"]["layers"]["lower"], "none");
  EXPECT_EQ(a["results"]["sample"]["layers"]["upper"], "none");
  for (const char* key : {"fractions", "profiles", "surface"}) EXPECT_EQ(a["results"][key], b["results"][key]) << key;
  // The in-core LFP step adds its own keys to grey_profile; the streamed run skips it.
  for (const char* key : {"position_um", "mean_grey", "voxels"})
    EXPECT_EQ(a["results"]["grey_profile"][key], b["results"]["grey_profile"][key]) << key;
  EXPECT_TRUE(fs::exists(streamed + "/report.html"));
}

// Peak RSS of a streamed analyze (granulometry's scratch stores included) within the bound.
TEST_F(CliStreamingAnalyze, PeakResidentSetStaysWithinTheLimit) {
  const std::string out = dir_ / "peak";
  emorph::test::expect_streamed_peak_within("analyze", "--memory-limit 1MiB --quiet analyze " + dir_ / "synth/labels.tif" +
                                                           " --out " + out,
                                            out + "/results.json", dir_, 1.25 * (1 << 20) + 48.0 * (1 << 20));
}

}  // namespace
