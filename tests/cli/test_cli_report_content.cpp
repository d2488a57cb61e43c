// What analyze's report states (issue 17): slopes with their standard error and band, the size-class
// cut-offs, the electrode-level specific surface, the "How to read this report" section.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include "cli/cli_test.hpp"

TEST(CliReportContent, SlopesSizeClassesAndHowToRead) {
  TempDir dir;
  auto r = run_cli("analyze --demo --size 48 --voxel 0.5 --seed 3 --set measure.granulometry=[] --out " + (dir / "F"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string html = read_text(dir / "F/report.html");
  const auto res = read_json(dir / "F/results.json")["results"];
  EXPECT_NE(html.find("How to read this report"), std::string::npos);
  // The NMC slope with its standard error, rounded to two significant digits of the error.
  const auto& nmc = res["profiles"]["phases"]["NMC"];
  const double se = 100 * nmc["slope_stderr_per_um"].get<double>();
  const int decimals = std::max(0, 1 - static_cast<int>(std::floor(std::log10(se))));
  char expected[64];
  std::snprintf(expected, sizeof expected, "%.*f ± %.*f", decimals, 100 * nmc["slope_per_um"].get<double>(), decimals, se);
  EXPECT_NE(html.find(expected), std::string::npos) << expected;
  EXPECT_NE(html.find("slope band vol%/um"), std::string::npos);
  // The size-class cut-offs as equivalent sphere diameters of the class's volume limits.
  const auto& sc = res["particles"]["NMC"]["size_classes"];
  char cut[64];
  std::snprintf(cut, sizeof cut, "d &lt;= %.3g um", std::cbrt(6 * sc["small_max_volume_um3"].get<double>() / M_PI));
  EXPECT_NE(html.find(cut), std::string::npos) << cut;
  // XCT: the pores are inside the matrix, so no electrode-level specific surface, and the report says why.
  EXPECT_NE(html.find("Not measurable on this volume"), std::string::npos);
}

// A label volume with resolved pores: the electrode-level specific surface is the solid-pore interface
// area over the solids' mass (default densities NMC 4.75, LFP 3.57, CBD 1.8 g/cm3), computed here from
// results.json independently of the report.
TEST(CliReportContent, ElectrodeSpecificSurfaceFromTheInterfaces) {
  TempDir dir;
  ASSERT_EQ(run_cli("synth --preset H --size 48 --voxel 0.05 --seed 2 --out " + (dir / "syn")).exit_code, 0);
  auto r = run_cli("analyze " + (dir / "syn/labels.tif") + " --set measure.granulometry=[] --set measure.tortuosity=[] "
                   "--set measure.particles=[] --out " + (dir / "res"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto surface = read_json(dir / "res/results.json")["results"]["surface"];
  double area = 0, mass = 0;
  const std::map<std::string, double> density = {{"NMC", 4.75}, {"LFP", 3.57}, {"CBD", 1.8}};
  for (const auto& [name, p] : surface["phases"].items())
    if (density.count(name)) mass += p["volume_um3"].get<double>() * density.at(name);
  for (const auto& [key, s] : surface["interfaces"].items())
    if ((key.rfind("pore|", 0) == 0 || key.find("|pore") != std::string::npos) && key.find("collector") == std::string::npos)
      area += s["area_um2"].get<double>();
  ASSERT_GT(mass, 0);
  char expected[32];
  std::snprintf(expected, sizeof expected, "<td>%.4g</td>", area / mass);
  const std::string html = read_text(dir / "res/report.html");
  EXPECT_NE(html.find("m2/g of solids"), std::string::npos);
  EXPECT_NE(html.find(expected), std::string::npos) << expected;
}
