// End-to-end tests of emorph fibsem-prep: CONTRACT's results.drift_px against a synthetic stack's known
// drift, each step alone, the drift CSV and plot, and exit code 2 without output on bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include "emorph/io.hpp"
#include "emorph/result.hpp"
#include "filter/fibsem_synthetic.hpp"
#include "cli/cli_test.hpp"

namespace {

void write_stack(const std::string& path, const emorph::Volume<float>& v) {
  emorph::write_volume<float>(path, v.view());
}

emorph::test::SyntheticFibsem small_stack() {
  const emorph::test::SyntheticFibsemParams p{.nz = 24, .ny = 96, .nx = 96, .seed = 17, .max_drift_px = 8,
      .stripe_amplitude = 15, .shading_amplitude = 0.2, .contrast_drift = 0.2, .z_elongation = 4};
  return emorph::test::make_synthetic_fibsem(p);
}

TEST(CliFibsemPrep, AlignReportsDriftPerSlice) {
  TempDir dir;
  const emorph::test::SyntheticFibsemParams p{.nz = 24, .ny = 128, .nx = 128, .seed = 17, .max_drift_px = 8,
      .z_elongation = 4};
  const auto s = emorph::test::make_synthetic_fibsem(p);
  write_stack(dir / "stack.tif", s.stack);
  const auto r = run_cli("fibsem-prep " + (dir / "stack.tif") + " " + (dir / "out.tif") + " --align --json " +
                         (dir / "r.json") + " --drift-csv " + (dir / "drift.csv") + " --drift-plot " +
                         (dir / "drift.png") + " --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = read_json(dir / "r.json");
  EXPECT_EQ(j["command"], "fibsem-prep");
  const auto& drift = j["results"]["drift_px"];
  ASSERT_EQ(drift.size(), 24u);
  std::vector<std::array<double, 2>> measured;
  for (const auto& d : drift) measured.push_back({d[0].get<double>(), d[1].get<double>()});
  EXPECT_EQ(measured[0][0], 0.0);
  // Drift only (library tests: 0.27 px RMS on 64 slices of this kind); 0.5 px is the bound.
  EXPECT_LT(emorph::test::drift_rms_error(measured, s.drift), 0.5);
  EXPECT_EQ(j["results"]["steps"], Json::array({"align"}));
  const auto out = emorph::read_volume(dir / "out.tif");
  EXPECT_EQ(out.shape(), s.stack.shape());
  EXPECT_TRUE(std::filesystem::exists(dir / "drift.csv"));
  EXPECT_GT(std::filesystem::file_size(dir / "drift.png"), 100u);
  std::ifstream csv(dir / "drift.csv");
  int lines = 0;
  for (std::string line; std::getline(csv, line);) ++lines;
  EXPECT_EQ(lines, 25);  // header + one row per slice
}

TEST(CliFibsemPrep, AllStepsByDefaultAndEachAlone) {
  TempDir dir;
  const auto s = small_stack();
  write_stack(dir / "stack.tif", s.stack);
  auto run = [&](const std::string& flags) {
    const auto r = run_cli("fibsem-prep " + (dir / "stack.tif") + " " + (dir / "out.tif") + " " + flags +
                           " --quiet --json " + (dir / "r.json"));
    EXPECT_EQ(r.exit_code, 0) << flags << ": " << r.err;
    return read_json(dir / "r.json")["results"];
  };
  const Json all = run("");
  EXPECT_EQ(all["steps"], Json::array({"destripe", "shading", "intensity", "align"}));
  EXPECT_GT(all["destripe"]["stripe_band_power_removed_percent"].get<double>(), 0.0);
  const Json destripe = run("--destripe --destripe-method wavelet-fft --angle 90");
  EXPECT_EQ(destripe["steps"], Json::array({"destripe"}));
  EXPECT_FALSE(destripe.contains("drift_px"));
  const Json flatten = run("--flatten --intensity histogram --shading-order 1");
  EXPECT_EQ(flatten["steps"], Json::array({"shading", "intensity"}));
  EXPECT_EQ(flatten["shading"]["background"].size(), 96u);
}

TEST(CliFibsemPrep, BadInputExitsTwoWithoutOutput) {
  // Each case: exit 2, one message naming the problem, and neither the stack nor the JSON written.
  TempDir dir;
  auto s = small_stack();
  write_stack(dir / "stack.tif", s.stack);
  const std::string out = dir / "out.tif", json = dir / "r.json";
  auto fails = [&](const std::string& input, const std::string& flags, const std::string& message) {
    const auto r = run_cli("fibsem-prep " + (dir / input) + " " + out + " " + flags + " --quiet --json " + json);
    EXPECT_EQ(r.exit_code, 2) << flags;
    EXPECT_NE(r.err.find(message), std::string::npos) << flags << ": " << r.err;
    EXPECT_FALSE(std::filesystem::exists(out)) << flags;
    EXPECT_FALSE(std::filesystem::exists(json)) << flags;
  };
  // A stack too small for the requested region: larger than the slices, or too small to register.
  fails("stack.tif", "--align --region 0:200,0:50", "region");
  fails("stack.tif", "--align --region 0:10,0:50", "region");
  fails("stack.tif", "--destripe-method median", "median");
  fails("stack.tif", "--destripe --stripe-lags 2,4", "lags must include 1");
  // A constant slice: cannot be aligned, nor its contrast normalised.
  for (int64_t i = 0; i < 96 * 96; ++i) s.stack.data()[5 * 96 * 96 + i] = 50.0f;
  write_stack(dir / "constant.tif", s.stack);
  fails("constant.tif", "--align", "slice 5");
  fails("constant.tif", "--flatten", "slice 5");
  fails("constant.tif", "", "slice 5");
  // NaN in a float stack, whichever step comes first.
  s.stack(3, 10, 10) = std::numeric_limits<float>::quiet_NaN();
  write_stack(dir / "nan.tif", s.stack);
  for (const std::string step : {"", "--destripe", "--flatten", "--align"}) fails("nan.tif", step, "NaN");
}

}  // namespace
