// End-to-end tests of emorph fractions / profile / surface / composition / calibrate: CONTRACT keys,
// exact figures on a constructed label volume, exit code 2 on bad input with no output left behind.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "emorph/measure/composition.hpp"
#include "emorph/measure/fractions.hpp"
#include "emorph/measure/grey_calibration.hpp"
#include "emorph/measure/profile.hpp"
#include "emorph/measure/specific_surface.hpp"
#include "emorph/measure/surface_area.hpp"
#include "emorph/phase_table.hpp"
#include "emorph/result.hpp"
#include "emorph/results/measure_results.hpp"
#include "emorph/volume.hpp"
#include "cli/cli_test.hpp"

namespace {

// 40 x 16 x 16 at 0.5 um: collector (4) in z < 4; then NMC (1) fraction falling linearly by one row of
// 16 voxels per slice from 12 rows at z = 4; CBD (3) one row per slice; pore elsewhere; nothing above z = 35.
emorph::Volume<uint8_t> electrode() {
  emorph::Volume<uint8_t> v = emorph::Volume<uint8_t>::filled({40, 16, 16}, {0.5, 0.5, 0.5}, 0);
  for (int z = 0; z < 40; ++z)
    for (int y = 0; y < 16; ++y)
      for (int x = 0; x < 16; ++x) {
        if (z < 4) v(z, y, x) = 4;
        else if (z < 36 && y < 12 - (z - 4) / 4) v(z, y, x) = 1;
        else if (z < 36 && y == 15) v(z, y, x) = 3;
      }
  return v;
}

// A results object as the CLI's --json file holds it: written with 17 significant digits and read
// back, NaN as null (so the comparison below is exact).
Json as_written(const Json& results) { return Json::parse(results.dump()); }

}  // namespace

TEST(CliMeasure, FractionsExactAndRegion) {
  TempDir dir;
  const auto v = electrode();
  const auto in = write_raw(dir, "lab", v);
  const auto r = run_cli("fractions " + quoted(in) + " --json " + quoted(dir / "f.json") + " --csv " + quoted(dir / "f.csv"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = read_json(dir / "f.json");
  EXPECT_EQ(j["command"], "fractions");
  EXPECT_TRUE(j["input"].contains("sha256"));
  const Json& p = j["results"]["phases"];
  int64_t nmc = 0;
  for (int64_t i = 0; i < v.size(); ++i) nmc += v.data()[i] == 1;
  EXPECT_EQ(p["NMC"]["voxels"].get<int64_t>(), nmc);
  EXPECT_DOUBLE_EQ(p["NMC"]["volume_fraction"].get<double>(), double(nmc) / v.size());
  EXPECT_EQ(p["collector"]["voxels"].get<int64_t>(), 4 * 256);
  EXPECT_EQ(p["CBD"]["voxels"].get<int64_t>(), 32 * 16);
  const Json& region = j["results"]["electrode_region"];
  EXPECT_EQ(region["first_slice"], 4);
  EXPECT_EQ(region["last_slice"], 35);
  EXPECT_DOUBLE_EQ(region["thickness_um"].get<double>(), 16.0);
  EXPECT_DOUBLE_EQ(p["CBD"]["region_volume_fraction"].get<double>(), 1.0 / 16);
  EXPECT_DOUBLE_EQ(j["results"]["ratios"]["NMC/CBD"].get<double>(), double(nmc) / (32 * 16));
  EXPECT_TRUE(std::filesystem::exists(dir / "f.csv"));
}

TEST(CliMeasure, ProfileBulkSlopeAndErrors) {
  TempDir dir;
  const auto in = write_raw(dir, "lab", electrode());
  // Bulk 2..18 um: slices 4..35 (centres 2.25 .. 17.75). NMC rows 12 - floor((z-4)/4) of 16.
  auto r = run_cli("profile " + quoted(in) + " --axis 0 --bulk 2:18 --json " + quoted(dir / "p.json") + " --csv " + quoted(dir / "p.csv"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = read_json(dir / "p.json");
  const Json& nmc = j["results"]["phases"]["NMC"];
  ASSERT_EQ(nmc["position_um"].size(), 40u);
  EXPECT_DOUBLE_EQ(nmc["position_um"][0].get<double>(), 0.25);
  EXPECT_DOUBLE_EQ(nmc["fraction"][4].get<double>(), 12.0 / 16);
  // Reference: least squares over the same 32 slices computed here.
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (int z = 4; z < 36; ++z) {
    const double x = (z + 0.5) * 0.5, y = (12 - (z - 4) / 4) / 16.0;
    sx += x, sy += y, sxx += x * x, sxy += x * y;
  }
  const double n = 32, slope = (sxy - sx * sy / n) / (sxx - sx * sx / n);
  EXPECT_NEAR(nmc["slope_per_um"].get<double>(), slope, 1e-12);
  EXPECT_NEAR(nmc["mean_fraction"].get<double>(), sy / n, 1e-12);
  EXPECT_NEAR(nmc["slope_relative_percent_per_um"].get<double>(), 100 * slope / (sy / n), 1e-9);
  for (const char* key : {"rsd_percent", "slope_stderr_per_um"}) EXPECT_TRUE(nmc[key].is_number()) << key;
  EXPECT_EQ(j["results"]["bulk"]["first_slice"], 4);
  EXPECT_EQ(j["results"]["bulk"]["last_slice"], 35);

  // The detected region trimmed by 1 um on each side gives slices 6..33.
  r = run_cli("profile " + quoted(in) + " --exclude-collector 1 --exclude-surface 1 --json " + quoted(dir / "p2.json"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j2 = read_json(dir / "p2.json");
  EXPECT_EQ(j2["results"]["bulk"]["first_slice"], 6);
  EXPECT_EQ(j2["results"]["bulk"]["last_slice"], 33);

  // Bad input: empty window, axis out of range, a phase absent from the volume; no output written.
  for (const std::string bad : {" --bulk 30:40", " --bulk 5.3:5.4", " --axis 3", " --phase LFP", " --exclude-collector 10 --exclude-surface 10"}) {
    r = run_cli("profile " + quoted(in) + bad + " --json " + quoted(dir / "bad.json"));
    EXPECT_EQ(r.exit_code, 2) << bad;
    EXPECT_FALSE(r.err.empty()) << bad;
    EXPECT_FALSE(std::filesystem::exists(dir / "bad.json")) << bad;
  }
}

TEST(CliMeasure, SurfaceKeysInterfacesAndMesh) {
  TempDir dir;
  // Two slabs: NMC (1) z < 10 and pore above, 1 um voxels, 20 x 20 x 20. The only crossings are the
  // pairs (z = 9, z = 10) of the nine steps with dz = 1: (20 - |dy|)(20 - |dx|) of each inside the
  // box, each worth 2 w_d / |v_d| um2 (Crofton, unit voxels).
  emorph::Volume<uint8_t> v = emorph::Volume<uint8_t>::filled({20, 20, 20}, {1, 1, 1}, 0);
  for (int z = 0; z < 10; ++z)
    for (int y = 0; y < 20; ++y)
      for (int x = 0; x < 20; ++x) v(z, y, x) = 1;
  const auto in = write_raw(dir, "slab", v);
  const auto r = run_cli("surface " + quoted(in) + " --json " + quoted(dir / "s.json") + " --csv " + quoted(dir / "s.csv") + " --mesh " +
                         quoted(dir / "m.ply") + " --phase NMC");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = read_json(dir / "s.json")["results"];
  const double area = j["interfaces"]["pore|NMC"]["area_um2"].get<double>();
  const auto& dirs = emorph::crofton_directions();
  const auto w = emorph::crofton_weights(emorph::Spacing{});
  double expected = 0;
  for (int d = 0; d < 13; ++d)
    if (dirs[d][0] == 1)
      expected += 2 * w[d] / std::sqrt(1.0 + dirs[d][1] * dirs[d][1] + dirs[d][2] * dirs[d][2]) *
                  (20 - std::abs(dirs[d][1])) * (20 - std::abs(dirs[d][2]));
  EXPECT_NEAR(area, expected, 1e-9 * expected);
  EXPECT_DOUBLE_EQ(j["phases"]["NMC"]["surface_area_um2"].get<double>(), area);
  EXPECT_DOUBLE_EQ(j["phases"]["NMC"]["specific_surface_per_um"].get<double>(), area / 8000);
  EXPECT_DOUBLE_EQ(j["phases"]["NMC"]["specific_surface_phase_per_um"].get<double>(), area / 4000);
  EXPECT_DOUBLE_EQ(j["phases"]["NMC"]["specific_surface_m2_per_g"].get<double>(), area / 4000 / 4.75);
  EXPECT_FALSE(j["interfaces"].contains("NMC|pore"));
  EXPECT_GT(j["mesh"]["triangles"].get<int64_t>(), 0);
  EXPECT_TRUE(std::filesystem::exists(dir / "m.ply"));

  // --mesh without --phase, an unknown density name, a wrong mesh extension: exit 2.
  EXPECT_EQ(run_cli("surface " + quoted(in) + " --mesh " + quoted(dir / "x.ply")).exit_code, 2);
  EXPECT_EQ(run_cli("surface " + quoted(in) + " --density Graphite=2.2").exit_code, 2);
  EXPECT_EQ(run_cli("surface " + quoted(in) + " --mesh " + quoted(dir / "x.obj") + " --phase NMC").exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(dir / "x.obj"));
  EXPECT_EQ(run_cli("surface " + quoted(in) + " --mesh " + quoted(dir / "y.ply") + " --phase LFP").exit_code, 2);  // absent
  EXPECT_FALSE(std::filesystem::exists(dir / "y.ply"));
}

TEST(CliMeasure, CompositionTable4AndErrors) {
  TempDir dir;
  const auto r = run_cli("composition --wt NMC=44,LFP=44,PVdF=7.5,CB=4.5 --density PVdF=1.78,CB=1.95 --porosity 29 "
                         "--bet NMC=0.28,LFP=18.3,CB=65 --json " + quoted(dir / "c.json"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = read_json(dir / "c.json")["results"];
  EXPECT_NEAR(j["theoretical_ssa_m2_per_g"].get<double>(), 11.1, 0.05);  // paper Table 4, sample F
  EXPECT_EQ(j["no_bet"], Json::array({"PVdF"}));
  double sum = 0;
  for (const auto& [k, v] : j["vol_percent"].items()) sum += v.get<double>();
  EXPECT_NEAR(sum, 71.0, 1e-9);
  EXPECT_EQ(run_cli("composition --wt NMC=44,LFP=44,Binder=7.5,CB=4.5 --porosity 29").exit_code, 2);  // no Binder density
  EXPECT_EQ(run_cli("composition --wt NMC=50,LFP=40 --porosity 29").exit_code, 2);                   // sums to 90
}

TEST(CliMeasure, CalibrateFitsALine) {
  const auto r = run_cli("calibrate --grey 100,120,150 --density 2.5,2.9,3.5 --json -");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = Json::parse(r.out)["results"];
  EXPECT_NEAR(j["slope_g_cm3_per_grey"].get<double>(), 0.02, 1e-12);
  EXPECT_NEAR(j["r_squared"].get<double>(), 1.0, 1e-12);
  EXPECT_EQ(run_cli("calibrate --grey 100 --density 2.5").exit_code, 2);
}

TEST(CliMeasure, RealVolumesWhenPresent) {
  const std::string path = emorph::test::shared_data("nmc-polaron-taufactor");
  if (path.empty()) GTEST_SKIP() << "shared data absent";
  bool ran = false;
  for (const auto& e : std::filesystem::directory_iterator(path)) {
    const auto ext = e.path().extension().string();
    if (ext != ".tif" && ext != ".tiff") continue;
    TempDir dir;
    const auto r = run_cli("fractions " + quoted(e.path().string()) + " --json " + quoted(dir / "f.json"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    double total = 0;
    const Json j = read_json(dir / "f.json");  // kept alive: items() would dangle on a temporary
    for (const auto& [k, p] : j["results"]["phases"].items()) total += p["volume_fraction"].get<double>();
    EXPECT_NEAR(total, 1.0, 1e-12);
    ran = true;
    break;
  }
  if (!ran) GTEST_SKIP() << "no TIFF label volume in " << path;
}

// The CLI's results objects are the library's results functions, which the Python module calls too:
// the same JSON, key for key and bit for bit, for each measure command and some of its options.
TEST(CliMeasure, ResultsEqualTheLibraryResultsFunctions) {
  TempDir dir;
  const auto v = electrode();
  const auto in = write_raw(dir, "lab", v);
  const auto table = emorph::PhaseTable::default_table();
  auto cli_results = [&](const std::string& args) {
    const auto r = run_cli(args + " --json " + quoted(dir / "r.json"));
    EXPECT_EQ(r.exit_code, 0) << args << ": " << r.err;
    return read_json(dir / "r.json")["results"];
  };
  emorph::FractionsReportParams fp;
  EXPECT_EQ(cli_results("fractions " + quoted(in)), as_written(emorph::fractions_results(v.view(), table, fp)));
  fp.axis = 1;
  fp.only = {"NMC", "pore"};
  fp.ratios = "NMC/pore";
  EXPECT_EQ(cli_results("fractions " + quoted(in) + " --axis 1 --phase NMC --phase pore --ratios NMC/pore"),
            as_written(emorph::fractions_results(v.view(), table, fp)));

  emorph::ProfileReportParams pp;
  EXPECT_EQ(cli_results("profile " + quoted(in)), as_written(emorph::profile_results(v.view(), table, pp)));
  pp.window = 3;
  pp.bulk_um = std::make_pair(3.0, 15.0);
  EXPECT_EQ(cli_results("profile " + quoted(in) + " --window 3 --bulk 3:15"),
            as_written(emorph::profile_results(v.view(), table, pp)));
  pp = {};
  pp.exclude_depleted = true;
  pp.exclude_surface_um = 1;
  EXPECT_EQ(cli_results("profile " + quoted(in) + " --exclude-depleted --exclude-surface 1"),
            as_written(emorph::profile_results(v.view(), table, pp)));

  emorph::SurfaceReportParams sp;
  EXPECT_EQ(cli_results("surface " + quoted(in)), as_written(emorph::surface_results(v.view(), table, sp)));
  sp.count_volume_boundary = true;
  EXPECT_EQ(cli_results("surface " + quoted(in) + " --count-boundary"), as_written(emorph::surface_results(v.view(), table, sp)));

  emorph::CompositionParams cp;
  cp.wt_percent = {{"NMC", 44}, {"LFP", 44}, {"PVdF", 7.5}, {"CB", 4.5}};
  cp.density_g_cm3 = emorph::component_densities(cp.wt_percent, {{"PVdF", 1.78}, {"CB", 1.95}}, table);
  cp.porosity_percent = 29;
  cp.bet_m2_per_g = {{"NMC", 0.28}, {"LFP", 18.3}, {"CB", 65}};
  EXPECT_EQ(cli_results("composition --wt NMC=44,LFP=44,PVdF=7.5,CB=4.5 --density PVdF=1.78,CB=1.95 --porosity 29 "
                        "--bet NMC=0.28,LFP=18.3,CB=65"),
            as_written(emorph::composition_results(cp)));

  EXPECT_EQ(cli_results("calibrate --grey 100,120,150 --density 2.5,2.9,3.5"),
            as_written(emorph::grey_calibration_results(emorph::fit_grey_calibration({100, 120, 150}, {2.5, 2.9, 3.5}))));
}

// The CSV tables are built from the results objects: rows in the phase table's order, interfaces in
// label order, one profile column per phase.
TEST(CliMeasure, CsvTablesFollowTheResults) {
  TempDir dir;
  const auto in = write_raw(dir, "lab", electrode());
  ASSERT_EQ(run_cli("fractions " + quoted(in) + " --csv " + quoted(dir / "f.csv")).exit_code, 0);
  const std::string f = read_text(dir / "f.csv");
  EXPECT_EQ(f.rfind("phase,label,voxels,volume_fraction,region_voxels,region_volume_fraction\npore,0,", 0), 0u) << f;
  EXPECT_LT(f.find("\nNMC,1,"), f.find("\nLFP,2,"));
  EXPECT_LT(f.find("\nLFP,2,"), f.find("\nCBD,3,"));
  EXPECT_LT(f.find("\nCBD,3,"), f.find("\ncollector,4,"));
  ASSERT_EQ(run_cli("profile " + quoted(in) + " --phase NMC --phase CBD --csv " + quoted(dir / "p.csv")).exit_code, 0);
  EXPECT_EQ(read_text(dir / "p.csv").rfind("position_um,NMC,CBD\n0.", 0), 0u);
  ASSERT_EQ(run_cli("surface " + quoted(in) + " --csv " + quoted(dir / "s.csv")).exit_code, 0);
  const std::string s = read_text(dir / "s.csv");
  const auto pore_nmc = s.find("\ninterface,pore|NMC,"), pore_cbd = s.find("\ninterface,pore|CBD,");
  const auto nmc_cbd = s.find("\ninterface,NMC|CBD,"), nmc_collector = s.find("\ninterface,NMC|collector,");
  ASSERT_NE(pore_nmc, std::string::npos);
  ASSERT_NE(nmc_collector, std::string::npos);
  EXPECT_LT(pore_nmc, pore_cbd);
  EXPECT_LT(pore_cbd, nmc_cbd);
  EXPECT_LT(nmc_cbd, nmc_collector);
  EXPECT_LT(s.find("\nphase,collector,"), pore_nmc);
}
