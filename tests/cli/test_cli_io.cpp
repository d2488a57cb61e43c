// End-to-end: emorph info / convert / crop / rescale / slice, and the bad-input contract (exit 2,
// one line on stderr naming the file or option, no output left behind, input untouched).
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

#include "emorph/io.hpp"
#include "emorph/result.hpp"
#include "io/io_test_util.hpp"
#include "cli/cli_test.hpp"

using namespace emorph;

TEST(CliIo, InfoReportsShapeVoxelSizeStatisticsAndMemory) {
  TempDir d;
  Volume<uint8_t> v({4, 6, 8}, {0.32, 0.16, 0.16});
  for (int64_t i = 0; i < v.size(); ++i) v.data()[i] = static_cast<uint8_t>(i % 3);  // labels 0, 1, 2
  write_volume(d / "v.tif", v);
  auto r = run_cli("info " + quoted(d / "v.tif") + " --json " + quoted(d / "info.json"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json j = Json::parse(test::read_text(d / "info.json"));
  EXPECT_EQ(j["command"], "info");
  const Json& res = j["results"];
  EXPECT_EQ(res["shape"], Json({4, 6, 8}));
  EXPECT_EQ(res["dtype"], "uint8");
  EXPECT_NEAR(res["voxel_um"][0].get<double>(), 0.32, 1e-9);
  EXPECT_NEAR(res["voxel_um"][2].get<double>(), 0.16, 1e-6);
  EXPECT_NEAR(res["physical_size_um"][0].get<double>(), 1.28, 1e-9);
  EXPECT_EQ(res["memory_bytes"], 192);
  EXPECT_EQ(res["min"], 0);
  EXPECT_EQ(res["max"], 2);
  EXPECT_NEAR(res["mean"].get<double>(), 1.0, 1e-12);  // 192 voxels, 64 of each label
  EXPECT_EQ(res["histogram"]["values"], Json({0, 1, 2}));
  EXPECT_EQ(res["histogram"]["counts"], Json({64, 64, 64}));
  // --voxel overrides the file.
  r = run_cli("info " + quoted(d / "v.tif") + " --voxel 1,2,3");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("voxel_size_from_file: false"), std::string::npos) << r.out;  // the stdout summary
}

TEST(CliIo, ConvertEveryFormatBackToTheSameVoxels) {
  TempDir d;
  Volume<uint16_t> v = test::random_volume<uint16_t>({3, 5, 7}, {0.5, 0.25, 0.25}, 1);
  write_volume(d / "v.raw", v);
  for (const std::string out : {"a.tif", "b.nrrd", "c.nhdr", "d.mha", "e.mhd", "f.h5", "g.h5:/x/y", "slices/"}) {
    for (const std::string flag : {"", " --compress"}) {
      TempDir o;
      auto r = run_cli("convert" + flag + " " + quoted(d / "v.raw") + " " + quoted(o / out));
      ASSERT_EQ(r.exit_code, 0) << out << ": " << r.err;
      AnyVolume back = read_volume(o / out);
      ASSERT_EQ(back.shape(), v.shape());
      EXPECT_EQ(0, std::memcmp(back.as<uint16_t>().data(), v.data(), v.bytes())) << out;
      EXPECT_NEAR(back.spacing().dz, 0.5, 1e-12) << out;
    }
  }
}

TEST(CliIo, CropInVoxelsAndMicrometres) {
  TempDir d;
  Volume<int16_t> v = test::random_volume<int16_t>({6, 8, 10}, {0.5, 0.5, 0.5}, 2);
  write_volume(d / "v.nrrd", v);
  auto r = run_cli("crop " + quoted(d / "v.nrrd") + " " + quoted(d / "c.tif") + " --box 1:4,2:,:5");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  AnyVolume c = read_volume(d / "c.tif");
  ASSERT_EQ(c.shape(), (Shape{3, 6, 5}));
  for (int64_t z = 0; z < 3; ++z)
    for (int64_t y = 0; y < 6; ++y)
      for (int64_t x = 0; x < 5; ++x) ASSERT_EQ(c.as<int16_t>()(z, y, x), v(z + 1, y + 2, x));
  // 0.5 um voxels: centres at 0.25, 0.75, ...; [0.5, 2] um keeps voxels 1, 2, 3.
  r = run_cli("crop " + quoted(d / "v.nrrd") + " " + quoted(d / "u.raw") + " --box 0.5:2,0:4,0:5um");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_info(d / "u.raw").shape, (Shape{3, 8, 10}));
}

TEST(CliIo, RescaleMeanAndMajority) {
  TempDir d;
  Volume<uint8_t> labels({4, 4, 4}, {0.16, 0.16, 0.16});
  for (int64_t z = 0; z < 4; ++z)
    for (int64_t y = 0; y < 4; ++y)
      for (int64_t x = 0; x < 4; ++x) labels(z, y, x) = x < 2 ? 1 : 3;
  labels(0, 0, 0) = 2;  // a minority voxel in block (0,0,0)
  write_volume(d / "l.tif", labels);
  auto r = run_cli("rescale " + quoted(d / "l.tif") + " " + quoted(d / "l2.tif") + " --factor 2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("mode: majority"), std::string::npos) << r.out;  // the stdout summary
  AnyVolume b = read_volume(d / "l2.tif");
  ASSERT_EQ(b.shape(), (Shape{2, 2, 2}));
  EXPECT_EQ(b.as<uint8_t>()(0, 0, 0), 1);
  EXPECT_EQ(b.as<uint8_t>()(1, 1, 1), 3);
  EXPECT_NEAR(b.spacing().dz, 0.32, 1e-9);
  r = run_cli("rescale " + quoted(d / "l.tif") + " " + quoted(d / "m.tif") + " --mode mean");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_volume(d / "m.tif").as<uint8_t>()(0, 0, 0), 1);  // (2 + 7 * 1) / 8 = 1.125 -> 1
}

TEST(CliIo, RescaleRemainderIsAnErrorOrDroppedWithAWarning) {
  TempDir d;
  Volume<float> v = test::random_volume<float>({5, 4, 4}, {}, 3);
  write_volume(d / "v.mha", v);
  auto r = run_cli("rescale " + quoted(d / "v.mha") + " " + quoted(d / "o.mha") + " --factor 2");
  expect_one_line_input_error(r, {"--factor 2", "not divisible", "--drop-remainder"});
  EXPECT_FALSE(fs::exists(d / "o.mha"));
  r = run_cli("rescale " + quoted(d / "v.mha") + " " + quoted(d / "o.mha") + " --factor 2 --drop-remainder");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("warning"), std::string::npos);
  EXPECT_EQ(read_info(d / "o.mha").shape, (Shape{2, 2, 2}));
}

TEST(CliIo, SliceWritesAContrastStretchedPng) {
  TempDir d;
  Volume<uint16_t> v({3, 4, 5}, {});
  for (int64_t i = 0; i < v.size(); ++i) v.data()[i] = static_cast<uint16_t>(1000 + 10 * i);
  write_volume(d / "v.tif", v);
  for (int axis = 0; axis < 3; ++axis) {
    const std::string png = d / ("s" + std::to_string(axis) + ".png");
    auto r = run_cli("slice " + quoted(d / "v.tif") + " " + quoted(png) + " --axis " + std::to_string(axis) + " --index 1");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string bytes = test::read_text(png);
    ASSERT_GT(bytes.size(), 33u);
    EXPECT_EQ(bytes.substr(1, 3), "PNG");
    // IHDR width and height (big-endian) match the plane.
    auto be32 = [&](std::size_t at) {
      return (uint32_t(uint8_t(bytes[at])) << 24) | (uint32_t(uint8_t(bytes[at + 1])) << 16) |
             (uint32_t(uint8_t(bytes[at + 2])) << 8) | uint32_t(uint8_t(bytes[at + 3]));
    };
    const uint32_t w[3] = {5, 5, 4}, h[3] = {4, 3, 3};
    EXPECT_EQ(be32(16), w[axis]);
    EXPECT_EQ(be32(20), h[axis]);
  }
  expect_one_line_input_error(run_cli("slice " + quoted(d / "v.tif") + " " + quoted(d / "x.png") + " --axis 0 --index 3"), {"--index 3", "outside"});
  expect_one_line_input_error(run_cli("slice " + quoted(d / "v.tif") + " " + quoted(d / "x.png") + " --axis 3"), {"--axis"});
  expect_one_line_input_error(run_cli("slice " + quoted(d / "v.tif") + " " + quoted(d / "x.jpg")), {"x.jpg", ".png"});
  EXPECT_FALSE(fs::exists(d / "x.png"));
}

TEST(CliIo, BadInputsExitTwoWithOneLineAndNoOutput) {
  TempDir d;
  Volume<uint8_t> v = Volume<uint8_t>::filled({4, 4, 4}, {}, 1);
  write_volume(d / "v.tif", v);
  const std::string before = test::read_text(d / "v.tif");
  fs::create_directory(d / "adir.tif");
  test::put_file(d / "t.raw", std::string(10, 'x'));
  test::put_file(d / "t.json", R"({"shape": [2, 3, 4], "dtype": "uint8"})");
  test::put_file(d / "l.raw", std::string(30, 'x'));
  test::put_file(d / "l.json", R"({"shape": [2, 3, 4], "dtype": "uint8"})");
  test::put_file(d / "f.raw", "x");
  test::put_file(d / "f.json", R"({"shape": [1, 1, 1], "dtype": "complex64"})");
  test::put_file(d / "c.nrrd", "NRRD0004\ntype: uint8\ndimension: 3\nsizes: 1 1 1\nencoding: bzip2\n\nx");
  test::put_file(d / "z.raw", "");
  test::put_file(d / "z.json", R"({"shape": [0, 3, 4], "dtype": "uint8"})");
  test::put_file(d / "o.raw", "x");
  test::put_file(d / "o.json", R"({"shape": [4000000000, 4000000000, 4000000000], "dtype": "uint8"})");
  const std::size_t n_before = test::entry_count(d.path());

  expect_one_line_input_error(run_cli("info " + quoted(d / "nope.tif")), {"nope.tif", "no such file"});
  expect_one_line_input_error(run_cli("convert " + quoted(d / "adir.tif") + " " + quoted(d / "o1.raw")), {"adir.tif", "directory"});
  expect_one_line_input_error(run_cli("convert " + quoted(d / "t.raw") + " " + quoted(d / "o2.tif")), {"t.raw", "truncated"});
  expect_one_line_input_error(run_cli("convert " + quoted(d / "l.raw") + " " + quoted(d / "o3.tif")), {"l.raw", "disagrees"});
  expect_one_line_input_error(run_cli("convert " + quoted(d / "f.raw") + " " + quoted(d / "o4.tif")), {"f.json", "unsupported dtype"});
  expect_one_line_input_error(run_cli("convert " + quoted(d / "c.nrrd") + " " + quoted(d / "o5.tif")), {"c.nrrd", "encoding"});
  expect_one_line_input_error(run_cli("info " + quoted(d / "z.raw")), {"z.json", "positive"});
  expect_one_line_input_error(run_cli("info " + quoted(d / "o.raw")), {"o.json", "overflows"});
  expect_one_line_input_error(run_cli("crop " + quoted(d / "v.tif") + " " + quoted(d / "o6.tif") + " --box 0:5,0:4,0:4"), {"--box", "outside"});
  expect_one_line_input_error(run_cli("crop " + quoted(d / "v.tif") + " " + quoted(d / "o7.tif") + " --box 0:2,0:4"), {"--box"});
  expect_one_line_input_error(run_cli("rescale " + quoted(d / "v.tif") + " " + quoted(d / "o8.tif") + " --factor 3"), {"--factor 3", "not divisible"});
  expect_one_line_input_error(run_cli("rescale " + quoted(d / "v.tif") + " " + quoted(d / "o9.tif") + " --factor 0"), {"--factor"});
  expect_one_line_input_error(run_cli("convert " + quoted(d / "v.tif") + " " + quoted(d / "v.tif")), {"v.tif", "equals the input"});
  expect_one_line_input_error(run_cli("crop " + quoted(d / "v.tif") + " " + quoted(d / "v.tif") + " --box 0:1,0:1,0:1"), {"equals the input"});
  expect_one_line_input_error(run_cli("rescale " + quoted(d / "v.tif") + " " + quoted(d / "v.tif")), {"equals the input"});
  expect_one_line_input_error(run_cli("convert " + quoted(d / "v.tif") + " " + quoted(d / "out.xyz")), {"out.xyz", "unknown volume format"});
  expect_one_line_input_error(run_cli("info " + quoted(d / "v.tif") + " --voxel -1"), {"--voxel"});

  EXPECT_EQ(test::entry_count(d.path()), n_before);  // no output, no temporary file
  EXPECT_EQ(before, test::read_text(d / "v.tif"));
}
