#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "emorph/io.hpp"
#include "emorph/result.hpp"
#include "cli/cli_test.hpp"

TEST(CliSynth, WritesLabelsAndTruthThatAgree) {
  TempDir tmp;
  const std::string out = tmp / "sample";
  const auto r = run_cli("synth --preset F --size 48 --voxel 0.5 --seed 3 --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const emorph::AnyVolume v = emorph::read_volume(out + "/labels.tif");
  ASSERT_TRUE(v.holds<uint8_t>());
  EXPECT_EQ(v.shape(), (emorph::Shape{48, 48, 48}));
  EXPECT_NEAR(v.spacing().dx, 0.5, 1e-6);  // voxel size travels in the TIFF metadata
  const auto& labels = v.as<uint8_t>();
  std::array<int64_t, 5> counts{};
  for (uint8_t l : labels) ++counts[std::min<int>(l, 4)];
  const emorph::Json truth = read_json(out + "/truth.json");
  const char* names[] = {"pore", "NMC", "LFP", "CBD"};
  for (int l = 0; l < 4; ++l) {
    EXPECT_EQ(truth["phases"][names[l]]["voxels"].get<int64_t>(), counts[l]) << names[l];
    EXPECT_DOUBLE_EQ(truth["phases"][names[l]]["volume_fraction"].get<double>(),
                     static_cast<double>(counts[l]) / labels.size());
  }
  EXPECT_GT(truth["particles"].size(), 0u);
  EXPECT_EQ(truth["particles"][0]["phase"], "NMC");
  EXPECT_EQ(truth["seed"].get<int>(), 3);
}

TEST(CliSynth, SameSeedSameBytes) {
  TempDir tmp;
  ASSERT_EQ(run_cli("synth --preset H --size 40 --voxel 0.5 --seed 9 --out " + (tmp / "a")).exit_code, 0);
  ASSERT_EQ(run_cli("--threads 1 synth --preset H --size 40 --voxel 0.5 --seed 9 --out " + (tmp / "b")).exit_code, 0);
  ASSERT_EQ(run_cli("synth --preset H --size 40 --voxel 0.5 --seed 10 --out " + (tmp / "c")).exit_code, 0);
  EXPECT_EQ(read_text(tmp / "a/labels.tif"), read_text(tmp / "b/labels.tif"));
  EXPECT_NE(read_text(tmp / "a/labels.tif"), read_text(tmp / "c/labels.tif"));
}

TEST(CliSynth, SimulatedImages) {
  TempDir tmp;
  const std::string out = tmp / "s";
  const auto r = run_cli("synth --preset J --size 32 --voxel 0.01 --seed 2 --xct --fibsem --bits 8 --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto xct = emorph::read_volume(out + "/xct.tif");
  EXPECT_TRUE(xct.holds<uint8_t>());
  const auto fib = emorph::read_volume(out + "/fibsem.tif");
  EXPECT_EQ(fib.shape(), (emorph::Shape{32, 32, 32}));
  const emorph::Json truth = read_json(out + "/truth.json");
  EXPECT_EQ(truth["fibsem"]["drift_px"].size(), 32u);
  EXPECT_EQ(truth["xct"]["bits"].get<int>(), 8);
}

TEST(CliSynth, BadOptionsExitTwoWithoutOutput) {
  TempDir tmp;
  expect_exit_2(run_cli("synth --preset Z --size 32 --out " + (tmp / "z")), {"--preset"});
  expect_exit_2(run_cli("synth --preset F --size 48 --voxel 0.5 --nmc 0.5 --lfp 0.5 --out " + (tmp / "sum")), {"over 1"});
  expect_exit_2(run_cli("synth --preset F --size 16 --voxel 0.32 --out " + (tmp / "small")), {"--size"});
  for (const char* d : {"z", "sum", "small"}) EXPECT_FALSE(fs::exists(tmp / (std::string(d) + "/labels.tif")));
}
