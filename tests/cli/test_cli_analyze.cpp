#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli/cli_test.hpp"

// The demo pipeline end to end on a small synthetic XCT volume: every step runs, the measured NMC
// fraction matches the generator's exact truth. Intermodes puts the threshold halfway between the NMC
// and matrix grey, so blurred boundary voxels split evenly; 1.5 points allow for noise and the few
// large spheres of a 48^3 volume (measured: 24.22% vs 24.16% at 64^3).
TEST(CliAnalyze, DemoProducesResultsReportAndMatchesTruth) {
  TempDir dir;
  const std::string out = dir / "res";
  auto r = run_cli("analyze --demo --size 48 --voxel 0.5 --seed 3 --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* f : {"results.json", "report.html", "labels.tif", "profiles.csv", "particles_NMC.csv",
                        "slice_axis0.png", "slice_axis2.png", "analyze.log"})
    EXPECT_TRUE(fs::exists(fs::path(out) / f)) << f;
  const auto j = read_json(out + "/results.json");
  EXPECT_EQ(j["command"], "analyze");
  EXPECT_TRUE(j.contains("emorph_version"));
  const auto& res = j["results"];
  EXPECT_TRUE(res["failed_steps"].empty()) << res["failed_steps"].dump();
  for (const char* k : {"sample", "segmentation", "fractions", "profiles", "grey_profile", "surface", "granulometry",
                        "particles", "timings_s"})
    EXPECT_TRUE(res.contains(k)) << k;
  // The default XCT segmentation is NMC against the matrix: the pore-phase tortuosity is skipped, not failed.
  EXPECT_EQ(res["skipped"][0]["phase"], "pore");
  const double measured = res["fractions"]["phases"]["NMC"]["volume_fraction"];
  const double truth = res["truth"]["phases"]["NMC"]["volume_fraction"];
  // The default (mixture) route reads preset F's multi-level matrix as brighter than its mode and
  // over-segments NMC: +2.4 vol% here (issue 14, docs/validation.md); the band must hold the truth.
  EXPECT_NEAR(measured, truth, 0.03);
  const auto& band = res["fractions"]["phases"]["NMC"]["volume_fraction_band"];
  EXPECT_LE(band[0].get<double>(), truth);
  EXPECT_GE(band[1].get<double>(), truth);
  const auto& nmc = res["profiles"]["phases"]["NMC"];
  EXPECT_EQ(nmc["position_um"].size(), 48u);
  EXPECT_TRUE(nmc["rsd_percent"].is_number());
  const std::string html = read_text(out + "/report.html");
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("data:image/png;base64,"), std::string::npos);
  EXPECT_EQ(html.find("src=\"http"), std::string::npos);
}

// Threshold specks (< min_particle_voxels) leave the particle table but are counted: the particles
// kept plus those excluded equal the particles found without the minimum. [particles] min_volume_um3
// (particles' own key, in um^3) sets the same minimum as the older [measure] min_particle_voxels.
TEST(CliAnalyze, MinParticleVoxelsExcludesSpecksAndCountsThem) {
  TempDir dir;
  const std::string none = dir / "none.toml", dflt = dir / "default.toml", none_um3 = dir / "none_um3.toml";
  const std::string fast = "[measure]\nsurface = false\ngranulometry = []\ntortuosity = []\n[output]\nlabels = false\nslices = false\n";
  std::ofstream(dflt) << fast;
  std::ofstream(none) << "[measure]\nmin_particle_voxels = 0\nsurface = false\ngranulometry = []\ntortuosity = []\n"
                         "[output]\nlabels = false\nslices = false\n";
  ASSERT_EQ(run_cli("analyze --demo --size 64 --config " + dflt + " --out " + (dir / "d")).exit_code, 0);
  ASSERT_EQ(run_cli("analyze --demo --size 64 --config " + none + " --out " + (dir / "n")).exit_code, 0);
  std::ofstream(none_um3) << fast << "[particles]\nmin_volume_um3 = 0\n";
  ASSERT_EQ(run_cli("analyze --demo --size 64 --config " + none_um3 + " --out " + (dir / "u")).exit_code, 0);
  const auto d = read_json(dir / "d/results.json")["results"]["particles"]["NMC"];
  const auto n = read_json(dir / "n/results.json")["results"]["particles"]["NMC"];
  const auto u = read_json(dir / "u/results.json")["results"]["particles"]["NMC"];
  EXPECT_EQ(read_json(dir / "u/results.json")["parameters"]["min_volume_um3"], 0.0);
  EXPECT_EQ(u["count"], n["count"]);
  EXPECT_EQ(u["excluded_small"], 0);
  EXPECT_EQ(n["excluded_small"], 0);
  EXPECT_GT(d["excluded_small"].get<int>(), 0);
  EXPECT_EQ(d["count"].get<int>() + d["excluded_small"].get<int>(), n["count"].get<int>());
}

TEST(CliAnalyze, BadConfigNamesLineAndKeyAndWritesNothing) {
  TempDir dir;
  const std::string cfg = dir / "bad.toml";
  std::ofstream(cfg) << "[measure]\nfractions = true\ngranulometri = [\"NMC\"]\n";
  auto r = run_cli("analyze --demo --config " + cfg + " --out " + (dir / "res"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad.toml:3"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("measure.granulometri"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "res"));
}

TEST(CliAnalyze, MissingInputAndUnknownPhase) {
  TempDir dir;
  auto r = run_cli("analyze " + (dir / "nope.tif") + " --out " + (dir / "res"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("nope.tif"), std::string::npos) << r.err;
  // A failed analysis leaves only its log, which names the failed step.
  EXPECT_FALSE(fs::exists(dir / "res/results.json"));
  EXPECT_NE(read_text(dir / "res/analyze.log").find("[load] FAILED"), std::string::npos);

  const std::string cfg = dir / "c.toml";
  std::ofstream(cfg) << "[measure]\nparticles = [\"graphite\"]\ngranulometry = []\ntortuosity = []\n";
  r = run_cli("analyze --demo --size 32 --voxel 0.6 --config " + cfg + " --out " + (dir / "res2"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("graphite"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "res2/results.json"));  // no partial results
}

TEST(CliAnalyze, InitConfigWritesParsableExampleAndRefusesOverwrite) {
  TempDir dir;
  const std::string cfg = dir / "emorph.toml";
  ASSERT_EQ(run_cli("init-config " + cfg).exit_code, 0);
  EXPECT_EQ(run_cli("init-config " + cfg).exit_code, 2);
  std::ofstream(cfg, std::ios::app) << "\n[demo]\nsize = 32\nvoxel_um = 0.6\n";
  std::string text = read_text(cfg);
  // Keep the run short: drop the heavier measurements.
  text.replace(text.find("granulometry = [\"NMC\", \"pore\"]"), 30, "granulometry = []");
  text.replace(text.find("tortuosity = [\"pore\"]"), 21, "tortuosity = []");
  std::ofstream(cfg) << text;
  auto r = run_cli("analyze --config " + cfg + " --out " + (dir / "res"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

// compare builds the Table-1 layout from two analyses; the NMC fraction of each row equals its analysis.
TEST(CliAnalyze, CompareTwoSamples) {
  TempDir dir;
  const std::string cfg = dir / "fast.toml";
  std::ofstream(cfg) << "[measure]\ngranulometry = []\ntortuosity = []\n";
  for (const char* p : {"A", "J"})
    ASSERT_EQ(run_cli(std::string("analyze --demo --size 40 --voxel 1.0 --preset ") + p + " --config " + cfg + " --out " + (dir / p)).exit_code, 0);
  auto r = run_cli("compare " + (dir / "A") + " " + (dir / "J") + " --out " + (dir / "cmp"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto c = read_json(dir / "cmp/compare.json");
  ASSERT_EQ(c["samples"].size(), 2u);
  const auto a = read_json(dir / "A/results.json");
  EXPECT_DOUBLE_EQ(c["samples"][0]["phases"]["NMC"]["volume_fraction"].get<double>(),
                   a["results"]["fractions"]["phases"]["NMC"]["volume_fraction"].get<double>());
  EXPECT_TRUE(fs::exists(dir / "cmp/table.csv"));
  EXPECT_TRUE(fs::exists(dir / "cmp/report.html"));
  EXPECT_EQ(run_cli("compare " + (dir / "missing") + " --out " + (dir / "cmp2")).exit_code, 2);
}

// compare's Table-1 columns against each synthetic preset's truth, measured on the same bulk window
// (the demo measures its generator's labels exactly like the segmented ones). Tolerances: the default
// route (intermodes after a 3x3x3 median) puts NMC within 0.7 vol% of the truth on A and F at 128^3;
// boundary errors are spread evenly through
// the thickness, so the bulk slope moves by well under 0.03 vol%/um, a third of the paper's smallest
// reported gradient.
TEST(CliAnalyze, CompareMatchesEachPresetsTruth) {
  TempDir dir;
  const std::string cfg = dir / "fast.toml";
  std::ofstream(cfg) << "[measure]\nsurface = false\ngranulometry = []\nparticles = []\ntortuosity = []\n"
                        "[output]\nlabels = false\nslices = false\n";
  for (const char* p : {"A", "F", "J"})
    ASSERT_EQ(run_cli(std::string("analyze --demo --preset ") + p + " --config " + cfg + " --out " + (dir / p)).exit_code, 0);
  auto r = run_cli("compare " + (dir / "A") + " " + (dir / "F") + " " + (dir / "J") + " --out " + (dir / "cmp"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto c = read_json(dir / "cmp/compare.json");
  ASSERT_EQ(c["samples"].size(), 3u);
  for (int i = 0; i < 2; ++i) {
    const auto& s = c["samples"][i];
    const auto& nmc = s["phases"]["NMC"];
    const auto& truth = s["truth"]["NMC"];
    EXPECT_NEAR(nmc["mean_fraction"].get<double>(), truth["mean_fraction"].get<double>(), 0.03) << s["sample"];
    EXPECT_NEAR(nmc["volume_fraction"].get<double>(), truth["volume_fraction"].get<double>(), 0.03) << s["sample"];
    EXPECT_NEAR(100 * nmc["slope_per_um"].get<double>(), 100 * truth["slope_per_um"].get<double>(), 0.03) << s["sample"];
  }
  // J has no NMC in truth or measurement: its NMC cells stay empty, not zero.
  EXPECT_FALSE(c["samples"][2]["truth"].contains("NMC"));
  EXPECT_TRUE(c["samples"][2]["phases"]["NMC"]["volume_fraction"].is_null());
  const std::string csv = read_text(dir / "cmp/table.csv");
  EXPECT_NE(csv.find("truth_NMC_slope_vol_percent_per_um"), std::string::npos);
}

// Multiscale: an XCT analysis (NMC against the matrix) and a FIB/SEM-scale label volume of the same
// kind of electrode in one comparison: size curves per phase and the matrix composition at both scales.
TEST(CliAnalyze, CompareCombinesXctAndFibsemScales) {
  TempDir dir;
  const std::string cfg = dir / "fast.toml";
  std::ofstream(cfg) << "[measure]\nsurface = false\ngranulometry = [\"pore\"]\nparticles = []\ntortuosity = []\n"
                        "[output]\nlabels = false\nslices = false\n";
  ASSERT_EQ(run_cli("analyze --demo --preset H --size 48 --voxel 0.5 --config " + cfg + " --out " + (dir / "xct")).exit_code, 0);
  ASSERT_EQ(run_cli("synth --preset H --size 40 --voxel 0.05 --seed 2 --out " + (dir / "fib")).exit_code, 0);
  auto r = run_cli("analyze " + (dir / "fib/labels.tif") + " --config " + cfg + " --out " + (dir / "fibres"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run_cli("compare " + (dir / "xct") + " " + (dir / "fibres") + " --names XCT,FIBSEM --out " + (dir / "cmp"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string matrix = read_text(dir / "cmp/matrix_composition.csv");
  EXPECT_NE(matrix.find("matrix_percent_of_matrix"), std::string::npos) << matrix;
  EXPECT_NE(matrix.find("LFP_percent_of_matrix"), std::string::npos) << matrix;
  EXPECT_NE(matrix.find("FIBSEM,"), std::string::npos) << matrix;
  const std::string html = read_text(dir / "cmp/report.html");
  EXPECT_NE(html.find("pore size distributions"), std::string::npos);
  EXPECT_NE(html.find("Matrix composition"), std::string::npos);
}
