#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include "emorph/io.hpp"
#include "emorph/result.hpp"
#include "emorph/results/segment_results.hpp"
#include "emorph/segment/fibsem_pores.hpp"
#include "emorph/segment/histogram.hpp"
#include "emorph/segment/segment_options.hpp"
#include "emorph/segment/threshold.hpp"
#include "emorph/synth/electrode.hpp"
#include "emorph/synth/fibsem.hpp"
#include "cli/cli_test.hpp"
#include "support/prepped_fibsem.hpp"

using namespace emorph;

namespace {

// Two phases: spheres of grey 180 in a 60 background, noise sd 12 (a bimodal histogram).
Volume<uint8_t> two_phase(uint64_t seed) {
  Volume<uint8_t> v({24, 32, 32}, {0.5, 0.5, 0.5});
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> n(0, 12);
  for (int64_t z = 0; z < 24; ++z)
    for (int64_t y = 0; y < 32; ++y)
      for (int64_t x = 0; x < 32; ++x) {
        const bool in = (z % 12 - 6) * (z % 12 - 6) + (y % 16 - 8) * (y % 16 - 8) + (x % 16 - 8) * (x % 16 - 8) < 30;
        v(z, y, x) = static_cast<uint8_t>(std::clamp((in ? 180 : 60) + n(rng), 0.0, 255.0));
      }
  return v;
}

// Grey values of one Gaussian peak (sigma 15 around `mean`, seed 5): no threshold separates two phases.
Volume<uint8_t> one_peak(Shape s, Spacing spacing, double mean) {
  Volume<uint8_t> v(s, spacing);
  std::mt19937_64 rng(5);
  std::normal_distribution<double> n(mean, 15);
  for (auto& x : v) x = static_cast<uint8_t>(std::clamp(n(rng), 0.0, 255.0));
  return v;
}

// Writes `grey` as grey.tif in d, segments it into labels.tif with `options` (exit 0 asserted) and reads
// the --json into j.
void segment_grey(const TempDir& d, const Volume<uint8_t>& grey, const std::string& options, Json& j) {
  write_volume<uint8_t>(d / "grey.tif", grey.view());
  const auto r =
      run_cli("segment " + (d / "grey.tif") + " " + (d / "labels.tif") + " " + options + " --json " + (d / "seg.json"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = read_json(d / "seg.json");
}

}  // namespace

TEST(CliSegment, MinimumMethodWritesLabelsAndJson) {
  TempDir d;
  const auto v = two_phase(1);
  Json j;
  ASSERT_NO_FATAL_FAILURE(segment_grey(d, v, "--method minimum --denoise none --classes pore,NMC", j));
  EXPECT_EQ(j["command"], "segment");
  const double t = j["results"]["thresholds"][0];
  EXPECT_GT(t, 90);
  EXPECT_LT(t, 150);
  EXPECT_EQ(j["results"]["histogram"]["counts"].size(), j["results"]["histogram"]["bin_centers"].size());
  auto labels = read_volume(d / "labels.tif").as<uint8_t>().clone();
  int64_t nmc = 0;
  for (int64_t i = 0; i < v.size(); ++i) {
    ASSERT_EQ(labels.data()[i], v.data()[i] > t ? 1 : 0);
    nmc += labels.data()[i] == 1;
  }
  EXPECT_EQ(j["results"]["phases"]["NMC"]["voxels"].get<int64_t>(), nmc);
  EXPECT_NEAR(j["results"]["phases"]["NMC"]["volume_fraction"].get<double>(), double(nmc) / v.size(), 1e-12);
}

// Issue 17: segment's parameter table builds `parameters` in the shape its earlier outputs had (names are
// only extended, CONTRACT.md): the range as range_min / range_max and pore_grey only when given, the
// denoise spec applied, and method fibsem's parameters nested under `fibsem`, none of them at the top.
TEST(CliSegment, ParametersEchoKeepsItsShape) {
  TempDir d;
  Json j;
  ASSERT_NO_FATAL_FAILURE(
      segment_grey(d, two_phase(3), "--method otsu --denoise none --range 10,250 --pore-grey 0 --classes pore,NMC", j));
  std::set<std::string> keys;
  for (const auto& [key, value] : j["parameters"].items()) keys.insert(key);
  EXPECT_EQ(keys, (std::set<std::string>{"bins", "classes", "denoise", "mask", "mask_fix", "mask_label", "method",
                                         "output", "phases", "pore_grey", "range_max", "range_min", "voxel"}));
  EXPECT_EQ(j["parameters"]["range_min"], 10.0);
  EXPECT_EQ(j["parameters"]["range_max"], 250.0);
  EXPECT_EQ(j["parameters"]["pore_grey"], 0.0);
  EXPECT_EQ(j["parameters"]["denoise"], "none");
  EXPECT_EQ(j["parameters"]["classes"], "pore,NMC");
  ASSERT_NO_FATAL_FAILURE(segment_grey(d, two_phase(3), "--method otsu --denoise gaussian:1", j));
  for (const char* absent : {"pore_grey", "range_min", "range_max", "fibsem"}) EXPECT_FALSE(j["parameters"].contains(absent));
  EXPECT_EQ(j["parameters"]["denoise"]["filter"], "gaussian");
  SegmentOptions fibsem;
  fibsem.method = "fibsem";
  fibsem.solid_method = "multiotsu:3";
  fibsem.grey_classes = 3;
  const Json echo = segment_parameters_json(fibsem);
  EXPECT_EQ(echo["fibsem"], Json({{"milling_axis", 0}, {"behind", 1}, {"smoothing_sigma", 1.0}, {"rise_fraction", 0.1},
                                  {"edge_fraction", 0.08}, {"grey_classes", 3}, {"solid_method", "multiotsu:3"}}));
  for (const char* nested : {"milling_axis", "behind", "grey_classes", "solid_method", "fit_shine", "region", "axis"})
    EXPECT_FALSE(echo.contains(nested)) << nested;
}

TEST(CliSegment, MultiOtsuWithDenoiseAndRegion) {
  TempDir d;
  Json j;
  ASSERT_NO_FATAL_FAILURE(
      segment_grey(d, two_phase(2), "--method multiotsu:3 --classes pore,CBD,NMC --denoise median:1 --region", j));
  EXPECT_EQ(j["results"]["thresholds"].size(), 2u);
  EXPECT_EQ(j["parameters"]["denoise"]["filter"], "median");
  EXPECT_TRUE(j["results"].contains("electrode_region"));
}

TEST(CliSegment, HistogramCsvPngAndDenoise) {
  TempDir d;
  auto v = two_phase(3);
  write_volume<uint8_t>(d / "grey.tif", v.view());
  auto h = run_cli("histogram " + (d / "grey.tif") + " --csv " + (d / "h.csv") + " --png " + (d / "h.png") +
                   " --json " + (d / "h.json"));
  ASSERT_EQ(h.exit_code, 0) << h.err;
  EXPECT_TRUE(std::filesystem::exists(d / "h.png"));
  const Json j = read_json(d / "h.json");
  EXPECT_EQ(j["results"]["voxels"].get<int64_t>(), v.size());
  EXPECT_TRUE(j["results"]["thresholds"]["otsu"].is_array());
  std::ifstream csv(d / "h.csv");
  std::string header;
  std::getline(csv, header);
  EXPECT_EQ(header, "bin_center,count");
  auto dn = run_cli("denoise " + (d / "grey.tif") + " " + (d / "med.tif") + " --filter median:1");
  ASSERT_EQ(dn.exit_code, 0) << dn.err;
  EXPECT_TRUE(read_volume(d / "med.tif").holds<uint8_t>());
  auto dg = run_cli("denoise " + (d / "grey.tif") + " " + (d / "g.tif") + " --filter gaussian:0.5um");
  ASSERT_EQ(dg.exit_code, 0) << dg.err;
  EXPECT_TRUE(read_volume(d / "g.tif").holds<float>());
}

TEST(CliSegment, BadInputIsExitTwoWithAClearMessageAndNoOutput) {
  TempDir d;
  write_volume<uint8_t>(d / "flat.tif", Volume<uint8_t>::filled({4, 8, 8}, {}, 77).view());
  auto r = run_cli("segment " + (d / "flat.tif") + " " + (d / "out.tif") + " --method otsu");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("same grey value"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(d / "out.tif"));

  auto v = two_phase(4);
  write_volume<uint8_t>(d / "grey.tif", v.view());
  write_volume<uint8_t>(d / "empty.tif", Volume<uint8_t>::filled(v.shape(), {}, 0).view());
  r = run_cli("segment " + (d / "grey.tif") + " " + (d / "out.tif") + " --mask " + (d / "empty.tif"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no voxel selected"), std::string::npos) << r.err;

  // One Gaussian peak: the two-peak method must refuse, not invent a threshold.
  write_volume<uint8_t>(d / "uni.tif", one_peak({16, 16, 16}, {}, 128).view());
  r = run_cli("segment " + (d / "uni.tif") + " " + (d / "out.tif") + " --method minimum");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("single peak"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(d / "out.tif"));

  r = run_cli("segment " + (d / "grey.tif") + " " + (d / "out.tif") + " --method kmeans");
  EXPECT_EQ(r.exit_code, 2);
  r = run_cli("segment " + (d / "grey.tif") + " " + (d / "grey.tif") + " --method otsu");
  EXPECT_EQ(r.exit_code, 2);
  r = run_cli("segment " + (d / "grey.tif") + " " + (d / "out.tif") + " --method otsu --classes pore,NMC,LFP");
  EXPECT_EQ(r.exit_code, 2);
  r = run_cli("denoise " + (d / "grey.tif") + " " + (d / "out.tif") + " --filter median:3");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(d / "out.tif"));
}

// Real grey CT volume (PuMA FiberForm): every method runs and gives thresholds inside the grey range.
TEST(CliSegment, RealFiberformVolumeEachMethod) {
  const std::string in = test::shared_data("fiberform-puma/100_fiberform.tif");
  if (in.empty()) GTEST_SKIP() << "shared data not present";
  TempDir d;
  for (const std::string m : {"otsu", "minimum", "intermodes", "multiotsu:3"}) {
    auto r = run_cli("segment " + in + " " + (d / "l.tif") + " --method " + m + " --json " + (d / "j.json"));
    ASSERT_EQ(r.exit_code, 0) << m << ": " << r.err;
    const Json j = read_json(d / "j.json");
    for (double t : j["results"]["thresholds"]) {
      EXPECT_GT(t, 0);
      EXPECT_LT(t, 255);
    }
  }
}

namespace {

struct PhaseScore {
  double dice, fraction_truth, fraction_seg;
};

PhaseScore score_phase(const Volume<uint8_t>& truth, const Volume<uint8_t>& seg, uint8_t truth_label, uint8_t seg_label) {
  int64_t both = 0, t = 0, s = 0;
  for (int64_t i = 0; i < truth.size(); ++i) {
    const bool a = truth.data()[i] == truth_label, b = seg.data()[i] == seg_label;
    both += a && b, t += a, s += b;
  }
  const double n = static_cast<double>(truth.size());
  return {2.0 * both / static_cast<double>(t + s), t / n, s / n};
}

}  // namespace

// Acceptance (issue 5): NMC Dice >= 0.97 and NMC volume fraction within 1 vol% of the truth with the
// two-peak route (intermodes after a 3x3x3 median) on the simulator's default XCT noise: 0.975 /
// +0.16 vol% (seed 1), 0.975 / +0.20 (seed 2) at 160^3. Preset F's matrix (LFP, CBD, pores) is not one
// grey level, so the mixture route misses this (0.946 / +2.6 vol%, docs/validation.md issue 14); the
// default (model-checked Otsu with the median's volume restored) stays within 1 vol% too, and its band must hold its value. Smaller boxes hold smaller particles: at 128^3 (seed 1) even
// the best single threshold of the median-filtered image reaches only 0.971.
TEST(CliSegment, XctPresetFTwoPeakRouteMeetsAcceptanceAndDefaultBandHoldsTruth) {
  TempDir d;
  for (const int seed : {1, 2}) {
    const std::string dir = d / ("F" + std::to_string(seed));
    auto r = run_cli("synth --preset F --size 160 --seed " + std::to_string(seed) + " --xct --out " + dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = run_cli("segment " + dir + "/xct.tif " + dir + "/default.tif --classes matrix,NMC --json " + dir + "/default.json");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Json j = read_json(dir + "/default.json");
    EXPECT_EQ(j["results"]["method"], "mixture:otsu-volume");
    const Json band = j["results"]["phases"]["NMC"]["volume_fraction_band"];
    r = run_cli("segment " + dir + "/xct.tif " + dir + "/seg.tif --classes matrix,NMC --method intermodes --denoise median:1");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto truth = read_volume(dir + "/labels.tif").as<uint8_t>().clone();
    const auto seg = read_volume(dir + "/seg.tif").as<uint8_t>().clone();
    const PhaseScore s = score_phase(truth, seg, 1, 1);
    std::printf("F 160^3 seed %d: NMC Dice %.4f, fraction %.4f vs truth %.4f\n", seed, s.dice, s.fraction_seg,
                s.fraction_truth);
    EXPECT_GE(s.dice, 0.97);
    EXPECT_LE(std::abs(s.fraction_seg - s.fraction_truth), 0.01);
    // The default's band holds its own fraction; on F it misses the truth by ~0.2 vol% (0.2416 and 0.2421
    // against 0.2400 at 160^3): the matrix's several grey levels are outside the two-phase model.
    const double fraction = j["results"]["phases"]["NMC"]["volume_fraction"].get<double>();
    EXPECT_LE(band[0].get<double>(), fraction);
    EXPECT_GE(band[1].get<double>(), fraction);
    EXPECT_LE(band[0].get<double>() - s.fraction_truth, 0.005);
  }
}

// Issue 14: the mixture route reports its band; a volume with one grey peak is refused (exit 2) with the
// reason and the option that overrides it.
TEST(CliSegment, DefaultRouteReportsABandAndRefusesOnePeak) {
  TempDir d;
  const auto v = two_phase(3);
  write_volume<uint8_t>(d / "grey.tif", v.view());
  auto r = run_cli("segment " + (d / "grey.tif") + " " + (d / "labels.tif") + " --classes pore,NMC --method mixture --denoise auto --json " + (d / "s.json"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = read_json(d / "s.json");
  EXPECT_EQ(j["results"]["method"], "mixture");
  EXPECT_EQ(j["parameters"]["denoise"], "auto");
  int64_t inside = 0;  // the truth: the spheres two_phase() draws
  for (int64_t z = 0; z < 24; ++z)
    for (int64_t y = 0; y < 32; ++y)
      for (int64_t x = 0; x < 32; ++x)
        inside += (z % 12 - 6) * (z % 12 - 6) + (y % 16 - 8) * (y % 16 - 8) + (x % 16 - 8) * (x % 16 - 8) < 30;
  const double truth = double(inside) / double(v.size());
  const Json nmc = j["results"]["phases"]["NMC"];
  EXPECT_NEAR(nmc["volume_fraction"].get<double>(), truth, 0.01);
  EXPECT_LE(nmc["volume_fraction_band"][0].get<double>(), truth);
  EXPECT_GE(nmc["volume_fraction_band"][1].get<double>(), truth);

  write_volume<uint8_t>(d / "noise.tif", one_peak({24, 32, 32}, {0.5, 0.5, 0.5}, 120).view());
  r = run_cli("segment " + (d / "noise.tif") + " " + (d / "n.tif") + " --classes pore,NMC --method mixture --denoise auto");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not separable"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--method otsu"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(d / "n.tif"));
  r = run_cli("segment " + (d / "noise.tif") + " " + (d / "n.tif") + " --classes pore,NMC --method otsu");
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

// Acceptance (issue 5): pore Dice >= 0.90 with the morphological method (marker-controlled watershed)
// on the synth FIB/SEM image of preset H (shine-through 0.08 um = 4 slices at 20 nm, probe blur 0.7 px,
// noise 8 grey), drift, curtains, shading and contrast decay off as after `emorph fibsem-prep`; a
// global Otsu threshold on the same image must be clearly worse. 64^3 windows give 0.929 / 0.918
// (Otsu 0.852 / 0.825); 96^3 windows 0.934 / 0.928 (docs/segmentation.md).
TEST(CliSegment, FibsemPresetHMorphologicalPoresBeatGlobalOtsu) {
  for (const uint64_t seed : {1, 2}) {
    auto sp = synth::preset("H", 64, 0.02, seed);
    sp.domain_lateral_um = 40;  // a FIB/SEM window of a 40 um electrode
    sp.domain_thickness_um = 40;
    const auto e = synth::generate_electrode(sp);
    const auto f = test::simulate_prepped_fibsem(e.labels.view());
    const auto morph = fibsem_pores<uint8_t>(f.image.view(), {});
    const double t = threshold_otsu(histogram<uint8_t>(f.image.view(), {})).thresholds[0];
    Volume<uint8_t> otsu(f.image.shape());
    for (int64_t i = 0; i < otsu.size(); ++i) otsu.data()[i] = f.image.data()[i] <= t;
    Volume<uint8_t> morph_labels(f.image.shape());  // pore -> label 0 like the truth
    for (int64_t i = 0; i < morph_labels.size(); ++i) morph_labels.data()[i] = morph.pores.data()[i] ? 0 : 1;
    const PhaseScore m = score_phase(e.labels, morph_labels, 0, 0), o = score_phase(e.labels, otsu, 0, 1);
    std::printf("H 64^3 seed %llu: morphological pore Dice %.4f (fraction %.3f vs %.3f) | global Otsu %.4f (%.3f)\n",
                static_cast<unsigned long long>(seed), m.dice, m.fraction_seg, m.fraction_truth, o.dice, o.fraction_seg);
    EXPECT_GE(m.dice, 0.90);
    EXPECT_LE(std::abs(m.fraction_seg - m.fraction_truth), 0.03);
    EXPECT_GE(m.dice - o.dice, 0.05);
  }
}

// Issue 14 stop 17: below the measured contrast-to-noise limit of the input (1.8, from neighbouring
// voxels) the shared default refuses in `segment` and in `analyze` (exit 2, the reason and the override),
// although the median's histogram shows two peaks; `--method otsu` still segments.
TEST(CliSegment, DefaultRefusesAnInputAtContrastToNoiseOnePointFive) {
  TempDir d;
  Volume<uint16_t> v({32, 48, 48}, {0.5, 0.5, 0.5});
  std::mt19937_64 rng(9);
  std::normal_distribution<double> noise(0, 10000.0 / 1.5);  // phase step 10000 grey
  for (int64_t z = 0; z < v.nz(); ++z)
    for (int64_t y = 0; y < v.ny(); ++y)
      for (int64_t x = 0; x < v.nx(); ++x) {
        const bool in = (z % 16 - 8) * (z % 16 - 8) + (y % 16 - 8) * (y % 16 - 8) + (x % 16 - 8) * (x % 16 - 8) < 36;
        v(z, y, x) = static_cast<uint16_t>(std::clamp((in ? 35000 : 25000) + noise(rng), 0.0, 65535.0));
      }
  write_volume<uint16_t>(d / "grey.tif", v.view());
  auto r = run_cli("segment " + (d / "grey.tif") + " " + (d / "labels.tif") + " --classes pore,NMC");
  expect_exit_2(r, {"input's contrast-to-noise", "--method otsu"});
  EXPECT_FALSE(std::filesystem::exists(d / "labels.tif"));
  r = run_cli("analyze " + (d / "grey.tif") + " --out " + (d / "res"));
  expect_exit_2(r, {"input's contrast-to-noise"});
  r = run_cli("segment " + (d / "grey.tif") + " " + (d / "labels.tif") + " --classes pore,NMC --method otsu");
  EXPECT_EQ(r.exit_code, 0) << r.err;
}
