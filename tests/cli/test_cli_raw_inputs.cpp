// End-to-end: .raw inputs on read-only media, described on the command line (--raw-shape, --raw-dtype,
// --raw-byte-order, voxel size by --voxel) or by a sidecar elsewhere (--sidecar); contradictions with a
// sidecar are exit 2 (CONTRACT.md "Volumes and axes").
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <vector>

#include "cli/cli_test.hpp"

namespace {

// A 6 x 5 x 4 uint16 volume whose voxel (z, y, x) holds 1000 z + 10 y + x, in the given byte order; no sidecar.
std::string write_bare_raw(const TempDir& dir, const std::string& name, bool big_endian) {
  std::ofstream f(dir / name, std::ios::binary);
  for (int z = 0; z < 6; ++z)
    for (int y = 0; y < 5; ++y)
      for (int x = 0; x < 4; ++x) {
        const uint16_t v = static_cast<uint16_t>(1000 * z + 10 * y + x);
        const unsigned char b[2] = {static_cast<unsigned char>(big_endian ? v >> 8 : v & 0xff),
                                    static_cast<unsigned char>(big_endian ? v & 0xff : v >> 8)};
        f.write(reinterpret_cast<const char*>(b), 2);
      }
  return dir / name;
}

void write_text(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

std::string file_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), {}};
}

}  // namespace

TEST(CliRawInputs, ShapeAndDtypeOnTheCommandLineReadARawFileWithoutSidecar) {
  TempDir dir;
  const std::string raw = write_bare_raw(dir, "bare.raw", false);
  // Without a description: exit 2 naming the missing sidecar and the options that replace it.
  const auto none = run_cli("--quiet info " + raw);
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("--raw-shape"), std::string::npos) << none.err;

  const auto r = run_cli("--quiet info " + raw + " --raw-shape 6,5,4 --raw-dtype uint16 --voxel 0.5 --json " +
                         dir / "info.json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = read_json(dir / "info.json")["results"];
  EXPECT_EQ(j["shape"], nlohmann::json({6, 5, 4})) << j.dump();
  EXPECT_EQ(j["dtype"], "uint16");
  EXPECT_EQ(j["min"], 0);
  EXPECT_EQ(j["max"], 5043);  // 1000*5 + 10*4 + 3: the layout was read as given
  EXPECT_EQ(read_json(dir / "info.json")["input"]["voxel_source"], "option");

  // Global options also stand before the command; a big-endian file by --raw-byte-order or numpy's '>u2'.
  const std::string big = write_bare_raw(dir, "big.raw", true);
  for (const std::string opts : {"--raw-dtype uint16 --raw-byte-order big", "--raw-dtype '>u2'"}) {
    const auto b = run_cli("--quiet --raw-shape 6,5,4 " + opts + " info " + big + " --json " + dir / "info_big.json");
    ASSERT_EQ(b.exit_code, 0) << opts << ": " << b.err;
    EXPECT_EQ(read_json(dir / "info_big.json")["results"]["max"], 5043) << opts;
  }
  // A converted copy equals the data.
  ASSERT_EQ(run_cli("--quiet convert " + big + " " + dir / "big.tif --raw-shape 6,5,4 --raw-dtype uint16 --raw-byte-order big").exit_code, 0);
  ASSERT_EQ(run_cli("--quiet info " + dir / "big.tif --json " + dir / "tif.json").exit_code, 0);
  EXPECT_EQ(read_json(dir / "tif.json")["results"]["max"], 5043);
}

TEST(CliRawInputs, SidecarElsewhereIsReadAndNeverOverwritten) {
  TempDir dir;
  const std::string raw = write_bare_raw(dir, "bare.raw", false);
  fs::create_directories(dir.path() / "meta");
  const std::string side = dir / "meta/layout.json";
  const std::string text = R"({"shape": [6, 5, 4], "dtype": "uint16", "byte_order": "little", "voxel_um": [0.5, 0.5, 0.5]})";
  write_text(side, text);
  const auto r = run_cli("--quiet info " + raw + " --sidecar " + side + " --json " + dir / "info.json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = read_json(dir / "info.json");
  EXPECT_EQ(j["results"]["max"], 5043);
  EXPECT_EQ(j["input"]["voxel_source"], "file");  // the sidecar's voxel_um

  // An output over the sidecar is refused before any work, and the sidecar keeps its bytes.
  const auto over = run_cli("--quiet info " + raw + " --sidecar " + side + " --json " + side);
  EXPECT_EQ(over.exit_code, 2);
  EXPECT_NE(over.err.find("--sidecar"), std::string::npos) << over.err;
  // A .raw output whose own sidecar would be the given one: refused as well.
  const auto companion = run_cli("--quiet convert " + raw + " " + dir / "meta/layout.raw --sidecar " + side);
  EXPECT_EQ(companion.exit_code, 2) << companion.err;
  EXPECT_EQ(file_bytes(side), text);
  EXPECT_FALSE(fs::exists(dir / "meta/layout.raw"));

  const auto missing = run_cli("--quiet info " + raw + " --sidecar " + dir / "nope.json");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("nope.json"), std::string::npos) << missing.err;
}

TEST(CliRawInputs, ContradictionsAndMalformedValuesAreExit2) {
  TempDir dir;
  const std::string raw = write_bare_raw(dir, "bare.raw", false);
  const std::string side = dir / "layout.json";
  write_text(side, R"({"shape": [6, 5, 4], "dtype": "uint16", "byte_order": "little"})");
  struct Case {
    std::string options, mentions;
  };
  const std::vector<Case> cases = {
      {"--sidecar " + side + " --raw-shape 6,5,5", "--raw-shape"},      // sidecar says 6,5,4
      {"--sidecar " + side + " --raw-dtype int16", "--raw-dtype"},      // sidecar says uint16
      {"--sidecar " + side + " --raw-byte-order big", "--raw-byte-order"},
      {"--raw-shape 6,5,5 --raw-dtype uint16", "bare.raw"},             // file size disagrees
      {"--raw-shape 6,5,4", "--raw-dtype"},                             // shape alone
      {"--raw-shape 6,5 --raw-dtype uint16", "--raw-shape"},
      {"--raw-shape 6,0,4 --raw-dtype uint16", "--raw-shape"},
      {"--raw-shape 6,5,4 --raw-dtype float64", "--raw-dtype"},
      {"--raw-shape 6,5,4 --raw-dtype '>u2' --raw-byte-order little", "--raw-byte-order"},
      {"--raw-shape 6,5,4 --raw-dtype uint16 --raw-byte-order middle", "--raw-byte-order"},
      {"--raw-shape '' --raw-dtype uint16", "--raw-shape"},
  };
  for (const auto& c : cases) {
    const auto r = run_cli("--quiet info " + raw + " " + c.options);
    EXPECT_EQ(r.exit_code, 2) << c.options << "\n" << r.err;
    EXPECT_NE(r.err.find(c.mentions), std::string::npos) << c.options << "\n" << r.err;
  }
  // A sidecar beside the file is checked against the options too.
  write_text(dir / "bare.json", R"({"shape": [6, 5, 4], "dtype": "uint16"})");
  EXPECT_EQ(run_cli("--quiet info " + raw + " --raw-shape 6,5,4 --raw-dtype uint16").exit_code, 0);
  const auto beside = run_cli("--quiet info " + raw + " --raw-shape 4,5,6 --raw-dtype uint16");
  EXPECT_EQ(beside.exit_code, 2);
  EXPECT_NE(beside.err.find("bare.json"), std::string::npos) << beside.err;
  // Options that describe no input of the command.
  ASSERT_EQ(run_cli("--quiet convert " + raw + " " + dir / "v.tif").exit_code, 0);
  const auto unused = run_cli("--quiet info " + dir / "v.tif --raw-shape 6,5,4 --raw-dtype uint16");
  EXPECT_EQ(unused.exit_code, 2);
  EXPECT_NE(unused.err.find("reads none"), std::string::npos) << unused.err;
}
