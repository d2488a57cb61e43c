// Issue 15 (I/O side): damaged multi-page TIFFs, invalid or missing voxel sizes in every format,
// contradictory sidecars, binary data in messages, declared sizes far beyond the file, NaN voxels.
// Every case is a one-line InputError naming the file; nothing is read as fewer slices or 1 um.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <tiffio.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>

#include "emorph/error.hpp"
#include "emorph/text.hpp"
#include "emorph/io.hpp"
#include "emorph/io/stream.hpp"
#include "emorph/io/summary.hpp"
#include "io/headers.hpp"
#include "io/hollow_hdf5.hpp"
#include "io/io_test_util.hpp"
#include "support/checks.hpp"
#include "support/test_support.hpp"
#include "support/input_error.hpp"

namespace fs = std::filesystem;
using namespace emorph;
using emorph::test::TempDir;

namespace {

template <class F>
std::string input_error_of(F&& f) {
  const std::string message = test::input_error_message(f);
  if (message.empty()) ADD_FAILURE() << "expected InputError";
  return message;
}

void expect_error(const std::string& msg, std::initializer_list<std::string> fragments) {
  for (const auto& s : fragments) EXPECT_NE(msg.find(s), std::string::npos) << "message: " << msg << "\nmissing: " << s;
  EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
}

uint32_t le32(const std::string& b, std::size_t at) {
  uint32_t v;
  std::memcpy(&v, b.data() + at, 4);
  return v;
}

// Offsets of the directories of a classic little-endian TIFF, in chain order.
std::vector<uint32_t> ifd_offsets(const std::string& b) {
  std::vector<uint32_t> out;
  for (uint32_t at = le32(b, 4); at != 0;) {
    out.push_back(at);
    uint16_t n;
    std::memcpy(&n, b.data() + at, 2);
    at = le32(b, at + 2 + 12u * n);
  }
  return out;
}

std::size_t next_field(const std::string& b, uint32_t ifd) {
  uint16_t n;
  std::memcpy(&n, b.data() + ifd, 2);
  return ifd + 2 + 12u * n;
}

Volume<uint8_t> ramp(Shape s) {
  Volume<uint8_t> v(s, {0.5, 0.25, 0.25});
  for (int64_t i = 0; i < v.size(); ++i) v.data()[i] = static_cast<uint8_t>(i * 7);
  return v;
}

}  // namespace

// The 48-slice case of the issue: cut inside the directory area that follows the pixel data, the
// chain used to end early and 23 of 48 slices were read with success.
TEST(IoHardening, EmorphTiffCutInsideItsDirectoriesIsRefused) {
  TempDir d;
  write_volume(d / "full.tif", ramp({48, 8, 8}));
  const std::string b = test::read_text(d / "full.tif");
  const auto ifds = ifd_offsets(b);
  ASSERT_EQ(ifds.size(), 48u);
  test::put_file(d / "cut.tif", b.substr(0, ifds[23] + 10));
  for (auto read : {+[](const std::string& p) { read_info(p); }, +[](const std::string& p) { read_volume(p); },
                    +[](const std::string& p) { read_slab(p, 0, 1); }})
    expect_error(input_error_of([&] { read(d / "cut.tif"); }), {"cut.tif", "truncated", "TIFF page 23"});
}

TEST(IoHardening, NextDirectoryPointerPastTheEndIsRefused) {
  TempDir d;
  write_volume(d / "full.tif", ramp({3, 4, 5}));
  std::string b = test::read_text(d / "full.tif");
  const auto ifds = ifd_offsets(b);
  const uint32_t past = static_cast<uint32_t>(b.size() + 4096);
  std::memcpy(b.data() + next_field(b, ifds.back()), &past, 4);
  test::put_file(d / "bad.tif", b);
  expect_error(input_error_of([&] { read_slab(d / "bad.tif", 0, 1); }), {"bad.tif", "TIFF page 3", "past the end"});
  // A chain that loops back is refused too (libtiff would stop quietly).
  std::memcpy(b.data() + next_field(b, ifds.back()), &ifds[0], 4);
  test::put_file(d / "loop.tif", b);
  expect_error(input_error_of([&] { read_info(d / "loop.tif"); }), {"loop.tif", "loops"});
}

// libtiff's own layout (compressed pages, each directory after its data): cut in the middle.
TEST(IoHardening, CompressedTiffCutMidFileIsRefused) {
  TempDir d;
  WriteOptions w;
  w.compress = true;
  write_volume(d / "full.tif", ramp({10, 16, 16}), w);
  const std::string b = test::read_text(d / "full.tif");
  ASSERT_EQ(read_info(d / "full.tif").shape.nz, 10);
  for (std::size_t cut : {b.size() / 2, b.size() - 3}) {
    test::put_file(d / "cut.tif", b.substr(0, cut));
    expect_error(input_error_of([&] { read_volume(d / "cut.tif"); }), {"cut.tif"});
  }
}

TEST(IoHardening, ImageJImageCountMustMatchThePages) {
  TempDir d;
  write_volume(d / "full.tif", ramp({3, 4, 5}));
  std::string b = test::read_text(d / "full.tif");
  const std::size_t at = b.find("images=3");
  ASSERT_NE(at, std::string::npos);
  b[at + 7] = '5';
  test::put_file(d / "five.tif", b);
  expect_error(input_error_of([&] { read_info(d / "five.tif"); }), {"five.tif", "announces 5 images", "3 pages"});
}

TEST(IoHardening, TifffileShapeAnnouncingMorePagesIsRefused) {
  TempDir d;
  TIFF* t = TIFFOpen((d / "t.tif").c_str(), "w");
  uint8_t px[6] = {1, 2, 3, 4, 5, 6};
  for (int page = 0; page < 2; ++page) {
    TIFFSetField(t, TIFFTAG_IMAGEWIDTH, 3);
    TIFFSetField(t, TIFFTAG_IMAGELENGTH, 2);
    TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 8);
    TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 1);
    TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
    if (page == 0) TIFFSetField(t, TIFFTAG_IMAGEDESCRIPTION, "{\"shape\": [4, 2, 3]}");
    TIFFWriteEncodedStrip(t, 0, px, 6);
    TIFFWriteDirectory(t);
  }
  TIFFClose(t);
  expect_error(input_error_of([&] { read_info(d / "t.tif"); }), {"t.tif", "tifffile", "4 pages", "has 2"});
}

TEST(IoHardening, InvalidSpacingsInEveryFormatAreErrors) {
  TempDir d;
  const std::string data(24, '\x01');
  for (const std::string sp : {"-1 1 1", "0 1 1", "nan 1 1", "inf 1 1", "1 1 NaN"}) {
    test::put_file(d / "v.nrrd", "NRRD0004\ntype: uint8\ndimension: 3\nsizes: 4 3 2\nspacings: " + sp +
                                     "\nencoding: raw\n\n" + data);
    expect_error(input_error_of([&] { read_info(d / "v.nrrd"); }), {"v.nrrd", "spacings", "positive and finite"});
    test::put_file(d / "v.mha", "NDims = 3\nDimSize = 4 3 2\nElementSpacing = " + sp +
                                    "\nElementType = MET_UCHAR\nElementDataFile = LOCAL\n" + data);
    expect_error(input_error_of([&] { read_info(d / "v.mha"); }), {"v.mha", "ElementSpacing", "positive and finite"});
  }
  test::put_file(d / "v.nrrd", "NRRD0004\ntype: uint8\ndimension: 3\nsizes: 4 3 2\nspace directions: (1,0,0) none (0,0,1)"
                               "\nencoding: raw\n\n" + data);
  expect_error(input_error_of([&] { read_info(d / "v.nrrd"); }), {"v.nrrd", "space directions"});
  test::put_file(d / "v.raw", data);
  for (const std::string v : {"-0.5", "0", "[1, -1, 1]"}) {
    test::put_file(d / "v.json", R"({"shape": [2, 3, 4], "dtype": "uint8", "voxel_um": )" + v + "}");
    expect_error(input_error_of([&] { read_info(d / "v.raw"); }), {"v.json", "voxel_um"});
  }
  int k = 0;
  for (double bad : {-0.5, 0.0, std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}) {
    const std::string h5 = d / ("v" + std::to_string(k++) + ".h5");
    write_volume(h5, ramp({2, 3, 4}));
    hid_t f = H5Fopen(h5.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    hid_t ds = H5Dopen2(f, "/volume", H5P_DEFAULT);
    hid_t a = H5Aopen(ds, "element_size_um", H5P_DEFAULT);
    const double three[3] = {1.0, bad, 1.0};
    H5Awrite(a, H5T_NATIVE_DOUBLE, three);
    H5Aclose(a), H5Dclose(ds), H5Fclose(f);
    expect_error(input_error_of([&] { read_info(h5); }), {h5, "element_size_um", "positive and finite"});
  }
}

namespace {

void write_imagej_tiff(const std::string& path, const std::string& desc, float xres, uint16_t resunit) {
  TIFF* t = TIFFOpen(path.c_str(), "w");
  TIFFSetField(t, TIFFTAG_IMAGEWIDTH, 3);
  TIFFSetField(t, TIFFTAG_IMAGELENGTH, 2);
  TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 8);
  TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 1);
  TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
  TIFFSetField(t, TIFFTAG_IMAGEDESCRIPTION, desc.c_str());
  TIFFSetField(t, TIFFTAG_XRESOLUTION, xres);
  TIFFSetField(t, TIFFTAG_YRESOLUTION, xres);
  TIFFSetField(t, TIFFTAG_RESOLUTIONUNIT, resunit);
  uint8_t px[6] = {1, 2, 3, 4, 5, 6};
  TIFFWriteEncodedStrip(t, 0, px, 6);
  TIFFClose(t);
}

}  // namespace

// ImageJ writes its unit beside resolutions in pixels per unit; every length unit it writes is converted.
TEST(IoHardening, ImageJUnitsAreConverted) {
  TempDir d;
  struct Case {
    std::string unit;
    uint16_t resunit;
    double um;
  };
  for (const Case& c : {Case{"inch", RESUNIT_INCH, 25400}, Case{"cm", RESUNIT_CENTIMETER, 1e4}, Case{"mm", RESUNIT_NONE, 1e3},
                        Case{"nm", RESUNIT_NONE, 1e-3}, Case{"micron", RESUNIT_NONE, 1}, Case{"\\u00B5m", RESUNIT_NONE, 1},
                        Case{"\xc2\xb5m", RESUNIT_NONE, 1}}) {
    // 100 pixels per unit, z spacing 0.02 units.
    write_imagej_tiff(d / "t.tif", "ImageJ=1.53t\nunit=" + c.unit + "\nspacing=0.02\n", 100.f, c.resunit);
    const VolumeInfo info = read_info(d / "t.tif");
    EXPECT_TRUE(info.spacing_from_file) << c.unit;
    EXPECT_NEAR(info.spacing.dx, c.um / 100, c.um * 1e-8) << c.unit;
    EXPECT_NEAR(info.spacing.dz, c.um * 0.02, c.um * 1e-8) << c.unit;
  }
  write_imagej_tiff(d / "t.tif", "ImageJ=1.53t\nunit=furlong\n", 100.f, RESUNIT_NONE);
  expect_error(input_error_of([&] { read_info(d / "t.tif"); }), {"t.tif", "furlong", "--voxel"});
  write_imagej_tiff(d / "t.tif", "ImageJ=1.53t\nunit=micron\nspacing=-2\n", 100.f, RESUNIT_NONE);
  expect_error(input_error_of([&] { read_info(d / "t.tif"); }), {"t.tif", "spacing", "positive"});
  write_imagej_tiff(d / "t.tif", "ImageJ=1.53t\nunit=micron\n", 0.f, RESUNIT_NONE);
  expect_error(input_error_of([&] { read_info(d / "t.tif"); }), {"t.tif", "XResolution"});
  // Uncalibrated ImageJ image: no voxel size, not an error.
  write_imagej_tiff(d / "t.tif", "ImageJ=1.53t\nunit=pixel\n", 1.f, RESUNIT_NONE);
  EXPECT_FALSE(read_info(d / "t.tif").spacing_from_file);
}

TEST(IoHardening, ContradictorySidecarByteOrderIsRefused) {
  TempDir d;
  test::put_file(d / "v.raw", std::string(48, '\x01'));
  test::put_file(d / "v.json", R"({"shape": [2, 3, 4], "dtype": ">u2", "byte_order": "little"})");
  expect_error(input_error_of([&] { read_info(d / "v.raw"); }), {"v.json", "contradictory byte order", ">u2"});
  test::put_file(d / "v.json", R"({"shape": [2, 3, 4], "dtype": "<u2", "byte_order": "big"})");
  expect_error(input_error_of([&] { read_info(d / "v.raw"); }), {"v.json", "contradictory byte order"});
  test::put_file(d / "v.json", R"({"shape": [2, 3, 4], "dtype": ">u2", "byte_order": "big"})");
  EXPECT_NO_THROW(read_info(d / "v.raw"));
}

// A MetaImage header without ElementDataFile runs into its binary data: the message shows escapes,
// never the raw bytes.
TEST(IoHardening, BinaryDataNeverReachesAMessage) {
  TempDir d;
  std::string binary = "NDims = 3\nDimSize = 4 3 2\nElementType = MET_UCHAR\n";
  for (int i = 0; i < 64; ++i) binary += static_cast<char>(i * 37 % 256);
  test::put_file(d / "v.mha", binary);
  const std::string msg = input_error_of([&] { read_info(d / "v.mha"); });
  expect_error(msg, {"v.mha"});
  for (unsigned char c : msg) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << "byte " << int(c) << " in: " << msg;
  test::put_file(d / "v.mhd", "NDims = 3\nDimSize = 4 3 2\nElementType = MET_UCHAR\nElementDataFile = \x01\x02\x7f.raw\n");
  expect_error(input_error_of([&] { read_info(d / "v.mhd"); }), {"v.mhd", "\\x01\\x02\\x7f.raw", "does not exist"});
  EXPECT_EQ(printable("a\x1b[31mb\xff\xc2\xb5m"), "a\\x1b[31mb\\xff\xc2\xb5m");
  EXPECT_EQ(printable(std::string(100, 'x'), 10), std::string(10, 'x') + "...");
}

// The issue's 1.4 KB file declaring 100000^3 voxels: refused from the header, nothing allocated.
TEST(IoHardening, Hdf5DeclaringFarMoreThanItHoldsIsRefused) {
  TempDir d;
  const std::string path = d / "huge.h5";
  test::write_hollow_hdf5(path, 64);
  ASSERT_LT(fs::file_size(path), 16u << 10);
  expect_error(input_error_of([&] { read_info(path); }), {"huge.h5:/v", "100000 x 100000 x 100000", "missing"});
  expect_error(input_error_of([&] { volume_summary(path); }), {"huge.h5"});
}

TEST(IoHardening, HugeDimensionsArePrintedUnsigned) {
  TempDir d;
  test::put_file(d / "v.raw", "x");
  test::put_file(d / "v.json", R"({"shape": [18446744073709551615, 1, 1], "dtype": "uint8"})");
  const std::string msg = input_error_of([&] { read_info(d / "v.raw"); });
  expect_error(msg, {"v.json", "18446744073709551615"});
  EXPECT_EQ(msg.find("got -1"), std::string::npos) << msg;  // it wrapped to -1 before
}

// NaN and infinite voxels are refused by every read that computes (the CONTRACT rule); crop-like
// copies may opt in, and info counts them.
TEST(IoHardening, NonFiniteFloatVoxelsAreRefused) {
  TempDir d;
  Volume<float> v = Volume<float>::filled({3, 4, 5}, {}, 1.5f);
  v(2, 1, 3) = std::numeric_limits<float>::quiet_NaN();
  v(2, 3, 4) = -std::numeric_limits<float>::infinity();
  write_volume(d / "v.tif", v);
  expect_error(input_error_of([&] { read_volume(d / "v.tif"); }), {"v.tif", "2 voxels", "NaN or infinite", "2,1,3"});
  expect_error(input_error_of([&] { read_slab(d / "v.tif", 1, 3); }), {"v.tif", "2,1,3"});
  ReadOptions copy;
  copy.allow_nonfinite = true;
  EXPECT_TRUE(std::isnan(read_volume(d / "v.tif", copy).as<float>()(2, 1, 3)));
  EXPECT_NO_THROW(read_slab(d / "v.tif", 0, 2));  // the slab without them
  const Json s = volume_summary(d / "v.tif");
  EXPECT_EQ(s["nan_voxels"], 1);
  EXPECT_EQ(s["infinite_voxels"], 1);
  EXPECT_EQ(s["min"], 1.5);
}
