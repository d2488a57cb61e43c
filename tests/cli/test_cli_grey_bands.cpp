// The uncertainty bands of a grey analysis (issue 14 point 3) hold the figures they belong to: every
// reported value lies inside its own band, whatever the route, the electrode region or the painted
// layers (regression: the bands were once measured over the segmented electrode slices while
// volume_fraction counts the whole volume, so preset F's NMC 0.2388 came with a band [0.2438, 0.3071]).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/cli_test.hpp"

namespace {

// value inside [band[0], band[1]]; the bands are built from the value itself and integer voxel counts,
// so the only slack needed is the rounding of doubles (1e-12).
void expect_inside(const nlohmann::json& p, const char* value, const char* band, const std::string& where) {
  if (!p.contains(band)) return;
  ASSERT_TRUE(p.contains(value)) << where << ": " << band << " without " << value;
  const auto& b = p[band];
  ASSERT_TRUE(b.is_array() && b.size() == 2) << where << " " << band << " = " << b.dump();
  const double v = p[value].get<double>();
  EXPECT_LE(b[0].get<double>(), b[1].get<double>()) << where << " " << band;
  EXPECT_GE(v, b[0].get<double>() - 1e-12) << where << " " << value << " below " << band << " " << b.dump();
  EXPECT_LE(v, b[1].get<double>() + 1e-12) << where << " " << value << " above " << band << " " << b.dump();
}

// Every phase of results.fractions and results.profiles; returns how many bands were checked, so that a
// run whose bands vanished cannot pass.
int check_all_bands(const nlohmann::json& res, const std::string& where) {
  int checked = 0;
  for (const auto& [name, p] : res["fractions"]["phases"].items()) {
    expect_inside(p, "volume_fraction", "volume_fraction_band", where + " " + name);
    expect_inside(p, "electrode_volume_fraction", "electrode_volume_fraction_band", where + " " + name);
    checked += p.contains("volume_fraction_band") + p.contains("electrode_volume_fraction_band");
  }
  for (const auto& [name, p] : res["profiles"]["phases"].items()) {
    if (!p.contains("mean_fraction_band") || p["mean_fraction_band"].is_null()) continue;
    expect_inside(p, "mean_fraction", "mean_fraction_band", where + " " + name);
    expect_inside(p, "slope_per_um", "slope_band_per_um", where + " " + name);
    checked += 2;
  }
  return checked;
}

const char* kFast =
    "[measure]\nsurface = false\ngranulometry = []\ntortuosity = []\nparticles = []\n"
    "[output]\nlabels = false\nslices = false\n";

}  // namespace

// Demos of several presets and sizes (preset F at 96^3 is the case that exposed the defect: a thin
// darker first layer is taken for a collector, so the segmentation sees 94 of the 96 slices).
TEST(CliGreyBands, EveryValueInsideItsBandOnDemos) {
  TempDir dir;
  const std::string cfg = dir / "fast.toml";
  std::ofstream(cfg) << kFast;
  struct Case {
    const char* args;
  };
  for (const Case c : {Case{"--preset F --size 96"}, Case{"--preset F --size 64 --seed 3"},
                       Case{"--preset C --size 64"}, Case{"--preset F --size 64 --method otsu"}}) {
    const std::string out = dir / "r";
    const auto r = run_cli(std::string("analyze --demo ") + c.args + " --config " + cfg + " --out " + out);
    ASSERT_EQ(r.exit_code, 0) << c.args << "\n" << r.err;
    const auto res = read_json(out + "/results.json")["results"];
    EXPECT_GE(check_all_bands(res, c.args), 6) << c.args;
  }
}

// A collector under the electrode (painted label 4, outside the segmented slices): the whole-volume
// fractions have another denominator than the segmentation's, the electrode fractions the same.
TEST(CliGreyBands, EveryValueInsideItsBandWithCollector) {
  TempDir dir;
  const std::string cfg = dir / "fast.toml";
  std::ofstream(cfg) << kFast;
  ASSERT_EQ(run_cli("synth --preset F --size 64 --voxel 0.5 --seed 2 --collector 6 --xct --out " + (dir / "s")).exit_code, 0);
  const std::string out = dir / "r";
  const auto r = run_cli("analyze " + (dir / "s/xct.tif") + " --config " + cfg + " --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto res = read_json(out + "/results.json")["results"];
  EXPECT_GE(check_all_bands(res, "collector"), 6);
}

// The slope band holds 2 standard errors of the slope beyond the threshold range (the slice-to-slice
// segmentation error that a threshold moving every slice alike does not span): on the small demo the
// threshold range alone was [0.127, 0.210] vol%/um against a true NMC slope of 0.296 (docs/validation.md,
// issue 14 third pass). The truth is the generator's labels over the same bulk window.
TEST(CliGreyBands, SlopeBandHoldsTheTruthOnTheSmallDemo) {
  TempDir dir;
  const std::string cfg = dir / "fast.toml";
  std::ofstream(cfg) << kFast;
  const std::string out = dir / "r";
  const auto r = run_cli("analyze --demo --size 48 --voxel 0.5 --seed 3 --config " + cfg + " --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto res = read_json(out + "/results.json")["results"];
  const auto& nmc = res["profiles"]["phases"]["NMC"];
  const auto& band = nmc["slope_band_per_um"];
  const double truth = res["truth"]["bulk_profiles"]["NMC"]["slope_per_um"].get<double>();
  const double stderr_per_um = nmc["slope_stderr_per_um"].get<double>();
  ASSERT_GT(stderr_per_um, 0.0);
  EXPECT_LE(band[0].get<double>(), truth) << band.dump();
  EXPECT_GE(band[1].get<double>(), truth) << band.dump();
  // Widened on both sides of the point slope by at least 2 standard errors.
  const double slope = nmc["slope_per_um"].get<double>();
  EXPECT_LE(band[0].get<double>(), slope - 2 * stderr_per_um + 1e-12);
  EXPECT_GE(band[1].get<double>(), slope + 2 * stderr_per_um - 1e-12);
}
