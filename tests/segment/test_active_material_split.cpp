#include <gtest/gtest.h>

#include "emorph/error.hpp"
#include "emorph/segment/active_material_split.hpp"
#include "emorph/segment/fibsem_pores.hpp"
#include "segment/fibsem_sim.hpp"

using namespace emorph;

namespace {
double dice(const Volume<uint8_t>& a, const Volume<uint8_t>& b, uint8_t label) {
  int64_t both = 0, na = 0, nb = 0;
  for (int64_t i = 0; i < a.size(); ++i) {
    both += a.data()[i] == label && b.data()[i] == label;
    na += a.data()[i] == label, nb += b.data()[i] == label;
  }
  return 2.0 * both / static_cast<double>(na + nb);
}
}  // namespace

TEST(ActiveMaterialSplit, SeparatesNmcLfpCbdOnTheSolidVoxels) {
  auto sim = test::simulate_fibsem({32, 64, 64}, 5, 0.6, 5.0);
  Volume<uint8_t> truth_pores(sim.labels.shape());
  for (int64_t i = 0; i < truth_pores.size(); ++i) truth_pores.data()[i] = sim.labels.data()[i] == 0;
  auto r = active_material_split<uint8_t>(sim.grey.view(), truth_pores.view(), {});
  ASSERT_EQ(r.thresholds.thresholds.size(), 2u);
  // BSE levels CBD 90 < LFP 140 < NMC 200 (noise sd 6, in-plane PSF): thresholds near the midpoints,
  // and each phase recovered except a rim of partial-volume voxels.
  EXPECT_NEAR(r.thresholds.thresholds[0], 115, 10);
  EXPECT_NEAR(r.thresholds.thresholds[1], 170, 10);
  EXPECT_GE(dice(sim.labels, r.labels, 1), 0.95);  // NMC
  EXPECT_GE(dice(sim.labels, r.labels, 2), 0.90);  // LFP
  EXPECT_GE(dice(sim.labels, r.labels, 3), 0.80);  // CBD: small clusters, most voxels on a rim
  // The whole chain with the morphological pore segmentation.
  auto pores = fibsem_pores<uint8_t>(sim.grey.view(), {});
  auto chain = active_material_split<uint8_t>(sim.grey.view(), pores.pores.view(), {});
  EXPECT_GE(dice(sim.labels, chain.labels, 1), 0.90);
  EXPECT_GE(dice(sim.labels, chain.labels, 0), 0.90);
}

TEST(ActiveMaterialSplit, MaskFixRelabelsSolidOnly) {
  Volume<uint8_t> labels({1, 1, 4});
  const uint8_t l[4] = {0, 1, 2, 3};
  std::copy(l, l + 4, labels.begin());
  Volume<uint8_t> fix = Volume<uint8_t>::filled({1, 1, 4}, {}, 1);
  EXPECT_EQ(apply_mask_fix(labels.view(), fix.view(), 2), 2);  // 1 -> 2 and 3 -> 2; pore stays
  EXPECT_EQ(std::vector<uint8_t>(labels.begin(), labels.end()), (std::vector<uint8_t>{0, 2, 2, 2}));
  Volume<uint8_t> wrong({1, 1, 5});
  EXPECT_THROW(apply_mask_fix(labels.view(), wrong.view(), 2), InputError);
  auto all_pore = Volume<uint8_t>::filled({4, 4, 4}, {}, 1);
  auto grey = Volume<uint8_t>::filled({4, 4, 4}, {}, 10);
  EXPECT_THROW(active_material_split<uint8_t>(grey.view(), all_pore.view(), {}), InputError);
}
