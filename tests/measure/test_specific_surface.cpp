// Specific surfaces, ratios, phase selection and label conversion on volumes with known answers.
#include <gtest/gtest.h>

#include <cmath>

#include "emorph/measure/fractions.hpp"
#include "emorph/measure/label_volume.hpp"
#include "emorph/measure/phase_ratios.hpp"
#include "emorph/measure/phase_selection.hpp"
#include "emorph/measure/specific_surface.hpp"

using namespace emorph;

namespace {

// Pore (0) with an NMC (1) slab and a CBD (3) slab, 0.5 um voxels.
Volume<uint8_t> layered() {
  Volume<uint8_t> v = Volume<uint8_t>::filled({20, 10, 10}, {0.5, 0.5, 0.5}, 0);
  for (int z = 0; z < 20; ++z)
    for (int y = 0; y < 10; ++y)
      for (int x = 0; x < 10; ++x) v(z, y, x) = z < 8 ? 1 : z < 12 ? 3 : 0;
  return v;
}

}  // namespace

TEST(SpecificSurface, PerVolumePerPhaseAndPerMass) {
  const auto v = layered();
  const auto areas = surface_areas(v.view());
  const auto table = PhaseTable::default_table();
  const auto r = specific_surfaces(areas, v.spacing(), table);
  EXPECT_DOUBLE_EQ(r.total_volume_um3, 2000 * 0.125);
  const PhaseSurface* nmc = nullptr;
  for (const auto& p : r.phases)
    if (p.name == "NMC") nmc = &p;
  ASSERT_NE(nmc, nullptr);
  EXPECT_EQ(nmc->voxels, 800);
  EXPECT_DOUBLE_EQ(nmc->surface_area_um2, areas.phase_area_um2[1]);
  EXPECT_DOUBLE_EQ(nmc->specific_surface_per_um, nmc->surface_area_um2 / 250.0);
  EXPECT_DOUBLE_EQ(*nmc->specific_surface_phase_per_um, nmc->surface_area_um2 / 100.0);
  EXPECT_DOUBLE_EQ(*nmc->specific_surface_m2_per_g, nmc->surface_area_um2 / 100.0 / 4.75);
  // Interfaces in label order, only pairs of present labels.
  ASSERT_EQ(r.interfaces.size(), 3u);
  EXPECT_EQ(r.interfaces[0].name, "pore|NMC");
  EXPECT_EQ(r.interfaces[1].name, "pore|CBD");
  EXPECT_EQ(r.interfaces[2].name, "NMC|CBD");
  // Solid density: volume-weighted NMC (800 voxels, 4.75) and CBD (400, 1.8).
  ASSERT_TRUE(r.solid_density_g_cm3);
  EXPECT_NEAR(*r.solid_density_g_cm3, (800 * 4.75 + 400 * 1.8) / 1200, 1e-12);
  ASSERT_TRUE(r.electrode_specific_surface_m2_per_g);
  EXPECT_NEAR(*r.electrode_specific_surface_m2_per_g, areas.phase_area_um2[0] / ((800 * 4.75 + 400 * 1.8) * 0.125), 1e-12);
  // LFP absent: reported with zero area and no per-phase figure.
  for (const auto& p : r.phases) {
    if (p.name == "LFP") {
      EXPECT_FALSE(p.specific_surface_phase_per_um.has_value());
    }
  }
}

TEST(SpecificSurface, MissingDensityIsAnErrorOnlyWhenRequired) {
  const auto v = layered();
  const auto areas = surface_areas(v.view());
  const auto table = PhaseTable::parse("pore=0,NMC=1,binder=3");  // "binder" has no density
  const auto r = specific_surfaces(areas, v.spacing(), table);
  EXPECT_FALSE(r.electrode_specific_surface_m2_per_g.has_value());
  SpecificSurfaceParams strict;
  strict.require_densities = true;
  EXPECT_THROW(specific_surfaces(areas, v.spacing(), table, strict), InputError);
}

TEST(PhaseRatios, DefaultAndExplicit) {
  const auto v = layered();
  const auto f = phase_fractions(v.view());
  const auto table = PhaseTable::default_table();
  const auto def = phase_ratios(f, table, "");
  ASSERT_EQ(def.size(), 3u);  // NMC/pore, NMC/CBD, CBD/pore
  EXPECT_EQ(def[0].name, "NMC/pore");
  EXPECT_DOUBLE_EQ(def[0].ratio, 800.0 / 800.0);
  EXPECT_EQ(def[1].name, "NMC/CBD");
  EXPECT_DOUBLE_EQ(def[1].ratio, 2.0);
  const auto mine = phase_ratios(f, table, "CBD/NMC,LFP/pore");
  EXPECT_DOUBLE_EQ(mine[0].ratio, 0.5);
  EXPECT_DOUBLE_EQ(mine[1].ratio, 0.0);
  EXPECT_TRUE(std::isnan(phase_ratios(f, table, "NMC/LFP")[0].ratio));
  EXPECT_THROW(phase_ratios(f, table, "NMC"), InputError);
  EXPECT_THROW(phase_ratios(f, table, "NMC/Graphite"), InputError);
}

TEST(PhaseSelection, TablePhasesExtraLabelsAndNamedOnes) {
  const auto table = PhaseTable::default_table();
  const std::vector<int64_t> voxels = {5, 3, 0, 0, 0, 0, 7};  // label 6 not in the table
  const auto all = select_phases(table, voxels, {});
  ASSERT_EQ(all.size(), 7u);  // the six table phases, then label 6
  EXPECT_EQ(all.back().name, "label_6");
  EXPECT_EQ(select_phases(table, voxels, {"NMC"}).size(), 1u);
  EXPECT_THROW(select_phases(table, voxels, {"LFP"}), InputError);  // absent from the volume
  EXPECT_THROW(select_phases(table, voxels, {"Graphite"}), InputError);
}

TEST(LabelVolume, ConvertsFittingIntegersAndRefusesOthers) {
  Volume<uint16_t> v = Volume<uint16_t>::filled({2, 2, 2}, {0.5, 0.5, 0.5}, 3);
  auto u8 = to_label_volume(AnyVolume(v.clone()), "x.tif");
  EXPECT_EQ(u8(1, 1, 1), 3);
  EXPECT_EQ(u8.spacing(), v.spacing());
  v(0, 0, 0) = 300;
  EXPECT_THROW(to_label_volume(AnyVolume(v.clone()), "x.tif"), InputError);
  EXPECT_THROW(to_label_volume(AnyVolume(Volume<float>::filled({1, 1, 1}, {}, 1.0f)), "x.tif"), InputError);
}
