// --memory-limit for segment, edt, label and connectivity (issue 18): under a limit that forces slabs
// of 1 to 10 slices, the JSON results equal the in-core run's as text and the output volumes are
// byte-identical; the EDT's scratch store is removed; commands that cannot stream refuse a limit they
// exceed (exit 2 naming --memory-limit); peak RSS stays within limit x 1.25 + 48 MiB.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <utility>

#include "emorph/io.hpp"
#include "emorph/io/scratch_store.hpp"
#include "emorph/result.hpp"
#include "support/labels_and_grey.hpp"
#include "support/streamed_peak.hpp"
#include "cli/cli_test.hpp"

namespace {

// A pseudo-random value 0..99 per voxel: masks near the percolation threshold have components of
// every shape (U-turns that join only slabs later), which exercises the merge across slab faces.
int cell(int64_t z, int64_t y, int64_t x) {
  uint64_t h = static_cast<uint64_t>(z) * 73856093u ^ static_cast<uint64_t>(y) * 19349663u ^ static_cast<uint64_t>(x) * 83492791u;
  h ^= h >> 13, h *= 0x9E3779B97F4A7C15ull, h ^= h >> 29;
  return static_cast<int>(h % 100);
}

// Labels 0 (pore), 1 (NMC) and 3 (CBD): coarse blobs (2 x 3 x 3 blocks) mixed with single voxels;
// `blocks_only`: 4 x 4 x 4 blocks alone (fewer, larger components, as in an electrode).
emorph::Volume<uint8_t> random_labels(emorph::Shape shape, bool blocks_only = false) {
  emorph::Volume<uint8_t> v(shape, {0.5, 0.4, 0.3});
  for (int64_t z = 0; z < shape.nz; ++z)
    for (int64_t y = 0; y < shape.ny; ++y)
      for (int64_t x = 0; x < shape.nx; ++x) {
        const int c = blocks_only ? cell(z / 4, y / 4, x / 4)
                                  : (x + y + z) % 4 == 0 ? cell(z, y, x) : cell(z / 2, y / 3, x / 3);
        v(z, y, x) = c < 35 ? 0 : c < 80 ? 1 : 3;
      }
  return v;
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Two grey phases with noise (contrast-to-noise ~4: the auto pre-filter picks the median), for 40 x 24 x 30 labels.
emorph::Volume<uint16_t> noisy_grey(const emorph::Volume<uint8_t>& labels) {
  emorph::Volume<uint16_t> grey(labels.shape(), labels.spacing());
  for (int64_t i = 0; i < grey.size(); ++i) {
    const int64_t z = i / (24 * 30), y = i / 30 % 24, x = i % 30;
    grey.data()[i] = static_cast<uint16_t>(8000 + 6000 * (labels.data()[i] != 0) + 40 * cell(x, z, y));
  }
  return grey;
}

class CliStreamingKernels : public emorph::test::LabelsAndGreyFiles {
 protected:
  CliStreamingKernels() : LabelsAndGreyFiles("labels.nrrd", "grey.tif", random_labels({40, 24, 30}), noisy_grey) {}

  // Runs `command` (OUT replaced by an output path) in core and under each limit; compares results
  // and every output file named OUT.*.
  void expect_streamed_equal(const std::string& command, const std::vector<std::string>& outputs,
                             const std::vector<std::string>& limits = {"16KiB", "48KiB", "96KiB"}) {
    auto run = [&](const std::string& global, const std::string& tag) {
      std::string c = command;
      for (std::size_t p; (p = c.find("OUT")) != std::string::npos;) c.replace(p, 3, dir_ / tag);
      const std::string json = dir_ / (tag + ".json");
      const auto r = run_cli(global + " --quiet " + c + " --json " + json);
      EXPECT_EQ(r.exit_code, 0) << global << " " << c << "\n" << r.err;
      return r.exit_code == 0 ? read_json(json) : Json();
    };
    // Output paths differ by their tag only.
    auto normalised = [&](const Json& j, const std::string& tag) {
      std::string text = j.dump();
      for (std::size_t p; (p = text.find(dir_ / tag)) != std::string::npos;) text.replace(p, (dir_ / tag).size(), "OUT");
      return text;
    };
    const Json core = run("", "core");
    ASSERT_TRUE(core.is_object());
    EXPECT_FALSE(core.contains("memory"));
    for (const std::string& limit : limits) {
      const std::string tag = "streamed_" + limit;
      const Json streamed = run("--memory-limit " + limit, tag);
      ASSERT_TRUE(streamed.is_object()) << command << " " << limit;
      // The streamed segment never computes the deep-voxel fraction and says why (test_cli_deep_levels.cpp);
      // where in core it is withheld too, every other result is equal.
      Json streamed_results = streamed["results"], core_results = core["results"];
      if (streamed_results.contains("deep_levels")) {
        EXPECT_EQ(streamed_results["deep_levels"]["applied"], false);
        EXPECT_EQ(core_results["deep_levels"]["applied"], false) << "in core the estimate moved the threshold";
        streamed_results.erase("deep_levels"), core_results.erase("deep_levels");
      }
      EXPECT_EQ(normalised(streamed_results, tag), normalised(core_results, "core")) << command << " at " << limit;
      EXPECT_EQ(normalised(streamed["parameters"], tag), normalised(core["parameters"], "core")) << command;
      EXPECT_EQ(streamed["memory"]["streamed"], true) << command << " " << limit;
      EXPECT_GT(streamed["memory"]["slabs"].get<int64_t>(), 3) << command << " " << limit;
      for (const std::string& ext : outputs)
        EXPECT_TRUE(file_bytes(dir_ / ("core" + ext)) == file_bytes(dir_ / (tag + ext)))
            << command << " at " << limit << ": " << ext << " differs";
    }
    for (const auto& entry : std::filesystem::directory_iterator(std::string(dir_ / "")))
      EXPECT_EQ(entry.path().filename().string().find("scratch"), std::string::npos) << entry.path() << " left behind";
  }
};

TEST_F(CliStreamingKernels, SegmentEqualsInCore) {
  expect_streamed_equal("segment " + grey_ + " OUT.tif", {".tif"});  // mixture:otsu, auto pre-filter
  expect_streamed_equal("segment " + grey_ + " OUT.tif --method otsu --denoise none", {".tif"});
  expect_streamed_equal("segment " + grey_ + " OUT.tif --method multiotsu:3 --denoise median:2 --classes pore,NMC,CBD", {".tif"});
  expect_streamed_equal("segment " + grey_ + " OUT.tif --method manual:11000 --bins 64", {".tif"});
}

TEST_F(CliStreamingKernels, EdtEqualsInCore) {
  expect_streamed_equal("edt " + labels_ + " OUT.tif", {".tif"});
  expect_streamed_equal("edt " + labels_ + " OUT.nrrd --phase CBD --voxel 0.3,0.5,0.7", {".nrrd"});
  // A scratch folder of its own: the store goes there and is removed.
  const std::string scratch = dir_ / "scratch_dir";
  std::filesystem::create_directory(scratch);
  const auto r = run_cli("--memory-limit 16KiB --quiet --scratch " + scratch + " edt " + labels_ + " " + (dir_ / "s.tif"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::is_empty(scratch));
  const auto missing = run_cli("--memory-limit 16KiB --quiet --scratch " + (dir_ / "nowhere") + " edt " + labels_ + " " + (dir_ / "t.tif"));
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("--scratch"), std::string::npos) << missing.err;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "t.tif"));
}

// Labelling sizes its slabs for the worst case of components per voxel: 16 KiB gives slabs of one slice,
// 160 KiB of 2 to 8 (below the in-core estimate of this volume).
const std::vector<std::string> kComponentLimits = {"16KiB", "96KiB", "160KiB"};

TEST_F(CliStreamingKernels, LabelEqualsInCore) {
  expect_streamed_equal("label " + labels_ + " OUT.tif --csv OUT.csv", {".tif", ".csv"}, kComponentLimits);
  expect_streamed_equal("label " + labels_ + " OUT.tif --phase pore --connectivity 6 --csv OUT.csv", {".tif", ".csv"}, kComponentLimits);
  expect_streamed_equal("label " + labels_ + " OUT.nrrd --phase CBD --connectivity 18", {".nrrd"}, kComponentLimits);
}

TEST_F(CliStreamingKernels, ConnectivityEqualsInCore) {
  expect_streamed_equal("connectivity " + labels_ + " --axis 0", {}, kComponentLimits);
  expect_streamed_equal("connectivity " + labels_ + " --axis 1 --connectivity 26 --phase CBD --out OUT.tif", {".tif"}, kComponentLimits);
  expect_streamed_equal("connectivity " + labels_ + " --axis 2 --phase pore --out OUT.tif", {".tif"}, kComponentLimits);
}

// Anisotropic voxels (the fixture's) take the float passes in core, isotropic ones at the default step
// the uint16 passes; the streamed run decides every voxel alike either way.
TEST_F(CliStreamingKernels, GranulometryEqualsInCore) {
  expect_streamed_equal("granulometry " + labels_ + " --phase NMC --csv OUT.csv --local-thickness OUT.tif", {".csv", ".tif"});
  expect_streamed_equal("granulometry " + labels_ + " --phase pore --voxel 0.5 --csv OUT.csv", {".csv"});
  expect_streamed_equal("granulometry " + labels_ + " --phase CBD --step 0.2 --max-radius 0.9 --local-thickness OUT.nrrd", {".nrrd"});
}

TEST_F(CliStreamingKernels, LocalThicknessEqualsInCore) {
  expect_streamed_equal("localthickness " + labels_ + " OUT.tif --phase NMC --voxel 0.5", {".tif"});
  expect_streamed_equal("localthickness " + labels_ + " OUT.nrrd --phase pore --max-radius 0.8", {".nrrd"});
}

// A ball of radius 9 voxels in a 40^3 cube, isotropic: the largest opening radius (9) reaches across
// many slabs of one slice, so the z pass must see the whole column; the map is 2 r = 18 at its core.
TEST(CliStreamingGranulometry, ABallKeepsItsRadiusAcrossSlabs) {
  TempDir dir;
  emorph::Volume<uint8_t> ball({40, 40, 40}, {1, 1, 1});
  for (int64_t z = 0; z < 40; ++z)
    for (int64_t y = 0; y < 40; ++y)
      for (int64_t x = 0; x < 40; ++x)
        ball(z, y, x) = (z - 20) * (z - 20) + (y - 19) * (y - 19) + (x - 21) * (x - 21) <= 81 ? 1 : 0;
  const std::string input = dir / "ball.nrrd";
  emorph::write_volume(input, ball);
  for (const std::string& global : {std::string(""), std::string("--memory-limit 32KiB ")}) {
    const std::string tag = global.empty() ? "core" : "streamed";
    const auto r = run_cli(global + "--quiet localthickness " + input + " " + (dir / (tag + ".nrrd")) + " --phase NMC --json " +
                           (dir / (tag + ".json")));
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  const Json core = read_json(dir / "core.json"), streamed = read_json(dir / "streamed.json");
  EXPECT_EQ(streamed["results"]["max_thickness_um"], 18.0);
  EXPECT_EQ(streamed["results"]["phase_voxels"], core["results"]["phase_voxels"]);
  EXPECT_EQ(streamed["results"]["mean_thickness_um"].dump(), core["results"]["mean_thickness_um"].dump());
  EXPECT_EQ(streamed["memory"]["slab_slices"], 1);
  EXPECT_TRUE(file_bytes(dir / "core.nrrd") == file_bytes(dir / "streamed.nrrd"));
}

TEST_F(CliStreamingKernels, AbsentPhaseLeavesNoOutput) {
  for (const std::string command : {"edt", "label", "localthickness"}) {
    const auto r = run_cli("--memory-limit 16KiB --quiet " + command + " " + labels_ + " " + (dir_ / "x.tif") + " --phase LFP");
    EXPECT_EQ(r.exit_code, 2) << command;
    EXPECT_NE(r.err.find("absent"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir_ / "x.tif")) << command;
  }
}

// A command that cannot stream refuses a limit its working set exceeds (exit 2 naming the option and
// the estimated need) and runs under a limit it fits.
TEST_F(CliStreamingKernels, InCoreOnlyCommandsRefuseALimitTheyExceed) {
  for (const std::string& command : {"particles " + labels_ + " --phase NMC --no-separate", "segment " + grey_ + " " + (dir_ / "m.tif") + " --mask " + labels_,
                                     "surface " + labels_ + " --count-boundary"}) {
    const auto r = run_cli("--memory-limit 16KiB --quiet " + command);
    EXPECT_EQ(r.exit_code, 2) << command;
    EXPECT_NE(r.err.find("--memory-limit"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("needs about"), std::string::npos) << r.err;
  }
  EXPECT_EQ(run_cli("--memory-limit 1GiB --quiet particles " + labels_ + " --phase NMC").exit_code, 0);
}

// particles streams the separation; a limit below one slab and its two halos (the largest particle
// radius each) is refused naming --memory-limit and the size it needs.
TEST_F(CliStreamingKernels, ParticlesRefuseALimitBelowTheHalo) {
  const auto r = run_cli("--memory-limit 16KiB --quiet particles " + labels_ + " --phase NMC");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--memory-limit of at least"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("halo"), std::string::npos) << r.err;
}

TEST(ScratchStore, RefusesAFolderWithoutTheSpaceAndLeavesNothing) {
  TempDir dir;
  try {
    emorph::ScratchStore store(dir / "", {int64_t{1} << 20, int64_t{1} << 20, int64_t{1} << 12}, 1, "--scratch");
    FAIL() << "a 16 EiB store was accepted";
  } catch (const emorph::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--scratch"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir / ""));
}

// Kernels with several stores (granulometry: codes, partial sums, the map) check their sum first.
TEST(ScratchStore, SpaceCheckOfSeveralStoresNamesTheOption) {
  TempDir dir;
  EXPECT_NO_THROW(emorph::check_scratch_space(dir / "", 1 << 20, "--scratch"));
  try {
    emorph::check_scratch_space(dir / "", uint64_t{1} << 62, "output folder (or --scratch DIR)");
    FAIL() << "4 EiB of scratch space was accepted";
  } catch (const emorph::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--scratch DIR"), std::string::npos) << e.what();
  }
  EXPECT_THROW(emorph::check_scratch_space(dir / "missing", 1, "--scratch"), emorph::InputError);
}

TEST(ScratchStore, BoxesReadBackWhatWasWritten) {
  TempDir dir;
  const emorph::Shape shape{7, 5, 3};
  std::vector<float> all(static_cast<std::size_t>(shape.voxels()));
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<float>(i) * 0.5f;
  {
    emorph::ScratchStore store(dir / "", shape, 2, "--scratch");
    for (int64_t z0 = 0; z0 < 7; z0 += 3) store.write(z0, std::min<int64_t>(7, z0 + 3), 0, 5, all.data() + z0 * 15);
    // A y slab of one row block, then boxes across blocks, a short last block and part of the slices.
    for (const std::array<int64_t, 4> b : {std::array<int64_t, 4>{0, 7, 2, 4}, {2, 5, 1, 4}, {0, 7, 3, 5}, {6, 7, 0, 5}}) {
      const int64_t rows = b[3] - b[2];
      std::vector<float> box(static_cast<std::size_t>((b[1] - b[0]) * rows * 3));
      store.read(b[0], b[1], b[2], b[3], box.data());
      for (int64_t z = b[0]; z < b[1]; ++z)
        for (int64_t y = b[2]; y < b[3]; ++y)
          for (int64_t x = 0; x < 3; ++x)
            EXPECT_EQ(box[static_cast<std::size_t>(((z - b[0]) * rows + y - b[2]) * 3 + x)], all[static_cast<std::size_t>(z * 15 + y * 3 + x)]);
    }
    EXPECT_TRUE(std::filesystem::exists(store.path()));
    // A box written across row blocks reads back; a store never written reads as zeros.
    const std::vector<float> ones(2 * 3 * 3, 1.0f);
    store.write(1, 3, 1, 4, ones.data());
    std::vector<float> back(ones.size());
    store.read(1, 3, 1, 4, back.data());
    EXPECT_EQ(back, ones);
    emorph::ScratchStore fresh(dir / "", shape, 4, "--scratch");
    std::vector<float> unwritten(7 * 3, -1.0f);
    fresh.read(0, 7, 4, 5, unwritten.data());
    EXPECT_EQ(std::count(unwritten.begin(), unwritten.end(), 0.0f), 7 * 3);
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir / ""));
}

// Peak RSS of segment, edt, label and connectivity at --memory-limit 8MiB on a 128 x 512 x 512 volume
// (32 MiB of 4^3 blocks; in core each needs 3 to 7 bytes per voxel, 96 to 224 MiB): at most 8 x 1.25 + 48 =
// 58 MiB. Labelling's worst case (noise) is the next test.
TEST(CliStreamingKernelsMemory, PeakResidentSetStaysWithinTheLimit) {
  TempDir dir;
  const std::string labels = dir / "big.raw";
  emorph::write_volume(labels, random_labels({128, 512, 512}, true));
  const double bound = 8.0 * (1 << 20) * 1.25 + 48.0 * (1 << 20);
  const std::vector<std::pair<std::string, std::string>> commands = {
      {"segment", "segment " + labels + " " + (dir / "seg.raw") + " --method otsu --denoise median:1"},
      {"edt", "edt " + labels + " " + (dir / "edt.raw")},
      {"label", "label " + labels + " " + (dir / "label.raw") + " --phase NMC"},
      {"connectivity", "connectivity " + labels + " --phase pore --out " + (dir / "classes.raw")},
  };
  for (const auto& [command, args] : commands) {
    const std::string json = dir / (command + "_results.json");
    const std::string line = "--memory-limit 8MiB --quiet " + args + " --json " + json;
    expect_streamed_peak_within(command, line, json, dir, bound);
  }
}

// The worst case of labelling: noise (a quarter of the voxels NMC, one by one, below the percolation
// threshold) has some 10^5 components of a few voxels, tens of thousands open across each slab face.
// connectivity keeps the components of one slab and the open ones (O(slice)), and with --out 8 bytes
// per open component per slab face: within the bound and equal to in core. label keeps 85 bytes per
// component (its table, as in core): above half the limit plus 16 MiB it exits 2 naming the
// --memory-limit it needs.
TEST(CliStreamingKernelsMemory, NoiseComponentsFitOrNameTheLimitTheyNeed) {
  TempDir dir;
  emorph::Volume<uint8_t> noise({32, 512, 512}, {1, 1, 1});
  for (int64_t z = 0; z < 32; ++z)
    for (int64_t y = 0; y < 512; ++y)
      for (int64_t x = 0; x < 512; ++x) noise(z, y, x) = cell(z, y, x) < 25 ? 1 : 0;
  const std::string input = dir / "noise.raw";
  const double bound = 8.0 * (1 << 20) * 1.25 + 48.0 * (1 << 20);
  emorph::write_volume(input, noise);
  const std::string args = "connectivity " + input + " --phase NMC --axis 0 --out ";
  ASSERT_EQ(run_cli("--quiet " + args + (dir / "core.raw") + " --json " + (dir / "core_results.json")).exit_code, 0);
  const Json core = read_json(dir / "core_results.json");
  ASSERT_GT(core["results"]["phases"]["NMC"]["components"].get<int64_t>(), 100000);
  expect_streamed_peak_within("connectivity", "--memory-limit 8MiB --quiet " + args + (dir / "s.raw") + " --json " + (dir / "s_results.json"),
                              dir / "s_results.json", dir, bound);
  EXPECT_EQ(read_json(dir / "s_results.json")["results"].dump(), core["results"].dump());
  EXPECT_TRUE(file_bytes(dir / "s.raw") == file_bytes(dir / "core.raw"));
  // label: 645,716 components need 52 MiB of table alone, so 8 MiB is refused after the first walk, naming
  // at least twice that beyond the 16 MiB allowance; at the size named (above this volume's in-core
  // estimate, so it runs in core) the labels are the in-core ones.
  const std::string label = "label " + input + " --phase NMC --connectivity 6 ";
  ASSERT_EQ(run_cli("--quiet " + label + (dir / "core_labels.raw") + " --json " + (dir / "core_results.json")).exit_code, 0);
  const int64_t components = read_json(dir / "core_results.json")["results"]["count"].get<int64_t>();
  const auto over = run_cli("--memory-limit 8MiB --quiet " + label + (dir / "l.raw"));
  ASSERT_EQ(over.exit_code, 2) << over.err;
  std::smatch need;
  ASSERT_TRUE(std::regex_search(over.err, need, std::regex(R"(--memory-limit of at least ([0-9.]+) MiB)"))) << over.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "l.raw"));
  const double need_mib = std::stod(need[1]);
  EXPECT_GE(need_mib, 2.0 * (static_cast<double>(components) * 85.0 / (1 << 20) - 16.0)) << over.err;
  const std::string limit = "--memory-limit " + std::to_string(static_cast<int64_t>(std::ceil(need_mib * 1024))) + "KiB";
  ASSERT_EQ(run_cli(limit + " --quiet " + label + (dir / "l.raw")).exit_code, 0);
  EXPECT_TRUE(file_bytes(dir / "l.raw") == file_bytes(dir / "core_labels.raw"));
}

// `args` (BLOCKS: a volume of 4^3 blocks of `shape`, OUT: the output folder) run at --memory-limit
// `limit_mib`: peak RSS at most limit x 1.25 + 48 MiB.
void expect_blocks_peak_within(const std::string& command, emorph::Shape shape, const std::string& args, double limit_mib) {
  TempDir dir;
  emorph::write_volume(dir / "big.raw", random_labels(shape, true));
  std::string line = "--memory-limit " + std::to_string(static_cast<int>(limit_mib)) + "MiB --quiet " + command + " " + args;
  for (const auto& [key, value] : {std::pair{std::string("BLOCKS"), dir / "big.raw"}, std::pair{std::string("OUT"), dir / ""}})
    for (std::size_t p; (p = line.find(key)) != std::string::npos;) line.replace(p, key.size(), value);
  const std::string json = dir / (command + "_results.json");
  expect_streamed_peak_within(command, line + " --json " + json, json, dir, (limit_mib * 1.25 + 48.0) * (1 << 20));
}

// The same bound for granulometry with its map (three scratch stores) on 64 x 512 x 512 (16 MiB; in
// core 13 bytes per voxel, 208 MiB).
TEST(CliStreamingKernelsMemory, GranulometryPeakResidentSetStaysWithinTheLimit) {
  expect_blocks_peak_within("granulometry", {64, 512, 512}, "BLOCKS --phase NMC --local-thickness OUTlt.raw", 8);
}

// The same bound for the streamed particle separation (two scratch stores, windows of a slab and its
// halos) on 64 x 256 x 256 (4 MiB; in core 18 bytes per voxel, 76 MiB) at 48 MiB (32 MiB cannot hold
// the halo of this volume's 2.2 um radius: 0.5 um slices of 1.1 MiB each).
TEST(CliStreamingKernelsMemory, ParticlesPeakResidentSetStaysWithinTheLimit) {
  expect_blocks_peak_within("particles", {64, 256, 256}, "BLOCKS --phase NMC --no-surface --labels-out OUTparticles.raw", 48);
}

}  // namespace
