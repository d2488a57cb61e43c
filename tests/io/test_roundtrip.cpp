// Round trips: every format x every dtype, anisotropic voxel sizes, slab reads, strided writes.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>

#include "emorph/io.hpp"
#include "emorph/io/stream.hpp"
#include "io/io_test_util.hpp"
#include "support/test_support.hpp"

namespace fs = std::filesystem;
using namespace emorph;
using emorph::test::TempDir;

namespace {

struct FormatCase {
  std::string file;  // output name inside the temp dir
  bool compress;
  std::string format;
  // TIFF stores x/y pixel size as a rational with a 10^6 denominator: relative error below 1e-6.
  double xy_rel_tol;
};

const FormatCase kFormats[] = {
    {"v.tif", false, "tiff", 1e-6},        {"v.tif", true, "tiff", 1e-6},
    {"v.raw", false, "raw", 0},            {"v.nrrd", false, "nrrd", 0},
    {"v.nrrd", true, "nrrd", 0},           {"v.nhdr", false, "nrrd", 0},
    {"v.nhdr", true, "nrrd", 0},           {"v.mha", false, "metaimage", 0},
    {"v.mha", true, "metaimage", 0},       {"v.mhd", false, "metaimage", 0},
    {"v.mhd", true, "metaimage", 0},       {"v.h5", false, "hdf5", 0},
    {"v.h5:/group/data", true, "hdf5", 0}, {"slices/", false, "tiff-folder", 1e-6},
};

template <class T>
void expect_same(const Volume<T>& a, const Volume<T>& b) {
  ASSERT_EQ(a.shape(), b.shape());
  // Bitwise equality (also for floats): formats must not alter values.
  EXPECT_EQ(0, std::memcmp(a.data(), b.data(), a.bytes()));
}

template <class T>
void roundtrip_all_formats(uint64_t seed) {
  const Spacing sp{0.5, 0.16, 0.3};  // anisotropic, 0.3 not exact in binary
  Volume<T> v = test::random_volume<T>({4, 5, 7}, sp, seed);
  for (const auto& fc : kFormats) {
    SCOPED_TRACE(fc.file + (fc.compress ? " compressed" : "") + " " + dtype_name(dtype_of<T>));
    TempDir dir;
    const std::string path = dir / fc.file;
    WriteOptions w;
    w.compress = fc.compress;
    write_volume(path, v.view(), w);
    const VolumeInfo info = read_info(path);
    EXPECT_EQ(info.format, fc.format);
    EXPECT_EQ(info.shape, v.shape());
    EXPECT_EQ(info.dtype, dtype_of<T>);
    EXPECT_TRUE(info.spacing_from_file);
    AnyVolume back = read_volume(path);
    ASSERT_TRUE(back.holds<T>());
    expect_same(v, back.as<T>());
    const Spacing s = back.spacing();
    EXPECT_DOUBLE_EQ(s.dz, sp.dz);
    EXPECT_NEAR(s.dy, sp.dy, sp.dy * fc.xy_rel_tol);
    EXPECT_NEAR(s.dx, sp.dx, sp.dx * fc.xy_rel_tol);
    // Nothing but the outputs is left in the folder (no temporary files).
    for (const auto& e : fs::directory_iterator(dir.path()))
      EXPECT_EQ(e.path().filename().string().find(".tmp-emorph"), std::string::npos) << e.path();
  }
}

}  // namespace

TEST(IoRoundTrip, Uint8) { roundtrip_all_formats<uint8_t>(1); }
TEST(IoRoundTrip, Int8) { roundtrip_all_formats<int8_t>(2); }
TEST(IoRoundTrip, Uint16) { roundtrip_all_formats<uint16_t>(3); }
TEST(IoRoundTrip, Int16) { roundtrip_all_formats<int16_t>(4); }
TEST(IoRoundTrip, Uint32) { roundtrip_all_formats<uint32_t>(5); }
TEST(IoRoundTrip, Int32) { roundtrip_all_formats<int32_t>(6); }
TEST(IoRoundTrip, Float32) { roundtrip_all_formats<float>(7); }

TEST(IoRoundTrip, VoxelOverrideReplacesFileSpacing) {
  TempDir dir;
  Volume<uint8_t> v = test::random_volume<uint8_t>({2, 3, 4}, {1, 2, 3}, 9);
  write_volume(dir / "v.nrrd", v.view());
  ReadOptions r;
  r.voxel = Spacing{0.32, 0.32, 0.32};
  EXPECT_EQ(read_volume(dir / "v.nrrd", r).spacing(), (Spacing{0.32, 0.32, 0.32}));
}

TEST(IoRoundTrip, StridedCropViewIsWrittenAsItsContents) {
  TempDir dir;
  Volume<uint16_t> v = test::random_volume<uint16_t>({6, 7, 8}, {1, 1, 1}, 11);
  const Box b{1, 4, 2, 6, 3, 8};
  VolumeView<const uint16_t> crop = v.view().crop(b);
  for (const std::string name : {"c.tif", "c.raw", "c.h5"}) {
    write_volume(dir / name, crop);
    Volume<uint16_t> back = std::move(read_volume(dir / name).as<uint16_t>());
    expect_same(to_volume(crop), back);
  }
}

TEST(IoRoundTrip, SlabReadsMatchTheWholeVolume) {
  Volume<int16_t> v = test::random_volume<int16_t>({9, 4, 5}, {0.5, 0.25, 0.25}, 12);
  for (const auto& fc : kFormats) {
    SCOPED_TRACE(fc.file + (fc.compress ? " compressed" : ""));
    TempDir dir;
    WriteOptions w;
    w.compress = fc.compress;
    write_volume(dir / fc.file, v.view(), w);
    // Forward slabs, the order every format supports (compressed streams read forwards only).
    for (auto [z0, z1] : {std::pair<int64_t, int64_t>{2, 5}, {7, 9}}) {
      AnyVolume s = read_slab(dir / fc.file, z0, z1);
      ASSERT_EQ(s.shape(), (Shape{z1 - z0, 4, 5}));
      EXPECT_EQ(0, std::memcmp(s.as<int16_t>().data(), &v(z0, 0, 0), s.bytes()));
    }
    auto reader = open_slab_reader(dir / fc.file);
    std::vector<int16_t> buf(2 * 4 * 5);
    reader->read(1, 3, buf.data());
    reader->read(6, 8, buf.data());  // skipping forwards
    EXPECT_EQ(0, std::memcmp(buf.data(), &v(6, 0, 0), buf.size() * 2));
  }
}

TEST(IoRoundTrip, ConvertStreamsBetweenAllFormats) {
  TempDir dir;
  Volume<float> v = test::random_volume<float>({5, 6, 7}, {0.32, 0.16, 0.16}, 13);
  write_volume(dir / "src.raw", v.view());
  std::string prev = dir / "src.raw";
  for (const std::string name : {"a.tif", "b.nrrd", "c.mha", "d.h5", "e.nhdr", "f.mhd", "g/", "h.raw"}) {
    convert_volume(prev, dir / name);
    prev = dir / name;
  }
  AnyVolume back = read_volume(prev);
  expect_same(v, back.as<float>());
  EXPECT_NEAR(back.spacing().dz, 0.32, 1e-12);
  EXPECT_NEAR(back.spacing().dx, 0.16, 0.16 * 1e-6);
}

TEST(IoRoundTrip, SingleSliceVolumes) {
  TempDir dir;
  Volume<uint8_t> v = test::random_volume<uint8_t>({1, 3, 2}, {1, 1, 1}, 14);
  for (const std::string name : {"s.tif", "s.raw", "s.nrrd", "s.mha", "s.h5"}) {
    write_volume(dir / name, v.view());
    expect_same(v, read_volume(dir / name).as<uint8_t>());
  }
}
