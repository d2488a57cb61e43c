// Table 2 from a label volume: vol%, RSD of the per-slice fractions along the depth axis, and the LFP
// ratios, checked against values worked out by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "emorph/results/multiscale_table.hpp"

using namespace emorph;

TEST(MultiscaleTable, FractionsRsdAndRatiosByHand) {
  // 4 slices of 10 x 10: slice z holds 10 * (z + 1) LFP voxels (row-wise), 20 CBD, the rest pore.
  Volume<uint8_t> v({4, 10, 10});
  for (int64_t z = 0; z < 4; ++z)
    for (int64_t i = 0; i < 100; ++i) v.data()[z * 100 + i] = i < 10 * (z + 1) ? 2 : (i < 10 * (z + 1) + 20 ? 3 : 0);
  const Json t = multiscale_table_json(v.view(), 0, PhaseTable::default_table());
  // LFP: 10+20+30+40 = 100 of 400 voxels = 25 %; per-slice 0.1..0.4, mean 0.25, sample sd 0.1291.
  EXPECT_NEAR(t["phases"]["LFP"]["volume_percent"].get<double>(), 25.0, 1e-9);
  EXPECT_NEAR(t["phases"]["LFP"]["rsd_percent"].get<double>(), 100 * std::sqrt(0.05 / 3) / 0.25, 1e-6);
  EXPECT_NEAR(t["phases"]["CBD"]["volume_percent"].get<double>(), 20.0, 1e-9);
  EXPECT_NEAR(t["phases"]["CBD"]["rsd_percent"].get<double>(), 0.0, 1e-9);
  EXPECT_NEAR(t["phases"]["pore"]["volume_percent"].get<double>(), 55.0, 1e-9);
  EXPECT_FALSE(t["phases"].contains("NMC"));
  EXPECT_NEAR(t["ratios"]["LFP/pore"].get<double>(), 25.0 / 55.0, 1e-12);
  EXPECT_NEAR(t["ratios"]["LFP/CBD"].get<double>(), 25.0 / 20.0, 1e-12);
  EXPECT_EQ(t["slices"], 4);
  // No CBD: the LFP/CBD ratio is null, not a number.
  for (uint8_t& l : v) l = l == 3 ? 0 : l;
  EXPECT_TRUE(multiscale_table_json(v.view(), 0, PhaseTable::default_table())["ratios"]["LFP/CBD"].is_null());
}
