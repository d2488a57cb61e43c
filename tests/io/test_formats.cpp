// Files written by other tools (hand-made headers, libtiff, the HDF5 C API): layouts our writers do
// not produce but users have (big-endian data, space directions in mm, tiles, ImageJ >4 GiB stacks).
#include <gtest/gtest.h>
#include <hdf5.h>
#include <tiffio.h>

#include <cstring>
#include <filesystem>
#include <zlib.h>

#include "emorph/io.hpp"
#include "emorph/io/stream.hpp"
#include "io/io_util.hpp"
#include "io/io_test_util.hpp"
#include "support/checks.hpp"
#include "support/test_support.hpp"

namespace fs = std::filesystem;
using namespace emorph;
using emorph::test::TempDir;

namespace {

// 2 x 3 x 4 uint16 values 0..23 (x fastest), as big-endian bytes.
std::string big_endian_ramp() {
  std::string s;
  for (int i = 0; i < 24; ++i) {
    s.push_back(static_cast<char>(i >> 8));
    s.push_back(static_cast<char>(i & 0xff));
  }
  return s;
}

void expect_ramp(const AnyVolume& v) {
  ASSERT_TRUE(v.holds<uint16_t>());
  ASSERT_EQ(v.shape(), (Shape{2, 3, 4}));
  const auto& u = v.as<uint16_t>();
  for (int i = 0; i < 24; ++i) EXPECT_EQ(u.data()[i], i);
  EXPECT_EQ(u(1, 2, 3), 23);
}

std::string gzip(const std::string& in) {
  z_stream zs{};
  deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(compressBound(in.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = in.size();
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = out.size();
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

}  // namespace

TEST(IoFormats, RawBigEndianSidecar) {
  TempDir d;
  test::put_file(d / "v.raw", big_endian_ramp());
  test::put_file(d / "v.json", R"({"shape": [2, 3, 4], "dtype": "uint16", "byte_order": "big", "voxel_um": 0.5})");
  AnyVolume v = read_volume(d / "v.raw");
  expect_ramp(v);
  EXPECT_EQ(v.spacing(), (Spacing{0.5, 0.5, 0.5}));
}

TEST(IoFormats, NrrdBigEndianSpaceDirectionsInMillimetres) {
  TempDir d;
  test::put_file(d / "v.nrrd",
                 "NRRD0005\n# comment\ntype: unsigned short\ndimension: 3\nspace: right-anterior-superior\n"
                 "sizes: 4 3 2\nspace directions: (0.001,0,0) (0,0.002,0) (0,0,0.003)\nspace units: \"mm\" \"mm\" \"mm\"\n"
                 "kinds: domain domain domain\nendian: big\nencoding: raw\nkey:=value\n\n" +
                     big_endian_ramp());
  AnyVolume v = read_volume(d / "v.nrrd");
  expect_ramp(v);
  EXPECT_NEAR(v.spacing().dx, 1.0, 1e-12);
  EXPECT_NEAR(v.spacing().dy, 2.0, 1e-12);
  EXPECT_NEAR(v.spacing().dz, 3.0, 1e-12);
}

TEST(IoFormats, DetachedNrrdGzipWithLineAndByteSkip) {
  TempDir d;
  test::put_file(d / "v.nhdr", "NRRD0004\ntype: uint16\ndimension: 3\nsizes: 4 3 2\nspacings: 0.1 0.2 0.3\n"
                               "endian: big\nencoding: gzip\nline skip: 1\nbyte skip: 2\ndata file: data.gz\n");
  test::put_file(d / "data.gz", "a text line\n" + gzip("XX" + big_endian_ramp()));
  AnyVolume v = read_volume(d / "v.nhdr");
  expect_ramp(v);
  EXPECT_EQ(v.spacing(), (Spacing{0.3, 0.2, 0.1}));
  EXPECT_EQ(read_info(d / "v.nhdr").files.size(), 2u);
}

TEST(IoFormats, NrrdByteSkipMinusOneReadsTheLastBytes) {
  TempDir d;
  test::put_file(d / "v.nhdr", "NRRD0004\ntype: uint16\ndimension: 3\nsizes: 4 3 2\nendian: big\nencoding: raw\n"
                               "byte skip: -1\ndata file: v.bin\n");
  test::put_file(d / "v.bin", "some preamble" + big_endian_ramp());
  expect_ramp(read_volume(d / "v.nhdr"));
  EXPECT_FALSE(read_info(d / "v.nhdr").spacing_from_file);
}

TEST(IoFormats, MetaImageDetachedBigEndianWithHeaderSize) {
  TempDir d;
  test::put_file(d / "v.mhd", "ObjectType = Image\nNDims = 3\nDimSize = 4 3 2\nElementType = MET_USHORT\n"
                              "ElementSize = 0.7 0.8 0.9\nElementByteOrderMSB = True\nHeaderSize = 3\n"
                              "ElementDataFile = v.dat\n");
  test::put_file(d / "v.dat", "abc" + big_endian_ramp());
  AnyVolume v = read_volume(d / "v.mhd");
  expect_ramp(v);
  EXPECT_EQ(v.spacing(), (Spacing{0.9, 0.8, 0.7}));
}

TEST(IoFormats, MetaImageZlibCompressedLocal) {
  TempDir d;
  // ITK writes a zlib stream (not gzip) with CompressedDataSize.
  std::string raw = big_endian_ramp();
  uLongf n = compressBound(raw.size());
  std::string z(n, '\0');
  compress2(reinterpret_cast<Bytef*>(z.data()), &n, reinterpret_cast<const Bytef*>(raw.data()), raw.size(), 6);
  z.resize(n);
  test::put_file(d / "v.mha", "ObjectType = Image\nNDims = 3\nBinaryDataByteOrderMSB = True\nCompressedData = True\n"
                              "CompressedDataSize = " + std::to_string(n) +
                                  "\nDimSize = 4 3 2\nElementType = MET_USHORT\nElementDataFile = LOCAL\n" + z);
  expect_ramp(read_volume(d / "v.mha"));
}

namespace {

TIFF* open_tiff_for_writing(const std::string& path, uint32_t w, uint32_t h, uint16_t bits, uint16_t fmt) {
  TIFF* t = TIFFOpen(path.c_str(), "w");
  TIFFSetField(t, TIFFTAG_IMAGEWIDTH, w);
  TIFFSetField(t, TIFFTAG_IMAGELENGTH, h);
  TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, bits);
  TIFFSetField(t, TIFFTAG_SAMPLEFORMAT, fmt);
  TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 1);
  TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
  TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  return t;
}

}  // namespace

TEST(IoFormats, TiledLzwTiffWithCentimetreResolution) {
  TempDir d;
  const uint32_t w = 40, h = 35;  // not multiples of the 16 x 16 tiles
  std::vector<float> img(w * h);
  for (uint32_t i = 0; i < w * h; ++i) img[i] = 0.5f * static_cast<float>(i) - 100.f;
  TIFF* t = TIFFOpen((d / "t.tif").c_str(), "w");
  for (int page = 0; page < 2; ++page) {
    TIFFSetField(t, TIFFTAG_IMAGEWIDTH, w);
    TIFFSetField(t, TIFFTAG_IMAGELENGTH, h);
    TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 32);
    TIFFSetField(t, TIFFTAG_SAMPLEFORMAT, SAMPLEFORMAT_IEEEFP);
    TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 1);
    TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
    TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_LZW);
    TIFFSetField(t, TIFFTAG_TILEWIDTH, 16);
    TIFFSetField(t, TIFFTAG_TILELENGTH, 16);
    TIFFSetField(t, TIFFTAG_XRESOLUTION, 20000.f);  // 20000 px/cm = 0.5 um
    TIFFSetField(t, TIFFTAG_YRESOLUTION, 40000.f);  // 0.25 um
    TIFFSetField(t, TIFFTAG_RESOLUTIONUNIT, RESUNIT_CENTIMETER);
    std::vector<float> tile(16 * 16);
    for (uint32_t ty = 0; ty < h; ty += 16)
      for (uint32_t tx = 0; tx < w; tx += 16) {
        std::fill(tile.begin(), tile.end(), 0.f);
        for (uint32_t y = ty; y < std::min(h, ty + 16); ++y)
          for (uint32_t x = tx; x < std::min(w, tx + 16); ++x) tile[(y - ty) * 16 + (x - tx)] = img[y * w + x] + page;
        TIFFWriteTile(t, tile.data(), tx, ty, 0, 0);
      }
    TIFFWriteDirectory(t);
  }
  TIFFClose(t);
  AnyVolume v = read_volume(d / "t.tif");
  ASSERT_TRUE(v.holds<float>());
  ASSERT_EQ(v.shape(), (Shape{2, h, w}));
  const auto& f = v.as<float>();
  for (uint32_t y = 0; y < h; ++y)
    for (uint32_t x = 0; x < w; ++x) {
      ASSERT_EQ(f(0, y, x), img[y * w + x]);
      ASSERT_EQ(f(1, y, x), img[y * w + x] + 1);
    }
  EXPECT_NEAR(v.spacing().dx, 0.5, 1e-6);
  EXPECT_NEAR(v.spacing().dy, 0.25, 1e-6);
  EXPECT_NEAR(v.spacing().dz, 0.5, 1e-6);  // no z spacing in the file: isotropic with x
}

TEST(IoFormats, ScreenDefaultDpiIsNotACalibration) {
  TempDir d;
  TIFF* t = open_tiff_for_writing(d / "t.tif", 3, 2, 8, SAMPLEFORMAT_UINT);
  TIFFSetField(t, TIFFTAG_XRESOLUTION, 72.f);
  TIFFSetField(t, TIFFTAG_YRESOLUTION, 72.f);
  TIFFSetField(t, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
  uint8_t px[6] = {1, 2, 3, 4, 5, 6};
  TIFFWriteEncodedStrip(t, 0, px, 6);
  TIFFClose(t);
  const VolumeInfo info = read_info(d / "t.tif");
  EXPECT_FALSE(info.spacing_from_file);
  EXPECT_EQ(info.spacing, Spacing{});
}

// An ImageJ stack over 4 GiB has one IFD and "images=N": the N pages follow each other. Made here
// from a contiguous file of our own by cutting the IFD chain after the first directory.
TEST(IoFormats, ImageJHugeStackLayoutWithOneDirectory) {
  TempDir d;
  Volume<uint16_t> v = test::random_volume<uint16_t>({3, 4, 5}, {2, 1, 1}, 21);
  write_volume(d / "full.tif", v.view());
  std::string bytes = test::read_text(d / "full.tif");
  uint32_t ifd0;
  std::memcpy(&ifd0, bytes.data() + 4, 4);
  uint16_t n;
  std::memcpy(&n, bytes.data() + ifd0, 2);
  std::memset(bytes.data() + ifd0 + 2 + 12 * n, 0, 4);  // next IFD = 0
  test::put_file(d / "one_ifd.tif", bytes);
  AnyVolume back = read_volume(d / "one_ifd.tif");
  ASSERT_EQ(back.shape(), v.shape());
  EXPECT_EQ(0, std::memcmp(back.as<uint16_t>().data(), v.data(), v.bytes()));
  EXPECT_DOUBLE_EQ(back.spacing().dz, 2.0);
}

TEST(IoFormats, FolderOfSlicesInNaturalOrder) {
  TempDir d;
  fs::create_directory(d / "stack");
  const int n = 12;
  for (int z = 0; z < n; ++z) {
    Volume<uint8_t> s = Volume<uint8_t>::filled({1, 2, 3}, {}, static_cast<uint8_t>(z));
    write_volume(d / ("stack/img_" + std::to_string(z) + ".tif"), s.view());  // img_2 sorts after img_10 as text
  }
  test::put_file(d / "stack/notes.txt", "ignored");
  AnyVolume v = read_volume(d / "stack");
  ASSERT_EQ(v.shape(), (Shape{n, 2, 3}));
  for (int z = 0; z < n; ++z) EXPECT_EQ(v.as<uint8_t>()(z, 1, 2), z);
  EXPECT_EQ(read_info(d / "stack").files.size(), static_cast<std::size_t>(n));
}

TEST(IoFormats, NaturalOrder) {
  EXPECT_TRUE(io::natural_order_less("slice_2.tif", "slice_10.tif"));
  EXPECT_FALSE(io::natural_order_less("slice_10.tif", "slice_2.tif"));
  EXPECT_TRUE(io::natural_order_less("a9b", "a10a"));
  EXPECT_TRUE(io::natural_order_less("s1.tif", "s01.tif"));  // equal values: fewer zeros first, a strict order
  EXPECT_FALSE(io::natural_order_less("s01.tif", "s1.tif"));
  EXPECT_FALSE(io::natural_order_less("x5", "x5"));
}

TEST(IoFormats, Hdf5FindsTheOnly3DDatasetAndReadsItsVoxelSize) {
  TempDir d;
  const std::string path = d / "beamline.h5";
  hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  hid_t g = H5Gcreate2(f, "/entry", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  const hsize_t dims3[3] = {2, 3, 4}, dims1[1] = {5};
  hid_t s3 = H5Screate_simple(3, dims3, nullptr), s1 = H5Screate_simple(1, dims1, nullptr);
  hid_t ds = H5Dcreate2(g, "tomo", H5T_STD_U16BE, s3, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  hid_t other = H5Dcreate2(f, "/angles", H5T_NATIVE_DOUBLE, s1, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  std::vector<uint16_t> ramp(24);
  for (int i = 0; i < 24; ++i) ramp[i] = static_cast<uint16_t>(i);
  H5Dwrite(ds, H5T_NATIVE_UINT16, H5S_ALL, H5S_ALL, H5P_DEFAULT, ramp.data());
  const double um = 0.65;
  hid_t as = H5Screate(H5S_SCALAR);
  hid_t a = H5Acreate2(ds, "voxel_um", H5T_NATIVE_DOUBLE, as, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(a, H5T_NATIVE_DOUBLE, &um);
  for (hid_t id : {a}) H5Aclose(id);
  H5Sclose(as);
  H5Dclose(ds);
  H5Dclose(other);
  H5Sclose(s3);
  H5Sclose(s1);
  H5Gclose(g);
  H5Fclose(f);
  AnyVolume v = read_volume(path);  // big-endian on disk: HDF5 converts
  expect_ramp(v);
  EXPECT_EQ(v.spacing(), (Spacing{0.65, 0.65, 0.65}));
  expect_ramp(read_volume(path + ":/entry/tomo"));
}

// Files written by tifffile (Python): ImageJ hyperstack with calibration, tiled BigTIFF, zlib.
TEST(IoFormats, TifffileWrittenFiles) {
  const fs::path corpus = fs::path(EMORPH_SOURCE_DIR) / "fuzz" / "corpus" / "tiff";
  AnyVolume ij = read_volume((corpus / "imagej_u16.tif").string());
  ASSERT_EQ(ij.shape(), (Shape{3, 4, 5}));
  for (int i = 0; i < 60; ++i) EXPECT_EQ(ij.as<uint16_t>().data()[i], i);
  EXPECT_NEAR(ij.spacing().dz, 0.5, 1e-12);
  EXPECT_NEAR(ij.spacing().dx, 0.5, 1e-6);  // resolution 2 px/um
  AnyVolume big = read_volume((corpus / "bigtiff_tiled_f32.tif").string());
  ASSERT_TRUE(big.holds<float>());
  ASSERT_EQ(big.shape(), (Shape{3, 4, 5}));
  for (int i = 0; i < 60; ++i) EXPECT_EQ(big.as<float>().data()[i], 0.5f * i);
  AnyVolume z = read_volume((corpus / "zlib_i8.tif").string());
  ASSERT_TRUE(z.holds<int8_t>());
  for (int i = 0; i < 60; ++i) EXPECT_EQ(z.as<int8_t>().data()[i], i % 100);
  AnyVolume flat = read_volume((corpus / "u32_2d.tif").string());
  ASSERT_EQ(flat.shape(), (Shape{1, 4, 5}));
  EXPECT_TRUE(flat.holds<uint32_t>());
}
