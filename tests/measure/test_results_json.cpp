// The results functions behind the measure commands' JSON (fractions_results, profile_results,
// surface_results, composition_results, grey_calibration_results, grey_profile_results): figures equal
// to direct counts, warnings instead of prints, option names in the caller's spelling, report order.
// Their equality with the CLI's output is tested in tests/cli/test_cli_measure.cpp.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <utility>

#include "emorph/measure/composition.hpp"
#include "emorph/measure/fractions.hpp"
#include "emorph/measure/grey_calibration.hpp"
#include "emorph/measure/profile.hpp"
#include "emorph/results/measure_results.hpp"
#include "emorph/param_table.hpp"
#include "emorph/measure/specific_surface.hpp"
#include "support/input_error.hpp"

using namespace emorph;

namespace {

// 20 x 6 x 8 at 0.5 um: collector in z < 2, NMC in y < 3 above it, label 7 (no table name) at one voxel.
Volume<uint8_t> layered() {
  auto v = Volume<uint8_t>::filled({20, 6, 8}, {0.5, 0.25, 0.25}, 0);
  for (int64_t z = 0; z < 20; ++z)
    for (int64_t y = 0; y < 6; ++y)
      for (int64_t x = 0; x < 8; ++x) v(z, y, x) = z < 2 ? 4 : y < 3 ? 1 : 0;
  v(10, 5, 7) = 7;
  return v;
}


}  // namespace

TEST(ResultsJson, OptionNamesFollowTheCallersStyle) {
  EXPECT_EQ(option_flag("exclude_depleted"), "--exclude-depleted");
  EXPECT_EQ(keyword_spelling("--exclude-depleted"), "exclude_depleted");
  EXPECT_TRUE(number_or_null(std::numeric_limits<double>::quiet_NaN()).is_null());
  EXPECT_TRUE(number_or_null(INFINITY).is_null());
  EXPECT_EQ(number_or_null(0.5), Json(0.5));
}

TEST(ResultsJson, FractionsEqualCountsAndReportTheRegion) {
  const auto v = layered();
  const auto table = PhaseTable::default_table();
  std::vector<std::string> warnings;
  const Json r = fractions_results(v.view(), table, {}, &warnings);
  EXPECT_TRUE(warnings.empty());
  const int64_t nmc = 18 * 3 * 8, collector = 2 * 6 * 8;
  EXPECT_EQ(r["total_voxels"], v.size());
  EXPECT_EQ(r["phases"]["NMC"]["voxels"], nmc);
  EXPECT_DOUBLE_EQ(r["phases"]["NMC"]["volume_fraction"].get<double>(), double(nmc) / double(v.size()));
  EXPECT_EQ(r["phases"]["collector"]["voxels"], collector);
  EXPECT_EQ(r["phases"]["label_7"]["voxels"], 1);  // present but not in the table
  EXPECT_EQ(r["electrode_region"]["first_slice"], 2);
  EXPECT_DOUBLE_EQ(r["phases"]["NMC"]["region_volume_fraction"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(r["ratios"]["NMC/pore"].get<double>(), double(nmc) / double(18 * 3 * 8 - 1));
  EXPECT_EQ(phase_order(table, r["phases"]),
            (std::vector<std::string>{"pore", "NMC", "LFP", "CBD", "collector", "matrix", "label_7"}));
  EXPECT_EQ(phase_order(table, r["phases"], {"NMC", "pore"}), (std::vector<std::string>{"NMC", "pore"}));
}

TEST(ResultsJson, FractionsWithoutRegionWarnInsteadOfPrinting) {
  // All pore: no solid, so no electrode region; the figures are still reported.
  const auto v = Volume<uint8_t>::filled({6, 4, 4}, {1, 1, 1}, 0);
  std::vector<std::string> warnings;
  const Json r = fractions_results(v.view(), PhaseTable::default_table(), {}, &warnings);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].rfind("no electrode region: ", 0), 0u);
  EXPECT_FALSE(r.contains("electrode_region"));
  EXPECT_FALSE(r["phases"]["pore"].contains("region_voxels"));
  EXPECT_EQ(r["phases"]["pore"]["voxels"], 96);
  EXPECT_NO_THROW(fractions_results(v.view(), PhaseTable::default_table(), {}));  // warnings not wanted
}

TEST(ResultsJson, ErrorsNameTheOptionAsTheCallerSpellsIt) {
  const auto v = layered();
  const auto table = PhaseTable::default_table();
  FractionsReportParams fp;
  fp.only = {"LFP"};  // absent from the volume
  EXPECT_NE(test::input_error_message([&] { fractions_results(v.view(), table, fp); }).find("--phase"), std::string::npos);
  const std::string py = keyword_spelling(test::input_error_message([&] { fractions_results(v.view(), table, fp); }));
  EXPECT_EQ(py.rfind("phase: ", 0), 0u) << py;

  ProfileReportParams pp;
  pp.bulk_um = std::make_pair(1.0, 4.0);
  pp.exclude_surface_um = 1;
  EXPECT_NE(test::input_error_message([&] { profile_results(v.view(), table, pp); }).find("--bulk excludes --exclude-collector"),
            std::string::npos);
  EXPECT_NE(keyword_spelling(test::input_error_message([&] { profile_results(v.view(), table, pp); }))
                .find("bulk excludes exclude_collector"),
            std::string::npos);
  pp = {};
  pp.window = 2;
  EXPECT_NE(test::input_error_message([&] { profile_results(v.view(), table, pp); }).find("--window"), std::string::npos);
  pp = {};
  pp.bulk_um = std::make_pair(50.0, 60.0);  // beyond the volume: empty window
  EXPECT_EQ(keyword_spelling(test::input_error_message([&] { profile_results(v.view(), table, pp); })).rfind("bulk", 0),
            0u);
}

TEST(ResultsJson, ProfileStatisticsOverTheBulkWindow) {
  const auto v = layered();
  ProfileReportParams p;
  p.bulk_um = std::make_pair(1.0, 9.0);  // slice centres 0.25 + 0.5 k in [1, 9]: slices 2..17
  const Json r = profile_results(v.view(), PhaseTable::default_table(), p);
  EXPECT_EQ(r["bulk"]["first_slice"], 2);
  EXPECT_EQ(r["bulk"]["last_slice"], 17);
  EXPECT_EQ(r["bulk"]["source"], "bulk");
  const Json& nmc = r["phases"]["NMC"];
  EXPECT_DOUBLE_EQ(nmc["mean_fraction"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(nmc["slope_per_um"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(nmc["position_um"][3].get<double>(), 1.75);
  EXPECT_DOUBLE_EQ(nmc["fraction"][0].get<double>(), 0.0);
  EXPECT_TRUE(r["phases"]["LFP"]["rsd_percent"].is_null());  // absent phase: RSD of a zero mean
}

TEST(ResultsJson, SurfaceKeysAndDensities) {
  const auto v = layered();
  const Json r = surface_results(v.view(), PhaseTable::default_table());
  const auto areas = surface_areas(v.view());  // the estimator itself is tested in test_surface_area.cpp
  EXPECT_EQ(r["interfaces"]["pore|NMC"]["area_um2"].get<double>(), areas.interface(0, 1));
  EXPECT_EQ(r["phases"]["NMC"]["surface_area_um2"].get<double>(), areas.phase_area_um2[1]);
  EXPECT_EQ(r["total_volume_um3"].get<double>(), 20 * 6 * 8 * 0.5 * 0.25 * 0.25);
  EXPECT_TRUE(r["phases"]["NMC"].contains("specific_surface_m2_per_g"));  // the table knows NMC's density
  EXPECT_TRUE(r["phases"]["LFP"]["specific_surface_phase_per_um"].is_null());
  EXPECT_EQ(r["count_volume_boundary"], false);
}

TEST(ResultsJson, CompositionDensitiesDefaultFromTheTable) {
  const auto table = PhaseTable::default_table();
  const NamedValues wt = {{"NMC", 50}, {"LFP", 40}, {"CB", 10}};
  const auto rho = component_densities(wt, {{"LFP", 3.6}, {"CB", 1.9}}, table);
  EXPECT_EQ(rho, (NamedValues{{"NMC", 4.75}, {"LFP", 3.6}, {"CB", 1.9}}));
  CompositionParams p;
  p.wt_percent = wt;
  p.density_g_cm3 = rho;
  p.porosity_percent = 30;
  const Json r = composition_results(p);
  const double solid = 1 / (0.5 / 4.75 + 0.4 / 3.6 + 0.1 / 1.9);
  EXPECT_NEAR(r["solid_density_g_cm3"].get<double>(), solid, 1e-12);
  EXPECT_NEAR(r["vol_percent"]["NMC"].get<double>(), 70 * 0.5 / 4.75 * solid, 1e-9);
  EXPECT_TRUE(r["theoretical_ssa_m2_per_g"].is_null());
  EXPECT_EQ(r["no_bet"], (std::vector<std::string>{"NMC", "LFP", "CB"}));
}

TEST(ResultsJson, GreyProfileAndCalibration) {
  auto labels = Volume<uint8_t>::filled({3, 2, 2}, {0.5, 1, 1}, 1);
  labels(0, 0, 0) = 0, labels(0, 1, 1) = 0, labels(2, 0, 1) = 0;  // no pore in slice 1
  Volume<uint16_t> grey({3, 2, 2}, {0.5, 1, 1});
  for (int64_t i = 0; i < grey.size(); ++i) grey.data()[i] = static_cast<uint16_t>(10 * i);
  GreyProfileParams gp;
  gp.mask_labels = {0};
  const auto g = grey_profile(std::as_const(grey).view(), std::as_const(labels).view(), gp);
  const AnyVolume any(to_volume(grey.view()));
  EXPECT_EQ(grey_profile(any, labels.view(), gp).voxels, g.voxels);  // the owning overload
  const auto c = fit_grey_calibration({0, 100}, {1, 3});
  const Json j = grey_profile_results(g, c);
  EXPECT_EQ(j["voxels"], (std::vector<int64_t>{2, 0, 1}));
  EXPECT_DOUBLE_EQ(j["mean_grey"][0].get<double>(), 15.0);  // (0 + 30) / 2
  EXPECT_TRUE(j["mean_grey"][1].is_null());
  EXPECT_NEAR(j["density_g_cm3"][2].get<double>(), 1 + 0.02 * 90, 1e-12);
  EXPECT_TRUE(j["density_g_cm3"][1].is_null());
  EXPECT_FALSE(grey_profile_results(g).contains("density_g_cm3"));
  const Json cal = grey_calibration_results(c);
  EXPECT_EQ(cal["samples"], 2);
  EXPECT_EQ(cal["calibration"], Json(c.slope).dump() + "," + Json(c.intercept).dump());
  EXPECT_TRUE(grey_calibration_results(fit_grey_calibration({0, 100}, {2, 2}))["r_squared"].is_null());
}
