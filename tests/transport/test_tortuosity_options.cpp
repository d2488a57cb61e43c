// Shared option resolution of the tortuosity front ends (CLI and Python), and the edge cases the issue
// names: no percolating path (tau infinite, with a message), a volume one voxel thick, a phase occupying
// everything.
#include <gtest/gtest.h>

#include <cmath>

#include "emorph/error.hpp"
#include "emorph/param_table.hpp"
#include "emorph/results/transport_results.hpp"
#include "emorph/transport/tortuosity_options.hpp"
#include "reference.hpp"

using namespace emorph;
using emorph::test::random_labels;
using emorph::test::reference_deff;

namespace {

TortuosityParams tight(int axis) {
  TortuosityParams p;
  p.axis = axis;
  p.tolerance = 1e-11;
  p.flux_tolerance = 1e-9;
  return p;
}

}  // namespace

TEST(TortuosityOptions, NamesResolveThroughThePhaseTable) {
  TortuosityOptions o;
  o.phase = "pore";
  o.axis = 2;
  o.conductivity = {{"CBD", 0.1}};
  o.tolerance = 1e-7;
  o.flux_tolerance = 1e-5;
  o.max_iterations = 77;
  o.solver = "jacobi";
  o.keep_fields = true;
  const auto s = tortuosity_setup(o, PhaseTable::default_table());
  EXPECT_EQ(s.params.axis, 2);
  EXPECT_EQ(s.params.phase_label, 0);
  ASSERT_EQ(s.params.conductivity.size(), 1u);
  EXPECT_EQ(s.params.conductivity[0].first, 3);  // CBD in the default table
  EXPECT_EQ(s.params.conductivity[0].second, 0.1);
  EXPECT_EQ(s.params.tolerance, 1e-7);
  EXPECT_EQ(s.params.flux_tolerance, 1e-5);
  EXPECT_EQ(s.params.max_iterations, 77);
  EXPECT_FALSE(s.params.multigrid);
  EXPECT_TRUE(s.params.keep_fields);
  // The reported conductivities name every conducting phase, --phase with 1 when not given.
  ASSERT_EQ(s.conductivity.size(), 2u);
  EXPECT_EQ(s.conductivity[0].first, "CBD");
  EXPECT_EQ(s.conductivity[1].first, "pore");
  EXPECT_EQ(s.conductivity[1].second, 1.0);

  // A custom table and an explicit value for the phase itself.
  o.conductivity = {{"void", 2.0}};
  o.phase = "void";
  const auto t = tortuosity_setup(o, PhaseTable::parse("void=255,solid=0"));
  EXPECT_EQ(t.params.phase_label, 255);
  ASSERT_EQ(t.conductivity.size(), 1u);
  EXPECT_EQ(t.conductivity[0].second, 2.0);
}

TEST(TortuosityOptions, BadOptionsNameTheOption) {
  const PhaseTable table = PhaseTable::default_table();
  auto message = [&](TortuosityOptions o, const std::string& prefix) {
    try {
      tortuosity_setup(o, table);
    } catch (const InputError& e) {
      return prefix.empty() ? keyword_spelling(e.what()) : std::string(e.what());
    }
    return std::string("no error");
  };
  TortuosityOptions o;
  o.solver = "lu";
  EXPECT_NE(message(o, "--").find("--solver"), std::string::npos);
  EXPECT_NE(message(o, "").find("solver must be"), std::string::npos);
  o = {};
  o.phase = "unobtainium";
  EXPECT_NE(message(o, "--").find("--phase"), std::string::npos);
  o = {};
  o.conductivity = {{"nope", 1.0}};
  EXPECT_NE(message(o, "--").find("--conductivity"), std::string::npos);
  o = {};
  o.conductivity = {{"CBD", 0.1}, {"CBD", 0.2}};
  EXPECT_NE(message(o, "--").find("twice"), std::string::npos);
  o = {};
  o.axis = 3;
  EXPECT_NE(message(o, "").find("axis"), std::string::npos);
}

TEST(TortuosityOptions, ResultJsonAndWarnings) {
  // No percolating path: tau infinite (null in JSON), never NaN, and a message naming input, phase, axis.
  Volume<uint8_t> wall = Volume<uint8_t>::filled({6, 4, 4}, {}, 0);
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 4; ++x) wall(3, y, x) = 1;
  const auto r = tortuosity(wall, tight(0));
  EXPECT_TRUE(std::isinf(r.tau) && r.tau > 0);
  EXPECT_TRUE(std::isinf(r.macmullin));
  const Json j = tortuosity_result_json(r);
  EXPECT_TRUE(Json::parse(j.dump())["tau"].is_null());  // nlohmann writes infinities as null
  EXPECT_EQ(j["deff_over_d0"].get<double>(), 0.0);
  EXPECT_EQ(j["percolating_fraction"].get<double>(), 0.0);
  EXPECT_FALSE(j["percolating"].get<bool>());
  const std::string w = tortuosity_warning(r, "wall.tif", "pore", 0);
  EXPECT_NE(w.find("wall.tif"), std::string::npos);
  EXPECT_NE(w.find("no percolating path along axis 0"), std::string::npos);
  // The same volume percolates along y: no warning.
  const auto along_y = tortuosity(wall, tight(1));
  EXPECT_TRUE(along_y.percolating && along_y.converged);
  EXPECT_TRUE(tortuosity_warning(along_y, "wall.tif", "pore", 1).empty());
  // A solve stopped by the iteration cap says so.
  auto capped = tight(0);
  capped.max_iterations = 1;
  capped.multigrid = false;
  const auto c = tortuosity(random_labels({12, 12, 12}, 0.65, 3, 0, 1), capped);
  ASSERT_TRUE(c.percolating);
  EXPECT_FALSE(c.converged);
  EXPECT_NE(tortuosity_warning(c, "x", "pore", 0).find("stopped after 1 iterations"), std::string::npos);
}

TEST(TortuosityEdgeCases, OneVoxelThickAcrossEachAxis) {
  // A single layer (one voxel thick along some axis other than the transport one) is a 2D problem: same
  // discretisation, compared with the dense direct solve; one voxel thick along the transport axis every
  // phase voxel touches both faces and tau = 1.
  int seed = 200, compared = 0;
  for (int thin = 0; thin < 3; ++thin)
    for (int axis = 0; axis < 3; ++axis) {
      Shape shape{9, 10, 11};
      (thin == 0 ? shape.nz : thin == 1 ? shape.ny : shape.nx) = 1;
      auto v = random_labels(shape, 0.3, seed++, 1, 0);
      v.set_spacing({0.8, 1.0, 1.2});
      const auto r = tortuosity(v, tight(axis));
      if (thin == axis) {
        ASSERT_TRUE(r.percolating);
        EXPECT_NEAR(r.tau, 1.0, 1e-12) << "thin " << thin;
        EXPECT_NEAR(r.percolating_fraction, 1.0, 0.0);
        continue;
      }
      std::array<double, 256> sigma{};
      sigma[0] = 1.0;
      const double expected = reference_deff(v, sigma, axis, 1.0);
      if (expected == 0) {
        EXPECT_FALSE(r.percolating);
        EXPECT_TRUE(std::isinf(r.tau));
      } else {
        EXPECT_NEAR(r.deff_over_d0 / expected, 1.0, 1e-8) << "thin " << thin << " axis " << axis;
        ++compared;
      }
    }
  EXPECT_GE(compared, 4);  // 70% pore in 2D (site threshold 0.59): most layers percolate
  // A single voxel.
  const auto one = tortuosity(Volume<uint8_t>::filled({1, 1, 1}, {}, 0), tight(0));
  EXPECT_NEAR(one.tau, 1.0, 1e-12);
  EXPECT_EQ(one.unknowns, 1);
}

TEST(TortuosityEdgeCases, PhaseOccupyingEverything) {
  // Every voxel conducts: tau = 1 and D_eff/D0 = 1 along each axis, anisotropic voxels, both solvers.
  for (int axis = 0; axis < 3; ++axis)
    for (bool multigrid : {true, false}) {
      Volume<uint8_t> full = Volume<uint8_t>::filled({17, 12, 14}, {0.5, 1.0, 2.0}, 3);
      TortuosityOptions o;
      o.phase = "CBD";
      o.axis = axis;
      o.solver = multigrid ? "multigrid" : "jacobi";
      o.tolerance = 1e-11;
      o.flux_tolerance = 1e-9;
      const auto r = tortuosity(full, tortuosity_setup(o, PhaseTable::default_table()).params);
      EXPECT_NEAR(r.tau, 1.0, 1e-12) << axis;
      EXPECT_NEAR(r.deff_over_d0, 1.0, 1e-12);
      EXPECT_EQ(r.volume_fraction, 1.0);
      EXPECT_EQ(r.percolating_fraction, 1.0);
    }
  // Two conducting phases filling the volume in layers across the axis (parallel): D_eff is the
  // arithmetic mean of their diffusivities and tau = 1 (the weighted fraction equals D_eff).
  Volume<uint8_t> layers({8, 8, 8});
  for (int z = 0; z < 8; ++z)
    for (int y = 0; y < 8; ++y)
      for (int x = 0; x < 8; ++x) layers(z, y, x) = y < 3 ? 0 : 3;
  TortuosityParams p = tight(0);
  p.conductivity = {{3, 0.25}};
  const auto r = tortuosity(layers, p);
  EXPECT_NEAR(r.deff_over_d0, 3.0 / 8.0 + 5.0 / 8.0 * 0.25, 1e-10);
  EXPECT_NEAR(r.tau, 1.0, 1e-10);
}
