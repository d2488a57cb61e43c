// Streamed fractions, profiles and surfaces equal the in-core results exactly (the JSON compared as
// text: same integers, same doubles bit for bit), whatever the slab size.
#include <gtest/gtest.h>

#include <random>
#include <utility>

#include "emorph/io.hpp"
#include "emorph/measure/fractions.hpp"
#include "emorph/measure/profile.hpp"
#include "emorph/measure/specific_surface.hpp"
#include "emorph/results/measure_results.hpp"
#include "emorph/results/stream_results.hpp"
#include "emorph/stream/streamed_measures.hpp"
#include "support/layered_electrode.hpp"
#include "support/test_support.hpp"

using emorph::test::TempDir;

namespace {

// A layered electrode: collector (4) below z = 3, then blobs of NMC (1), CBD (3) and pore (0) whose
// NMC share falls with z, a label 7 outside the default table, and air (0) in the last 4 slices.
emorph::Volume<uint8_t> electrode(emorph::Shape shape, uint32_t seed) {
  std::mt19937 rng(seed);
  return emorph::test::layered_electrode(shape, {0.4, 0.5, 0.6}, 3, [&](int64_t z, int64_t y, int64_t x) {
    const int64_t cell = (x / 3 + 5 * (y / 4) + 11 * (z / 2)) % 10;
    uint8_t l = cell < 6 - 3 * z / shape.nz ? 1 : cell < 7 ? 3 : 0;
    if (rng() % 9 == 0) l = static_cast<uint8_t>(rng() % 4);
    if (rng() % 997 == 0) l = 7;
    return l;
  });
}

emorph::StreamParams tiny(uint64_t bytes) {
  emorph::StreamParams s;
  s.budget_bytes = bytes;
  s.progress = false;
  return s;
}

class Streamed : public ::testing::Test {
 protected:
  void SetUp() override {
    labels_ = electrode({37, 21, 26}, 5);
    emorph::write_volume(path_, labels_);
  }
  TempDir dir_;
  std::string path_ = dir_ / "labels.nrrd";
  emorph::Volume<uint8_t> labels_;
  emorph::PhaseTable table_ = emorph::PhaseTable::default_table();
  const std::vector<uint64_t> budgets_ = {1, 21 * 26 * 2, 21 * 26 * 5, 21 * 26 * 40};  // 1, 2, 5 slices, all
};

TEST_F(Streamed, FractionsEqualInCoreOnEveryAxis) {
  for (int axis = 0; axis < 3; ++axis) {
    emorph::FractionsReportParams p;
    p.axis = axis;
    std::vector<std::string> w_core, w_stream;
    const auto core = emorph::fractions_results(labels_.view(), table_, p, &w_core).dump();
    for (uint64_t budget : budgets_) {
      emorph::StreamReport report;
      const auto streamed = emorph::streamed_fractions_results(path_, {}, table_, p, tiny(budget), &report, &w_stream);
      EXPECT_EQ(streamed.dump(), core) << "axis " << axis << " budget " << budget;
      EXPECT_EQ(report.slabs, (37 + report.slab_slices - 1) / report.slab_slices);
    }
    EXPECT_EQ(w_stream.size(), budgets_.size() * w_core.size());
  }
}

TEST_F(Streamed, ProfilesEqualInCore) {
  for (int axis = 0; axis < 3; ++axis) {
    emorph::ProfileReportParams p;
    p.axis = axis;
    p.window = 3;
    if (axis != 0) p.bulk_um = {{1.0, 8.0}};  // no electrode region across the layers
    const auto core = emorph::profile_results(labels_.view(), table_, p).dump();
    for (uint64_t budget : budgets_)
      EXPECT_EQ(emorph::streamed_profile_results(path_, {}, table_, p, tiny(budget)).dump(), core)
          << "axis " << axis << " budget " << budget;
  }
}

TEST_F(Streamed, SurfacesEqualInCoreWithOneHaloSlice) {
  emorph::SurfaceReportParams p;
  const auto core = emorph::surface_results(labels_.view(), table_, p).dump();
  for (uint64_t budget : budgets_) {
    emorph::StreamReport report;
    EXPECT_EQ(emorph::streamed_surface_results(path_, {}, table_, p, tiny(budget), &report).dump(), core)
        << "budget " << budget;
    EXPECT_EQ(report.halo, 1);
  }
  p.count_volume_boundary = true;
  EXPECT_THROW(emorph::streamed_surface_results(path_, {}, table_, p, tiny(1)), emorph::InputError);
}

TEST_F(Streamed, GreyProfilesEqualInCore) {
  emorph::Volume<uint16_t> grey(labels_.shape(), labels_.spacing());
  for (int64_t i = 0; i < grey.size(); ++i) grey.data()[i] = static_cast<uint16_t>(7000 * labels_.data()[i] + (i * 131) % 3001);
  emorph::write_volume(dir_ / "grey.tif", grey);
  for (int axis = 0; axis < 3; ++axis) {
    emorph::GreyProfileParams p;
    p.axis = axis;
    p.mask_labels = {0, 3};
    const auto core = emorph::grey_profile_results(emorph::grey_profile<uint16_t>(std::as_const(grey).view(), std::as_const(labels_).view(), p)).dump();
    for (uint64_t budget : budgets_)
      EXPECT_EQ(emorph::grey_profile_results(emorph::streamed_grey_profile(path_, dir_ / "grey.tif", {}, p, tiny(budget))).dump(),
                core)
          << "axis " << axis << " budget " << budget;
  }
  emorph::write_volume(dir_ / "short.tif", emorph::Volume<uint16_t>::filled({5, 21, 26}, {}, 1));
  EXPECT_THROW(emorph::streamed_grey_profile(path_, dir_ / "short.tif", {}, {0, {0}}, tiny(1)), emorph::InputError);
}

TEST_F(Streamed, VoxelOptionOverridesTheFileSpacing) {
  emorph::ReadOptions o;
  o.voxel = emorph::Spacing{0.3, 0.3, 0.3};
  const auto in_core = emorph::read_volume(path_, o);
  const auto core = emorph::surface_results(in_core.as<uint8_t>().view(), table_, {}).dump();
  EXPECT_EQ(emorph::streamed_surface_results(path_, o, table_, {}, tiny(1)).dump(), core);
}

TEST_F(Streamed, WiderLabelFilesStreamAsLabels) {
  emorph::Volume<uint16_t> wide(labels_.shape(), labels_.spacing());
  for (int64_t i = 0; i < wide.size(); ++i) wide.data()[i] = labels_.data()[i];
  emorph::write_volume(dir_ / "wide.raw", wide);
  const auto core = emorph::fractions_results(labels_.view(), table_, {}).dump();
  EXPECT_EQ(emorph::streamed_fractions_results(dir_ / "wide.raw", {}, table_, {}, tiny(1)).dump(), core);
}

}  // namespace
