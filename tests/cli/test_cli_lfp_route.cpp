// Issue 16: analyze's pick between the eroded LFP route and the Gaussian PSF forward model reproduces the
// Python prototype (scripts/lfp_route_decision.py's rule; numbers from scripts/lfp_route_reference.py run
// once on the same synth + analyze outputs, 2026-12-07) on two small volumes, one per route.
#include <gtest/gtest.h>

#include <fstream>

#include "cli/cli_test.hpp"

namespace {

struct PrototypeFigures {
  std::string imaging;  // emorph synth options
  double psf_sigma_um, fringe_over_blur;
  const char* route;
  double slope_vol_percent_per_um, rsd_percent;
};

// What the prototype printed (F, 64^3, seed 1, --lfp-gradient 0.002, noise 0.05; analyze --lfp-mean with
// the truth's LFP fraction and pore grey, its labels.tif as the NMC mask).
const PrototypeFigures kFringed{"--psf 0.7 --noise-sigma 0.05 --phase-contrast 0.08", 0.723960, -0.332073, "eroded", -0.360911, 9.933317};
const PrototypeFigures kGaussian{"--psf 0.4 --noise-sigma 0.05", 0.439630, -0.130224, "forward_model", -1.193749, 24.642367};

void expect_prototype_figures(const PrototypeFigures& p) {
  TempDir dir;
  ASSERT_EQ(run_cli("synth --preset F --size 64 --seed 1 --xct --lfp-gradient 0.002 " + p.imaging + " --out " + (dir / "s")).exit_code, 0);
  const auto truth = read_json(dir / "s/truth.json");
  std::ofstream(dir / "fast.toml") << "[measure]\nsurface = false\ngranulometry = []\nparticles = []\ntortuosity = []\n"
                                      "[output]\nlabels = false\nslices = false\n";
  const auto r = run_cli("analyze " + (dir / "s/xct.tif") + " --out " + (dir / "a") + " --config " + (dir / "fast.toml") +
                         " --lfp-mean " + truth["phases"]["LFP"]["volume_fraction"].dump() + " --pore-grey " +
                         truth["xct"]["grey_of_phase"]["pore"].dump());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto res = read_json(dir / "a/results.json")["results"];
  const auto& lfp = res["lfp"];
  const auto& profile = res["profiles"]["phases"]["LFP"];
  // Tolerances: the port blurs and measures distances in float32 (the prototype in float64) and stops its
  // Levenberg-Marquardt fit by its own rule (scipy's MINPACK by another); measured differences 5e-5 um
  // (sigma), 1e-4 (X), 7e-5 vol%/um (slope), 0.0015 points (RSD, the prototype's n - 1 form). Ten times
  // those; X's tolerance is 50 times below its distance to the threshold in both cases.
  EXPECT_NEAR(lfp["forward_model"]["psf_sigma_um"].get<double>(), p.psf_sigma_um, 5e-4);
  EXPECT_NEAR(lfp["fringe_over_blur"].get<double>(), p.fringe_over_blur, 1e-3);
  EXPECT_EQ(lfp["profile_route"], p.route);
  EXPECT_EQ(profile["profile_route"], p.route);
  EXPECT_FALSE(lfp["profile_route_reason"].get<std::string>().empty());
  EXPECT_NEAR(100 * profile["slope_per_um"].get<double>(), p.slope_vol_percent_per_um, 1e-3);
  EXPECT_NEAR(profile["rsd_percent"].get<double>(), p.rsd_percent, 0.015);
  // The level stays the route's (known mean): the eroded route's bulk mean is the reported one.
  const auto& band = profile["mean_fraction_band"];
  EXPECT_LE(band[0].get<double>(), profile["mean_fraction"].get<double>());
  EXPECT_GE(band[1].get<double>(), profile["mean_fraction"].get<double>());
}

}  // namespace

TEST(CliLfpRoute, FringedVolumeKeepsTheErodedRouteAsThePrototype) { expect_prototype_figures(kFringed); }

TEST(CliLfpRoute, GaussianVolumeTakesTheForwardModelAsThePrototype) { expect_prototype_figures(kGaussian); }

// An LFP-only electrode (J, analysed as one matrix class) has no NMC edges: the eroded route, with the reason.
TEST(CliLfpRoute, LfpOnlyElectrodeStaysOnTheErodedRoute) {
  TempDir dir;
  ASSERT_EQ(run_cli("synth --preset J --size 48 --seed 3 --xct --out " + (dir / "s")).exit_code, 0);
  const auto truth = read_json(dir / "s/truth.json");
  const auto r = run_cli("analyze " + (dir / "s/xct.tif") + " --out " + (dir / "a") + " --method manual:-1 --classes pore,matrix" +
                         " --lfp-mean " + truth["phases"]["LFP"]["volume_fraction"].dump() + " --pore-grey " +
                         truth["xct"]["grey_of_phase"]["pore"].dump());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lfp = read_json(dir / "a/results.json")["results"]["lfp"];
  EXPECT_EQ(lfp["profile_route"], "eroded");
  EXPECT_TRUE(lfp["fringe_over_blur"].is_null());
  EXPECT_NE(lfp["profile_route_reason"].get<std::string>().find("no NMC"), std::string::npos);
}
