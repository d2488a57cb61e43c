// analyze on the inputs users have (issue #14, points 4-6): a collector and air around the electrode
// of a grey volume, phase tables other than the default, and failed analyses that leave nothing behind.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "emorph/io.hpp"
#include "emorph/synth/electrode.hpp"
#include "emorph/synth/xct.hpp"
#include "cli/cli_test.hpp"

namespace {

// The cheap steps only: fractions, profiles, surface.
std::string fast_config(const TempDir& dir) {
  const std::string cfg = dir / "fast.toml";
  std::ofstream(cfg) << "[measure]\ngranulometry = []\nparticles = []\ntortuosity = []\n[output]\nslices = false\n";
  return cfg;
}

struct LayeredSample {
  emorph::Volume<uint8_t> labels;
  double thickness_um = 0;             // electrode only
  double nmc_electrode_fraction = 0;   // NMC voxels / electrode voxels (collector and air excluded)
};

// Preset F's electrode on a collector (label 4) with air (pore) above, along z; flipped: collector on top.
LayeredSample electrode_on_collector(double collector_um, double air_um, bool flipped, uint64_t seed,
                                     int64_t lateral = 64) {
  const double voxel = 0.5;
  const int64_t electrode_z = 80;  // a 40 um electrode, at least 20 um wide (> the NMC D90)
  emorph::synth::SynthParams sp = emorph::synth::preset("F", 64, voxel, seed);
  const int64_t collector_z = std::llround(collector_um / voxel), air_z = std::llround(air_um / voxel);
  sp.shape = {electrode_z + collector_z, lateral, lateral};
  sp.collector_um = collector_um;
  const auto gen = emorph::synth::generate_electrode(sp);
  LayeredSample s;
  const int64_t nz = electrode_z + collector_z + air_z, plane = lateral * lateral;
  s.labels = emorph::Volume<uint8_t>::filled({nz, lateral, lateral}, emorph::Spacing{voxel, voxel, voxel}, 0);
  int64_t nmc = 0;
  for (int64_t z = 0; z < sp.shape.nz; ++z) {
    const int64_t to = flipped ? nz - 1 - z : z;
    std::copy_n(&gen.labels(z, 0, 0), plane, &s.labels(to, 0, 0));
    nmc += std::count(&gen.labels(z, 0, 0), &gen.labels(z, 0, 0) + plane, uint8_t{1});
  }
  s.thickness_um = gen.electrode_thickness_um;
  s.nmc_electrode_fraction = static_cast<double>(nmc) / static_cast<double>(electrode_z * plane);
  return s;
}

}  // namespace

// Collectors 3 to 20 um thick with 6 um of air above, at either end: the electrode region, its thickness
// and the NMC fraction inside it hold against the generator's truth. Tolerances are the targets:
// thickness within 1 um (the grey boundaries are interpolated between slice centres, 0.5 um apart),
// NMC within 1.5 vol% (the XCT segmentation alone moves it by under 1 vol%, docs/segmentation.md).
TEST(CliAnalyzeRegion, GreyCollectorAndAirAreExcludedFromTheElectrode) {
  TempDir dir;
  const std::string cfg = fast_config(dir);
  struct Case {
    double collector_um;
    bool flipped;
  };
  for (const Case c : {Case{3, false}, Case{20, false}, Case{8, true}}) {
    SCOPED_TRACE("collector " + std::to_string(c.collector_um) + " um" + (c.flipped ? ", on top" : ""));
    const auto sample = electrode_on_collector(c.collector_um, 6.0, c.flipped, 11);
    emorph::synth::XctParams xp;
    xp.seed = 5;
    const std::string grey = dir / "grey.tif", out = dir / "res";
    emorph::write_volume(grey, emorph::synth::simulate_xct(sample.labels.view(), xp).image);
    const auto r = run_cli("analyze " + grey + " --config " + cfg + " --out " + out);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto res = read_json(out + "/results.json")["results"];
    const auto& region = res["sample"]["electrode_region"];
    EXPECT_EQ(region["source"], "grey");
    EXPECT_NEAR(res["sample"]["thickness_um"].get<double>(), sample.thickness_um, 1.0) << region.dump();
    EXPECT_NEAR(region["collector_um"].get<double>(), c.collector_um, 1.0) << region.dump();
    EXPECT_EQ(res["sample"]["layers"][c.flipped ? "upper" : "lower"], "collector");
    EXPECT_EQ(res["sample"]["layers"][c.flipped ? "lower" : "upper"], "air");
    const auto& nmc = res["fractions"]["phases"]["NMC"];
    EXPECT_NEAR(nmc["electrode_volume_fraction"].get<double>(), sample.nmc_electrode_fraction, 0.015);
    std::cout << "collector " << c.collector_um << " um" << (c.flipped ? " on top" : "") << ": thickness "
              << res["sample"]["thickness_um"] << " (truth " << sample.thickness_um << "), collector "
              << region["collector_um"] << ", NMC " << nmc["electrode_volume_fraction"] << " (truth "
              << sample.nmc_electrode_fraction << ")\n";
    // The collector is label 4 in labels.tif and a phase of its own, never NMC.
    EXPECT_TRUE(res["fractions"]["phases"].contains("collector"));
    EXPECT_EQ(res["fractions"]["phases"]["collector"]["label"], 4);
    const auto volume = emorph::read_volume(out + "/labels.tif");
    const auto& labels = volume.as<uint8_t>();
    const int64_t collector_slice = c.flipped ? labels.shape().nz - 1 : 0;
    EXPECT_EQ(labels(collector_slice, 10, 10), 4);
    // The bulk window lies inside the electrode.
    const auto& bulk = res["profiles"]["bulk"];
    EXPECT_GE(bulk["start_um"].get<double>(), region["start_um"].get<double>());
    EXPECT_LE(bulk["end_um"].get<double>(), region["end_um"].get<double>());
  }
}

// Regression: `synth --preset F --xct` has no collector, but its first slices above the flat face hold
// little NMC; analyze took them for a 0.6 um "collector" (thickness 19.88 of 20.48 um). No layer now:
// the electrode region is the whole volume, exactly.
TEST(CliAnalyzeRegion, GreyElectrodeWithoutCollectorKeepsItsFullThickness) {
  TempDir dir;
  ASSERT_EQ(run_cli("synth --preset F --size 64 --seed 1 --xct --out " + (dir / "s")).exit_code, 0);
  const std::string out = dir / "res";
  const auto r = run_cli("analyze " + (dir / "s/xct.tif") + " --config " + fast_config(dir) + " --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto res = read_json(out + "/results.json")["results"];
  EXPECT_EQ(res["sample"]["layers"]["lower"], "none");
  EXPECT_EQ(res["sample"]["layers"]["upper"], "none");
  EXPECT_DOUBLE_EQ(res["sample"]["thickness_um"].get<double>(), 64 * 0.32);
  EXPECT_FALSE(res["fractions"]["phases"].contains("collector"));
}

// A label volume with the collector label: tortuosity runs in the electrode region (the collector would
// block every path), and a null tau carries its reason in results.json and the report.
TEST(CliAnalyzeRegion, LabelCollectorTortuosityInElectrodeRegionAndNullTauExplained) {
  TempDir dir;
  auto sample = electrode_on_collector(4, 0, false, 3, 40);
  const std::string labels = dir / "labels.tif", cfg = dir / "t.toml";
  emorph::write_volume(labels, sample.labels);
  std::ofstream(cfg) << "[measure]\nsurface = false\ngranulometry = []\nparticles = []\ntortuosity = [\"pore\", \"collector\"]\n"
                        "[output]\nslices = false\n";
  const auto r = run_cli("analyze " + labels + " --config " + cfg + " --out " + (dir / "res"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto res = read_json(dir / "res/results.json")["results"];
  const auto& pore = res["tortuosity"]["pore"];
  EXPECT_TRUE(pore["tau"].is_number()) << pore.dump();
  EXPECT_EQ(pore["slices"][0], 8);  // 4 um of collector at 0.5 um
  EXPECT_FALSE(pore.contains("tau_null_reason"));
  // The collector is absent from the electrode region: no path, tau null, and the reason given.
  const auto& collector = res["tortuosity"]["collector"];
  EXPECT_TRUE(collector["tau"].is_null());
  ASSERT_TRUE(collector.contains("tau_null_reason"));
  EXPECT_NE(collector["tau_null_reason"].get<std::string>().find("no percolating path"), std::string::npos);
  EXPECT_NE(read_text(dir / "res/report.html").find("No tortuosity factor for collector"), std::string::npos);
}

// --phases pore=0,fiber=1: every default step follows the table (fractions, profiles, surfaces,
// granulometry and tortuosity of both phases, particles of the fibre), none fails.
TEST(CliAnalyzeRegion, ForeignPhaseTableMeasuresItsOwnPhases) {
  TempDir dir;
  // Fibres along x and y through a 40^3 box: pore 0, fibre 1.
  emorph::Volume<uint8_t> v = emorph::Volume<uint8_t>::filled({40, 40, 40}, {1.3, 1.3, 1.3}, 0);
  for (int64_t z = 0; z < 40; ++z)
    for (int64_t y = 0; y < 40; ++y)
      for (int64_t x = 0; x < 40; ++x) {
        const bool along_x = (y % 10 - 4) * (y % 10 - 4) + (z % 8 - 3) * (z % 8 - 3) <= 4;
        const bool along_y = ((x + 5) % 10 - 4) * ((x + 5) % 10 - 4) + ((z + 4) % 8 - 3) * ((z + 4) % 8 - 3) <= 4;
        // Vertical posts join the layers so the fibre percolates along z too.
        const bool post = (x % 20 == 2) && (y % 20 == 4);
        v(z, y, x) = along_x || along_y || post;
      }
  const std::string path = dir / "fibres.tif";
  emorph::write_volume(path, v);
  const auto r = run_cli("analyze " + path + " --phases pore=0,fiber=1 --out " + (dir / "res"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto res = read_json(dir / "res/results.json")["results"];
  EXPECT_TRUE(res["failed_steps"].empty());
  for (const char* step : {"fractions", "profiles", "surface"})
    for (const char* phase : {"pore", "fiber"}) EXPECT_TRUE(res[step]["phases"].contains(phase)) << step << " " << phase;
  for (const char* phase : {"pore", "fiber"}) {
    EXPECT_TRUE(res["granulometry"].contains(phase)) << phase;
    EXPECT_TRUE(res["tortuosity"][phase]["tau"].is_number()) << phase;
  }
  EXPECT_GT(res["particles"]["fiber"]["count"].get<int>(), 0);
  const double fibre = res["fractions"]["phases"]["fiber"]["volume_fraction"];
  int64_t ones = 0;
  for (int64_t i = 0; i < v.size(); ++i) ones += v.data()[i];
  EXPECT_DOUBLE_EQ(fibre, static_cast<double>(ones) / static_cast<double>(v.size()));
}

namespace {

// Preset F's labels relabelled like the TauFactor volume: pore 0, NMC 85, CBD 170 (LFP counted as CBD).
std::string taufactor_like(const TempDir& dir) {
  auto labels = emorph::synth::generate_electrode(emorph::synth::preset("F", 40, 0.5, 4)).labels;
  for (int64_t i = 0; i < labels.size(); ++i) {
    uint8_t& l = labels.data()[i];
    l = l == 0 ? 0 : (l == 1 ? 85 : 170);
  }
  const std::string path = dir / "three.tif";
  emorph::write_volume(path, labels);
  return path;
}

}  // namespace

// Labels outside the table (CONTRACT): measured as label_<n> with a warning, by analyze and the commands.
TEST(CliAnalyzeRegion, UnlistedLabelsAreMeasuredNotDropped) {
  TempDir dir;
  const std::string path = taufactor_like(dir), cfg = fast_config(dir);
  auto r = run_cli("analyze " + path + " --config " + cfg + " --out " + (dir / "res"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("labels 85, 170 not in the phase table"), std::string::npos) << r.err;
  const auto res = read_json(dir / "res/results.json")["results"];
  double sum = 0;
  for (const auto& [name, p] : res["fractions"]["phases"].items()) sum += p["volume_fraction"].get<double>();
  EXPECT_NEAR(sum, 1.0, 1e-12);  // no voxel dropped
  for (const char* step : {"fractions", "profiles", "surface"})
    for (const char* phase : {"pore", "label_85", "label_170"}) EXPECT_TRUE(res[step]["phases"].contains(phase)) << step << phase;
  EXPECT_EQ(res["unlisted_labels"], nlohmann::json({85, 170}));

  // The commands: the same names, the same warning; --phase label_<n> names such a label.
  r = run_cli("fractions " + path + " --json " + (dir / "f.json"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("label_85"), std::string::npos) << r.err;
  EXPECT_DOUBLE_EQ(read_json(dir / "f.json")["results"]["phases"]["label_85"]["volume_fraction"].get<double>(),
                   res["fractions"]["phases"]["label_85"]["volume_fraction"].get<double>());
  r = run_cli("particles " + path + " --phase label_85 --json " + (dir / "p.json"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GT(read_json(dir / "p.json")["results"]["count"].get<int>(), 0);
  r = run_cli("particles " + path + " --phases pore=0,NMC=85 --phase label_85");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("'NMC'"), std::string::npos) << r.err;
}

// With the volume's own table, every analyze step equals its standalone command on the same volume.
TEST(CliAnalyzeRegion, NamedTableStepsEqualTheCommands) {
  TempDir dir;
  const std::string path = taufactor_like(dir), phases = " --phases pore=0,NMC=85,CBD=170";
  auto r = run_cli("analyze " + path + phases + " --out " + (dir / "res"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("not in the phase table"), std::string::npos) << r.err;
  const auto res = read_json(dir / "res/results.json")["results"];
  auto command = [&](const std::string& args) {
    const auto c = run_cli(args + " " + path + phases + " --json " + (dir / "c.json"));
    EXPECT_EQ(c.exit_code, 0) << args << ": " << c.err;
    return read_json(dir / "c.json")["results"];
  };
  // Every key the command reports, analyze reports with the same value.
  auto expect_subset = [](const nlohmann::json& cmd, const nlohmann::json& ana, const std::string& what) {
    for (const auto& [key, value] : cmd.items())
      if (key != "seconds") {
        EXPECT_EQ(ana.value(key, nlohmann::json()), value) << what << "." << key;
      }
  };
  const auto fractions = command("fractions");
  for (const char* phase : {"pore", "NMC", "CBD"})
    expect_subset(fractions["phases"][phase], res["fractions"]["phases"][phase], std::string("fractions ") + phase);
  const auto surface = command("surface");
  for (const char* phase : {"pore", "NMC", "CBD"})
    expect_subset(surface["phases"][phase], res["surface"]["phases"][phase], std::string("surface ") + phase);
  EXPECT_EQ(surface["interfaces"], res["surface"]["interfaces"]);
  const auto profile = command("profile");
  for (const char* phase : {"pore", "NMC", "CBD"}) {
    EXPECT_EQ(profile["phases"][phase]["position_um"], res["profiles"]["phases"][phase]["position_um"]);
    EXPECT_EQ(profile["phases"][phase]["fraction"], res["profiles"]["phases"][phase]["fraction"]);
  }
  expect_subset(command("particles --phase NMC --min-volume " + std::to_string(27 * 0.125)), res["particles"]["NMC"],
                "particles");
  for (const char* phase : {"NMC", "pore"})
    expect_subset(command(std::string("granulometry --phase ") + phase), res["granulometry"][phase],
                  std::string("granulometry ") + phase);
  const auto tortuosity = command("tortuosity --phase pore");
  for (const char* key : {"tau", "deff_over_d0", "volume_fraction", "percolating_fraction", "macmullin_number"})
    EXPECT_NEAR(tortuosity[key].get<double>(), res["tortuosity"]["pore"][key].get<double>(),
                1e-9 * std::abs(tortuosity[key].get<double>()))
        << key;
}

// A failed analysis exits 2, leaves only DIR/analyze.log, and keeps an earlier results folder's results.
TEST(CliAnalyzeRegion, FailedAnalysisKeepsEarlierResultsAndExits2) {
  TempDir dir;
  const std::string cfg = fast_config(dir), out = dir / "res";
  const std::string good = dir / "good.tif", empty = dir / "pore.tif";
  emorph::write_volume(good, emorph::synth::generate_electrode(emorph::synth::preset("F", 32, 0.6, 2)).labels);
  emorph::write_volume(empty, emorph::Volume<uint8_t>::filled({16, 16, 16}, {1, 1, 1}, 0));

  // All pore, fresh folder: exit 2 (not 1), nothing but the log.
  auto r = run_cli("analyze " + empty + " --config " + cfg + " --out " + (dir / "fresh"));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("analyze.log"), std::string::npos) << r.err;
  std::vector<std::string> left;
  for (const auto& e : fs::directory_iterator(dir / "fresh")) left.push_back(e.path().filename().string());
  EXPECT_EQ(left, std::vector<std::string>{"analyze.log"});
  EXPECT_NE(read_text(dir / "fresh/analyze.log").find("FAILED"), std::string::npos);

  // A good result, then a failing run into the same folder: the results are untouched.
  ASSERT_EQ(run_cli("analyze " + good + " --config " + cfg + " --out " + out).exit_code, 0);
  const std::string before = read_text(out + "/results.json");
  r = run_cli("analyze " + empty + " --config " + cfg + " --out " + out);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(read_text(out + "/results.json"), before);
  EXPECT_TRUE(fs::exists(out + "/report.html"));
  EXPECT_NE(read_text(out + "/analyze.log").find("analysis failed"), std::string::npos);
  // A missing input fails the same way.
  r = run_cli("analyze " + (dir / "nope.tif") + " --config " + cfg + " --out " + out);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(read_text(out + "/results.json"), before);
  // No staging folder is left beside the results.
  for (const auto& e : fs::directory_iterator(dir.path()))
    EXPECT_EQ(e.path().filename().string().rfind(".res.", 0), std::string::npos) << e.path();

  // A success replaces the earlier folder as a whole; a folder that is not a results folder is refused.
  ASSERT_EQ(run_cli("analyze " + good + " --config " + cfg + " --out " + out).exit_code, 0);
  EXPECT_EQ(read_text(out + "/analyze.log").find("analysis failed"), std::string::npos);
  fs::create_directories(dir / "mine");
  std::ofstream(dir / "mine/notes.txt") << "keep";
  r = run_cli("analyze " + good + " --config " + cfg + " --out " + (dir / "mine"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(read_text(dir / "mine/notes.txt"), "keep");
}
