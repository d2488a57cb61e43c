#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "emorph/io.hpp"
#include "emorph/result.hpp"
#include "emorph/synth/electrode.hpp"
#include "support/ball_volume.hpp"
#include "cli/cli_test.hpp"

namespace emorph {
namespace {

// Two phases: a ball of NMC (label 1, radius 6 voxels) and a slab of CBD (label 3) in pore.
void write_simple_labels(const std::string& path) {
  auto v = test::ball_volume(24, {0.5, 0.5, 0.5}, {11, 11, 11}, 36);
  test::paint_box(v, {.z0 = 20, .z1 = 24, .y0 = 0, .y1 = 24, .x0 = 0, .x1 = 24}, 3);
  write_volume<uint8_t>(path, v.view());
}

TEST(CliSizes, EdtWritesFloatDistancesInUm) {
  TempDir t;
  write_simple_labels(t / "labels.tif");
  const auto r = run_cli("edt " + (t / "labels.tif") + " " + (t / "d.tif") + " --phase NMC --json " + (t / "e.json"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const AnyVolume d = read_volume(t / "d.tif");
  ASSERT_TRUE(d.holds<float>());
  // The digital ball holds the offsets with |o|^2 <= 36: the nearest outside voxel from the centre
  // is at |o|^2 = 37 (e.g. (6, 1, 0)), so the centre's distance is 0.5 sqrt(37) um.
  EXPECT_FLOAT_EQ(d.as<float>()(11, 11, 11), float(0.5 * std::sqrt(37.0)));
  EXPECT_FLOAT_EQ(d.as<float>()(0, 0, 0), 0.0f);
  EXPECT_NEAR(read_json(t / "e.json")["results"]["max_distance_um"].get<double>(), 0.5 * std::sqrt(37.0), 1e-6);
}

TEST(CliSizes, GranulometryKeysAndExactRemovedFractions) {
  TempDir t;
  write_simple_labels(t / "labels.tif");
  const auto r = run_cli("granulometry " + (t / "labels.tif") + " --phase NMC --json " + (t / "g.json") +
                         " --local-thickness " + (t / "lt.tif"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json g = read_json(t / "g.json");
  EXPECT_EQ(g["command"], "granulometry");
  const auto radius = g["results"]["radius_um"].get<std::vector<double>>();
  const auto removed = g["results"]["volume_fraction_removed"].get<std::vector<double>>();
  ASSERT_EQ(radius.size(), 7u);  // the ball of radius 6 voxels survives radius 6, not 7
  EXPECT_DOUBLE_EQ(radius[0], 0.5);
  EXPECT_DOUBLE_EQ(radius[6], 3.5);
  double sum = 0;
  for (double f : removed) sum += f;
  EXPECT_NEAR(sum, 1.0, 1e-12);
  EXPECT_TRUE(g["results"]["d50_um"].is_number());
  EXPECT_TRUE(read_volume(t / "lt.tif").holds<float>());
}

TEST(CliSizes, LabelCountsComponents) {
  TempDir t;
  write_simple_labels(t / "labels.tif");
  const auto r = run_cli("label " + (t / "labels.tif") + " " + (t / "l.tif") + " --json " + (t / "l.json") + " --csv " +
                         (t / "l.csv"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_json(t / "l.json")["results"]["count"].get<int>(), 2);  // ball and slab
  EXPECT_TRUE(read_volume(t / "l.tif").holds<uint32_t>());
}

TEST(CliSizes, BadInputsExitTwoWithoutOutputs) {
  TempDir t;
  write_simple_labels(t / "labels.tif");
  auto r = run_cli("granulometry " + (t / "labels.tif") + " --phase Unobtainium --json " + (t / "g.json"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--phase"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(t / "g.json"));
  r = run_cli("granulometry " + (t / "labels.tif") + " --phase NMC --max-radius -3");
  EXPECT_EQ(r.exit_code, 2);
  r = run_cli("particles " + (t / "missing.tif") + " --phase NMC --csv " + (t / "p.csv"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(t / "p.csv"));
  r = run_cli("label " + (t / "labels.tif") + " " + (t / "l.tif") + " --connectivity 7");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(t / "l.tif"));
  // A phase absent from the volume is bad input (issue 15): exit 2, the option and the phase named,
  // no output (every --phase command: tests/cli/test_cli_absent_phase.cpp).
  r = run_cli("particles " + (t / "labels.tif") + " --phase LFP --json " + (t / "p.json"));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--phase: phase 'LFP' (label 2) is absent from the volume"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(t / "p.json"));
  r = run_cli("granulometry " + (t / "labels.tif") + " --phase LFP --json " + (t / "g.json"));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_FALSE(std::filesystem::exists(t / "g.json"));
  // A phase filling the whole volume: no opening ever empties it, so --max-radius is required; a
  // radius range far larger than the volume is then a documented result (nothing removed).
  write_volume<uint8_t>(t / "full.tif", Volume<uint8_t>::filled({8, 8, 8}, {1, 1, 1}, 1).view());
  r = run_cli("granulometry " + (t / "full.tif") + " --phase NMC --json " + (t / "f.json"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--max-radius"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(t / "f.json"));
  r = run_cli("granulometry " + (t / "full.tif") + " --phase NMC --max-radius 40 --json " + (t / "f.json"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (double f : read_json(t / "f.json")["results"]["volume_fraction_removed"].get<std::vector<double>>())
    EXPECT_EQ(f, 0.0);
}

TEST(CliSizes, ParticlesMinVolumeLeavesOutSmallParticles) {
  TempDir t;
  write_simple_labels(t / "labels.tif");  // one NMC ball of radius 6 voxels of 0.5 um: ~113 um^3
  auto r = run_cli("particles " + (t / "labels.tif") + " --phase NMC --min-volume 100 --json " + (t / "a.json"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json j = read_json(t / "a.json");
  EXPECT_EQ(j["results"]["count"].get<int>(), 1);
  EXPECT_EQ(j["results"]["excluded_small"].get<int>(), 0);
  EXPECT_DOUBLE_EQ(j["parameters"]["min_volume_um3"].get<double>(), 100.0);
  r = run_cli("particles " + (t / "labels.tif") + " --phase NMC --min-volume 200 --json " + (t / "b.json"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = read_json(t / "b.json");
  EXPECT_EQ(j["results"]["count"].get<int>(), 0);
  EXPECT_EQ(j["results"]["excluded_small"].get<int>(), 1);
  r = run_cli("particles " + (t / "labels.tif") + " --phase NMC --min-volume -1 --json " + (t / "c.json"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(t / "c.json"));
}

// Acceptance on packed polydisperse spheres (synth, radius >= 5 voxels, touching, no overlap): the
// particles wholly inside the box against the generator's list. Tolerances: the 3% on count
// and volume-weighted D50, 5% on D10/D90 (measured: count 292 vs 293, D50 within 0.3%).
TEST(CliSizes, PackedSpheresRecoverCountAndSizes) {
  synth::SynthParams p;
  const int n = 128;
  p.shape = {n, n, n};
  p.voxel_um = 1.0;
  p.seed = 7;
  p.nmc_fraction = 0.5;
  p.lfp_fraction = 0.0;
  p.cbd_fraction = 0.0;
  p.nmc_d10_um = 12, p.nmc_d50_um = 16, p.nmc_d90_um = 22, p.nmc_min_diameter_um = 10, p.nmc_max_diameter_um = 30;
  const auto s = synth::generate_electrode(p);
  std::vector<double> truth;
  for (const auto& q : s.nmc) {
    bool inside = q.voxels > 0;
    for (int a = 0; a < 3; ++a) inside = inside && q.centre_um[a] - q.radius_um > 1.0 && q.centre_um[a] + q.radius_um < n - 1.0;
    if (inside) truth.push_back(2 * q.radius_um);
  }
  ASSERT_GT(truth.size(), 200u);
  TempDir t;
  write_volume<uint8_t>(t / "labels.tif", s.labels.view());
  const auto r = run_cli("particles " + (t / "labels.tif") + " --phase NMC --exclude-border --json " + (t / "p.json") +
                         " --csv " + (t / "p.csv"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json res = read_json(t / "p.json")["results"];
  const double count = res["count"].get<double>();
  EXPECT_NEAR(count, double(truth.size()), 0.03 * double(truth.size()));
  auto near = [&](const char* key, double q, bool by_volume, double tol) {
    const double want = synth::diameter_quantile(truth, q, by_volume);
    EXPECT_NEAR(res[key].get<double>(), want, tol * want) << key;
  };
  near("d50_um", 0.5, true, 0.03);
  near("d10_um", 0.1, true, 0.05);
  near("d90_um", 0.9, true, 0.05);
  near("number_d50_um", 0.5, false, 0.05);
  std::ifstream csv(t / "p.csv");
  std::string header;
  std::getline(csv, header);
  EXPECT_EQ(header.rfind("label,volume_um3,equivalent_diameter_um,surface_area_um2,sphericity,centroid_z_um,"
                         "centroid_y_um,centroid_x_um,touches_border",
                         0),
            0u)
      << header;
}

}  // namespace
}  // namespace emorph
