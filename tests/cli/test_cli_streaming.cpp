// --memory-limit end to end: a command whose volume does not fit streams it and gives the in-core
// results (the JSON `results` equal as text); the envelope's memory section; bad sizes exit 2; peak
// RSS of a streamed run stays within limit x 1.25 + 48 MiB (measured by /usr/bin/time -v, else by
// the run's own VmHWM).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "emorph/io.hpp"
#include "emorph/result.hpp"
#include "support/labels_and_grey.hpp"
#include "support/layered_electrode.hpp"
#include "support/streamed_peak.hpp"
#include "cli/cli_test.hpp"

namespace {

// Layers along z: collector, an electrode of NMC/CBD/pore blobs (NMC falling with z), air on top.
emorph::Volume<uint8_t> electrode(emorph::Shape shape) {
  return emorph::test::layered_electrode(shape, {0.5, 0.5, 0.5}, 4, [&](int64_t z, int64_t y, int64_t x) -> uint8_t {
    const int64_t cell = (x / 3 + 7 * (y / 5) + 13 * (z / 2) + (x * y) % 5) % 10;
    return cell < 6 - 3 * z / shape.nz ? 1 : cell < 8 ? 3 : 0;
  });
}

struct CliRun {
  Json envelope;
  std::string err;
};

CliRun run_json(const TempDir& dir, const std::string& global, const std::string& command, const std::string& name) {
  const std::string json = dir / (name + ".json");
  const auto r = run_cli(global + " " + command + " --json " + json);
  EXPECT_EQ(r.exit_code, 0) << command << "\n" << r.err;
  return {r.exit_code == 0 ? read_json(json) : Json(), r.err};
}

class CliStreaming : public emorph::test::LabelsAndGreyFiles {
 protected:
  CliStreaming() : LabelsAndGreyFiles("labels.nrrd", "grey.tif", electrode({48, 40, 36})) {}
};

TEST_F(CliStreaming, StreamedCommandsGiveTheInCoreResults) {
  auto commands = emorph::test::label_kernel_commands(labels_, 2);
  commands.insert(commands.end(), {
      {"histogram", "histogram " + grey_},
      {"grey_profile", "profile " + labels_ + " --grey " + grey_ + " --grey-phases pore,CBD --calibration 0.001,0.5"},
      {"histogram_bins", "histogram " + grey_ + " --bins 64 --range 1000,30000"},
  });
  for (const auto& [name, command] : commands) {
    const CliRun core = run_json(dir_, "", command, name + "_core");
    // 64 KiB: slab buffers of 32 KiB, 22 slices of 1440 voxels (surface: 20 and a halo slice each side).
    const CliRun streamed = run_json(dir_, "--memory-limit 64KiB", command, name + "_streamed");
    ASSERT_TRUE(core.envelope.is_object() && streamed.envelope.is_object());
    EXPECT_EQ(streamed.envelope["results"].dump(), core.envelope["results"].dump()) << name;
    EXPECT_EQ(streamed.envelope["parameters"], core.envelope["parameters"]) << name;
    EXPECT_FALSE(core.envelope.contains("memory")) << name;
    const Json& m = streamed.envelope["memory"];
    EXPECT_EQ(m["streamed"], true) << name;
    EXPECT_EQ(m["limit_bytes"], 65536) << name;
    EXPECT_GT(m["slabs"].get<int64_t>(), 1) << name;
    EXPECT_GT(m["peak_memory_bytes"].get<int64_t>(), 0) << name;
    EXPECT_EQ(m["halo_slices"], name == "surface" ? 1 : 0) << name;
  }
}

TEST_F(CliStreaming, StreamedDenoiseWritesTheInCoreVolume) {
  for (const std::string& filter : std::vector<std::string>{"median:1", "gaussian:1.2"}) {
    const CliRun core = run_json(dir_, "", "denoise " + grey_ + " " + (dir_ / "core.tif") + " --filter " + filter, "dn_core");
    const CliRun streamed = run_json(dir_, "--memory-limit 64KiB",
                                     "denoise " + grey_ + " " + (dir_ / "streamed.tif") + " --filter " + filter, "dn_stream");
    EXPECT_EQ(streamed.envelope["memory"]["streamed"], true) << filter;
    EXPECT_EQ(streamed.envelope["results"]["output_dtype"], core.envelope["results"]["output_dtype"]) << filter;
    std::ifstream a(dir_ / "core.tif", std::ios::binary), b(dir_ / "streamed.tif", std::ios::binary);
    const std::string core_bytes((std::istreambuf_iterator<char>(a)), std::istreambuf_iterator<char>());
    const std::string streamed_bytes((std::istreambuf_iterator<char>(b)), std::istreambuf_iterator<char>());
    EXPECT_TRUE(core_bytes == streamed_bytes) << filter << ": the TIFF files differ";
  }
}

TEST_F(CliStreaming, ALimitThatFitsRunsInCore) {
  const CliRun r = run_json(dir_, "--memory-limit 1GiB", "fractions " + labels_, "fits");
  EXPECT_FALSE(r.envelope.contains("memory"));
  // A uint8 volume exactly the size of the limit (48 x 40 x 36 = 69120 bytes) fits: surface runs in core
  // rather than refusing with a second, stricter in-core estimate.
  const CliRun exact = run_json(dir_, "--memory-limit 69120", "surface " + labels_, "exact");
  EXPECT_FALSE(exact.envelope.contains("memory"));
}

TEST_F(CliStreaming, BadSizesExit2NamingTheOption) {
  for (const std::string& bad : std::vector<std::string>{"lots", "0", "12parsecs", "-4GiB", "''"}) {
    const auto r = run_cli("--memory-limit " + bad + " fractions " + labels_);
    EXPECT_EQ(r.exit_code, 2) << bad;
    EXPECT_NE(r.err.find("--memory-limit"), std::string::npos) << bad << ": " << r.err;
  }
}

TEST_F(CliStreaming, OptionsThatNeedTheWholeVolumeStayInCore) {
  const CliRun r = run_json(dir_, "--memory-limit 1MiB", "surface " + labels_ + " --count-boundary", "boundary");
  EXPECT_FALSE(r.envelope.contains("memory"));
  // Under a limit the in-core run exceeds it refuses, naming the option (tests/cli/test_cli_streaming_kernels.cpp).
  EXPECT_EQ(run_cli("--memory-limit 64KiB surface " + labels_ + " --count-boundary").exit_code, 2);
}

// Peak RSS of `emorph --memory-limit 8MiB surface` (and the other streamed commands) on a 64 MiB label volume: at most 8 x 1.25 + 48 =
// 58 MiB (the in-core run needs the 64 MiB volume alone, so this would fail without streaming).
TEST(CliStreamingMemory, PeakResidentSetStaysWithinTheLimit) {
  TempDir dir;
  const std::string labels = dir / "big.raw";
  {
    emorph::Volume<uint8_t> v = electrode({256, 512, 512});
    emorph::write_volume(labels, v);
  }
  const uint64_t limit = uint64_t{8} << 20;
  const double bound = static_cast<double>(limit) * 1.25 + 48.0 * (1 << 20);
  const std::vector<std::pair<std::string, std::string>> commands = {
      {"surface", "surface " + labels + " --voxel 0.5"},
      {"fractions", "fractions " + labels},
      {"profile", "profile " + labels + " --voxel 0.5"},
      {"histogram", "histogram " + labels},
      {"denoise", "denoise " + labels + " " + (dir / "median.raw") + " --filter median:1"},
  };
  for (const auto& [command, command_args] : commands) {
    const std::string json = dir / (command + ".json");
    const std::string args = "--memory-limit 8MiB --quiet " + command_args + " --json " + json;
    expect_streamed_peak_within(command, args, json, dir, bound);
  }
}

}  // namespace
