// analyze on a grey volume reports the bright phase's surface corrected for the imaging
// (results.surface.phases.NMC.grey_corrected, segment/reblur_surface.hpp) next to the labels' own, and
// a label input has none. Volume made here: balls of radius 6 on a grid with 1-voxel gaps (the gaps
// the blur shuts), Gaussian PSF 1.5 voxels, noise 10 on a contrast of 110 grey.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "cli/cli_test.hpp"
#include "emorph/filter/gaussian.hpp"
#include "emorph/io.hpp"
#include "support/ball_volume.hpp"

using namespace emorph;

TEST(CliGreySurface, AnalyzeCorrectsTheBrightPhasesSurfaceOfAGreyInput) {
  TempDir dir;
  auto truth = Volume<uint8_t>::filled({44, 44, 44}, Spacing{1, 1, 1}, 0);
  for (int64_t cz = 1; cz < 44; cz += 14)  // cut by the end slices: no empty slice taken for air
    for (int64_t cy = 8; cy < 44; cy += 14)
      for (int64_t cx = 8; cx < 44; cx += 14) {
        const Volume<uint8_t> ball = test::ball_volume(44, Spacing{1, 1, 1}, {cz, cy, cx}, 36);
        for (int64_t i = 0; i < truth.size(); ++i) truth.data()[i] |= ball.data()[i];
      }
  Volume<float> phase(truth.shape(), truth.spacing());
  for (int64_t i = 0; i < truth.size(); ++i) phase.data()[i] = truth.data()[i];
  GaussianParams g;
  g.sigma = 1.5;
  const Volume<float> blurred = gaussian_filter(VolumeView<const float>(phase.view()), g);
  std::mt19937_64 rng(3);
  std::normal_distribution<double> noise(0, 10);
  Volume<uint16_t> grey(truth.shape(), truth.spacing());
  for (int64_t i = 0; i < grey.size(); ++i)
    grey.data()[i] = static_cast<uint16_t>(std::lround(1000 + 110 * blurred.data()[i] + noise(rng)));
  write_volume(dir / "truth.tif", truth.view());
  write_volume(dir / "grey.tif", grey.view());

  const std::string fast = " --voxel 1 --set measure.tortuosity=[] --set measure.particles=[] --set measure.granulometry=[]";
  ASSERT_EQ(run_cli("analyze " + (dir / "grey.tif") + " --classes pore,NMC --out " + (dir / "g") + fast).exit_code, 0);
  ASSERT_EQ(run_cli("analyze " + (dir / "truth.tif") + " --phases pore=0,NMC=1 --out " + (dir / "t") + fast).exit_code, 0);
  const auto nmc = read_json(dir / "g/results.json")["results"]["surface"]["phases"]["NMC"];
  const auto true_nmc = read_json(dir / "t/results.json")["results"]["surface"]["phases"]["NMC"];
  EXPECT_FALSE(true_nmc.contains("grey_corrected"));  // a label input's surface is exact already
  ASSERT_TRUE(nmc.contains("grey_corrected")) << nmc.dump();
  const auto& c = nmc["grey_corrected"];
  const double truth_sv = true_nmc["specific_surface_per_um"].get<double>();
  const double labels_sv = nmc["specific_surface_per_um"].get<double>();
  const double corrected_sv = c["specific_surface_per_um"].get<double>();
  // The corrected surface within the 5 % target. (Before the default held the deep-voxel fraction
  // its labels lost surface here and the correction had to get part of it back; now the labels are +1.3 %
  // and the corrected +3.7 %: the correction's gain is measured on the matrix, docs/validation.md.)
  EXPECT_LT(std::abs(corrected_sv / truth_sv - 1), 0.05)
      << "labels " << labels_sv / truth_sv << " corrected " << corrected_sv / truth_sv;
  EXPECT_LE(c["specific_surface_band_per_um"][0].get<double>(), corrected_sv);
  EXPECT_GE(c["specific_surface_band_per_um"][1].get<double>(), corrected_sv);
  EXPECT_NEAR(c["psf_sigma_voxels"].get<double>(), 1.5, 0.4);
}
