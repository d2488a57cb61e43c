// Composition calculator against hand arithmetic and the paper's Tables 1 and 4.
#include <gtest/gtest.h>

#include "emorph/measure/composition.hpp"
#include "emorph/error.hpp"

using namespace emorph;

namespace {

double value(const NamedValues& v, const std::string& name) {
  for (const auto& [n, x] : v)
    if (n == name) return x;
  ADD_FAILURE() << "no " << name;
  return 0;
}

CompositionParams paper_sample(double nmc, double lfp, double pvdf, double cb, double porosity) {
  CompositionParams p;
  p.wt_percent = {{"NMC", nmc}, {"LFP", lfp}, {"PVdF", pvdf}, {"CB", cb}};
  // NMC and LFP as in the paper; PVdF and CB typical handbook values (the paper does not list them).
  p.density_g_cm3 = {{"NMC", 4.75}, {"LFP", 3.57}, {"PVdF", 1.78}, {"CB", 1.95}};
  p.bet_m2_per_g = {{"NMC", 0.28}, {"LFP", 18.3}, {"CB", 65}};
  p.porosity_percent = porosity;
  return p;
}

}  // namespace

TEST(Composition, HandArithmetic) {
  CompositionParams p;
  p.wt_percent = {{"A", 50}, {"B", 50}};
  p.density_g_cm3 = {{"A", 4.0}, {"B", 1.0}};
  p.porosity_percent = 20;
  const auto r = composition(p);
  // Volumes per gram 0.125 and 0.5: solid shares 20% and 80%; times 80% solid.
  EXPECT_NEAR(value(r.solid_vol_percent, "A"), 20.0, 1e-12);
  EXPECT_NEAR(value(r.vol_percent, "A"), 16.0, 1e-12);
  EXPECT_NEAR(value(r.vol_percent, "B"), 64.0, 1e-12);
  EXPECT_NEAR(*r.solid_density_g_cm3, 1.6, 1e-12);
  EXPECT_FALSE(r.theoretical_ssa_m2_per_g.has_value());
  EXPECT_EQ(r.no_bet, (std::vector<std::string>{"A", "B"}));
}

TEST(Composition, PorosityFromLoadingAndThickness) {
  CompositionParams p;
  p.wt_percent = {{"A", 100}};
  p.density_g_cm3 = {{"A", 4.0}};
  // 20 mg/cm2 over 70 um: coating density 20e-3 / 70e-4 = 2.857 g/cm3, porosity 1 - 2.857/4.
  p.loading_mg_per_cm2 = 20;
  p.thickness_um = 70;
  const auto r = composition(p);
  EXPECT_TRUE(r.porosity_from_loading);
  EXPECT_NEAR(*r.porosity_percent, 100 * (1 - 20e-3 / 70e-4 / 4.0), 1e-9);
}

TEST(Composition, ReproducesPaperTable4Theoretical) {
  // Table 4: A 2.2, F 11.1 / 6.6, H 10.5 / 5.7, J 18.8 / 9.3 m2/g (second value: LFP BET 8 m2/g).
  // Tolerance 0.07: the table rounds to 0.1 (H's 5.76 is printed 5.7).
  struct Row { double nmc, lfp, pvdf, cb, porosity, bet, bet8; };
  const Row rows[] = {{92, 0, 5, 3, 34, 2.2, -1}, {44, 44, 7.5, 4.5, 29, 11.1, 6.6},
                      {46, 46, 5, 3, 31, 10.5, 5.7}, {0, 92, 5, 3, 37, 18.8, 9.3}};
  for (const auto& row : rows) {
    auto p = paper_sample(row.nmc, row.lfp, row.pvdf, row.cb, row.porosity);
    const auto r = composition(p);
    ASSERT_TRUE(r.theoretical_ssa_m2_per_g);
    EXPECT_NEAR(*r.theoretical_ssa_m2_per_g, row.bet, 0.07);
    EXPECT_EQ(r.no_bet, std::vector<std::string>{"PVdF"});
    if (row.bet8 > 0) {
      p.bet_m2_per_g[1].second = 8.0;
      EXPECT_NEAR(*composition(p).theoretical_ssa_m2_per_g, row.bet8, 0.07);
    }
  }
}

TEST(Composition, ReproducesPaperTable1VolumeShares) {
  // Sample F (44/44/7.5/4.5 wt%, 29% porosity): Table 1 gives 24.0 / 30.6 / 10.6 / 5.8 v%. The
  // paper's binder and carbon densities are not given, hence 1 vol% tolerance.
  const auto r = composition(paper_sample(44, 44, 7.5, 4.5, 29));
  EXPECT_NEAR(value(r.vol_percent, "NMC"), 24.0, 1.0);
  EXPECT_NEAR(value(r.vol_percent, "LFP"), 30.6, 1.0);
  EXPECT_NEAR(value(r.vol_percent, "PVdF"), 10.6, 1.0);
  EXPECT_NEAR(value(r.vol_percent, "CB"), 5.8, 1.0);
  double sum = 0;
  for (const auto& [n, v] : r.vol_percent) sum += v;
  EXPECT_NEAR(sum, 71.0, 1e-9);
}

TEST(Composition, GeometricSphereArea) {
  // The paper's LFP footnote: d50 = 200 nm, rho = 3.57: S = 6 / (0.2 * 3.57) = 8.40 m2/g.
  EXPECT_NEAR(sphere_specific_surface_m2_per_g(0.2, 3.57), 8.403, 1e-3);
  auto p = paper_sample(0, 92, 5, 3, 37);
  p.diameter_um = {{"LFP", 0.2}};
  const auto r = composition(p);
  EXPECT_NEAR(value(r.geometric_ssa_m2_per_g, "LFP"), 8.403, 1e-3);
  ASSERT_TRUE(r.theoretical_ssa_geometric_m2_per_g);
  EXPECT_NEAR(*r.theoretical_ssa_geometric_m2_per_g, 0.92 * 8.4034 + 0.03 * 65, 1e-3);
}

TEST(Composition, BadInput) {
  auto p = paper_sample(44, 44, 7.5, 4.5, 29);
  auto q = p;
  q.wt_percent[0].second = 50;  // sums to 106
  EXPECT_THROW(composition(q), InputError);
  q = p;
  q.density_g_cm3.pop_back();  // CB without density
  EXPECT_THROW(composition(q), InputError);
  q = p;
  q.porosity_percent.reset();  // no porosity: the SSA and solid shares, no vol%
  EXPECT_FALSE(composition(q).porosity_percent);
  EXPECT_TRUE(composition(q).vol_percent.empty());
  EXPECT_EQ(composition(q).solid_vol_percent.size(), 4u);
  q.density_g_cm3.pop_back();
  EXPECT_FALSE(composition(q).solid_density_g_cm3);  // a density unknown: no volumes, no error
  q = p;
  q.bet_m2_per_g.push_back({"Graphite", 5});
  EXPECT_THROW(composition(q), InputError);
  q = p;
  q.porosity_percent = 100;
  EXPECT_THROW(composition(q), InputError);
}
