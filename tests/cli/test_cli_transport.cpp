// End-to-end tests of emorph tortuosity / connectivity: CONTRACT keys, exact figures on constructed
// volumes, the non-percolating contract (exit 0, tau null, warning), exit 2 on bad options with no output
// left behind. The real TauFactor volumes are too large for a fast test: their figures are in
// docs/benchmarks.md (transport).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "emorph/io.hpp"
#include "emorph/result.hpp"
#include "emorph/volume.hpp"
#include "cli/cli_test.hpp"

namespace {

// Solid (label 1) with 4 straight pore channels along z, a blind pore from z = 0 and a closed bubble.
emorph::Volume<uint8_t> channels() {
  emorph::Volume<uint8_t> v = emorph::Volume<uint8_t>::filled({12, 10, 10}, {0.5, 0.25, 0.25}, 1);
  for (int z = 0; z < 12; ++z)
    for (int y : {1, 2})
      for (int x : {1, 2}) v(z, y, x) = 0;
  for (int z = 0; z < 6; ++z) v(z, 7, 7) = 0;
  v(6, 5, 5) = 0;
  return v;
}

}  // namespace

TEST(CliTortuosity, StraightChannelsContractKeys) {
  TempDir dir;
  const auto in = write_raw(dir, "labels", channels());
  const auto json = dir / "t.json";
  const auto r = run_cli("tortuosity " + in + " --phase pore --axis 0 --json " + json + " --tolerance 1e-10");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = read_json(json);
  EXPECT_EQ(j["command"], "tortuosity");
  const Json& res = j["results"];
  const double eps = (48.0 + 6 + 1) / 1200.0;
  EXPECT_NEAR(res["volume_fraction"].get<double>(), eps, 1e-12);
  EXPECT_NEAR(res["deff_over_d0"].get<double>(), 48.0 / 1200.0, 1e-9);
  EXPECT_NEAR(res["tau"].get<double>(), eps / (48.0 / 1200.0), 1e-8);
  EXPECT_NEAR(res["percolating_fraction"].get<double>(), 48.0 / 55.0, 1e-12);
  EXPECT_NEAR(res["macmullin_number"].get<double>(), 1200.0 / 48.0, 1e-6);
  EXPECT_TRUE(res["converged"].get<bool>());
  EXPECT_LT(res["flux_mismatch"].get<double>(), 1e-4);
}

TEST(CliTortuosity, NonPercolatingIsAValidResult) {
  TempDir dir;
  auto v = channels();
  for (int y = 0; y < 10; ++y)
    for (int x = 0; x < 10; ++x) v(8, y, x) = 1;  // a solid wall across the channels
  const auto in = write_raw(dir, "labels", v);
  const auto json = dir / "t.json";
  const auto r = run_cli("tortuosity " + in + " --phase pore --axis 0 --json " + json);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("warning"), std::string::npos);
  EXPECT_NE(r.err.find("has no percolating path along axis 0"), std::string::npos) << r.err;
  const Json res = read_json(json)["results"];
  EXPECT_TRUE(res["tau"].is_null());
  EXPECT_TRUE(res["macmullin_number"].is_null());
  EXPECT_FALSE(res["percolating"].get<bool>());
  EXPECT_EQ(res["deff_over_d0"].get<double>(), 0.0);
  EXPECT_EQ(res["percolating_fraction"].get<double>(), 0.0);
  EXPECT_GT(res["volume_fraction"].get<double>(), 0.0);
}

TEST(CliTortuosity, ConductivityFieldsAndSeries) {
  TempDir dir;
  // Layers in series along x: pore (0) and CBD (3) with D/D0 = 0.1 -> harmonic mean.
  emorph::Volume<uint8_t> v({4, 4, 10}, {1, 1, 1});
  for (int z = 0; z < 4; ++z)
    for (int y = 0; y < 4; ++y)
      for (int x = 0; x < 10; ++x) v(z, y, x) = x < 5 ? 0 : 3;
  const auto in = write_raw(dir, "layers", v);
  const auto json = dir / "t.json", field = dir / "c.tif", flux = dir / "j.tif";
  auto r = run_cli("tortuosity " + in + " --axis 2 --conductivity CBD=0.1 --tolerance 1e-10 --json " + json +
                   " --field " + field + " --flux-field " + flux);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json res = read_json(json)["results"];
  EXPECT_NEAR(res["deff_over_d0"].get<double>(), 1.0 / (0.5 / 1.0 + 0.5 / 0.1), 1e-9);
  EXPECT_EQ(res["conductivity"]["CBD"].get<double>(), 0.1);
  const auto c = emorph::read_volume(field);
  ASSERT_EQ(c.dtype(), emorph::DType::f32);
  const auto& cf = c.as<float>();
  EXPECT_GT(cf(0, 0, 0), cf(0, 0, 9));
  EXPECT_NEAR(emorph::read_volume(flux).as<float>()(1, 1, 3), res["deff_over_d0"].get<double>() / 10.0, 1e-6);

  // Bruggeman fit over three channel volumes of different porosity: straight channels give alpha = 1.
  std::string series;
  for (int k = 1; k <= 2; ++k) {
    emorph::Volume<uint8_t> w = emorph::Volume<uint8_t>::filled({6, 6, 6}, {}, 1);
    for (int z = 0; z < 6; ++z)
      for (int y = 0; y <= k; ++y) w(z, y, 0) = 0;
    series += (series.empty() ? "" : ",") + write_raw(dir, "s" + std::to_string(k), w);
  }
  emorph::Volume<uint8_t> w = emorph::Volume<uint8_t>::filled({6, 6, 6}, {}, 1);
  for (int z = 0; z < 6; ++z) w(z, 0, 0) = 0;
  const auto first = write_raw(dir, "s0", w);
  r = run_cli("tortuosity " + first + " --series " + series + " --json " + json);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json b = read_json(json)["results"]["bruggeman"];
  EXPECT_NEAR(b["exponent"].get<double>(), 1.0, 1e-6);
  EXPECT_EQ(b["points"].get<int>(), 3);
}

TEST(CliTortuosity, BadOptionsExitTwoWithoutOutput) {
  TempDir dir;
  const auto in = write_raw(dir, "labels", channels());
  const auto json = dir / "t.json";
  for (const std::string bad : {"--axis 3", "--phase nothing", "--conductivity CBD=-1", "--conductivity CBD",
                                "--tolerance 0", "--solver lu"}) {
    const auto r = run_cli("tortuosity " + in + " " + bad + " --json " + json);
    EXPECT_EQ(r.exit_code, 2) << bad << ": " << r.err;
    EXPECT_FALSE(r.err.empty());
    EXPECT_FALSE(std::filesystem::exists(json)) << bad;
  }
  EXPECT_EQ(run_cli("tortuosity " + (dir / "missing.tif")).exit_code, 2);
}

TEST(CliConnectivity, ClassesAndFractions) {
  TempDir dir;
  const auto in = write_raw(dir, "labels", channels());
  const auto json = dir / "c.json", out = dir / "classes.tif";
  const auto r = run_cli("connectivity " + in + " --phase pore --axis 0 --out " + out + " --json " + json);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json p = read_json(json)["results"]["phases"]["pore"];
  EXPECT_NEAR(p["percolating_fraction"].get<double>(), 48.0 / 55.0, 1e-12);
  EXPECT_NEAR(p["dead_end_fraction"].get<double>(), 6.0 / 55.0, 1e-12);
  EXPECT_NEAR(p["isolated_fraction"].get<double>(), 1.0 / 55.0, 1e-12);
  EXPECT_EQ(p["components"].get<int>(), 3);
  const auto classes = emorph::read_volume(out);
  const auto& c = classes.as<uint8_t>();
  EXPECT_EQ(c(3, 1, 1), 1);
  EXPECT_EQ(c(3, 7, 7), 2);
  EXPECT_EQ(c(6, 5, 5), 3);
  EXPECT_EQ(c(0, 0, 0), 0);
  // Along y nothing of the pore reaches both faces; 26-connectivity is accepted, 8 is not.
  const auto ry = run_cli("connectivity " + in + " --phase pore --axis 1 --connectivity 26 --json " + json);
  ASSERT_EQ(ry.exit_code, 0) << ry.err;
  EXPECT_EQ(read_json(json)["results"]["phases"]["pore"]["percolating_fraction"].get<double>(), 0.0);
  EXPECT_EQ(run_cli("connectivity " + in + " --connectivity 8").exit_code, 2);
  EXPECT_EQ(run_cli("connectivity " + in + " --out " + out).exit_code, 2);  // --out needs one --phase
}
