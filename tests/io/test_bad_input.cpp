// Every bad-input case of the I/O layer: a clear InputError naming the file, no partial output,
// the input untouched.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

#include "emorph/error.hpp"
#include "emorph/io.hpp"
#include "emorph/io/stream.hpp"
#include "io/headers.hpp"
#include "io/io_test_util.hpp"
#include "support/checks.hpp"
#include "support/test_support.hpp"

namespace fs = std::filesystem;
using namespace emorph;
using emorph::test::TempDir;

namespace {

// Runs f, expects InputError whose message contains every fragment.
template <class F>
void expect_input_error(F&& f, std::initializer_list<std::string> fragments) {
  try {
    f();
    ADD_FAILURE() << "expected InputError";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    for (const auto& s : fragments) EXPECT_NE(msg.find(s), std::string::npos) << "message: " << msg << "\nmissing: " << s;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << "one line: " << msg;
  }
}

void write_raw(const TempDir& d, const std::string& name, std::size_t bytes, const std::string& sidecar) {
  test::put_file(d / (name + ".raw"), std::string(bytes, '\x07'));
  test::put_file(d / (name + ".json"), sidecar);
}

// A raw-encoded NRRD header of `type` and `sizes` (x y z), the data to follow it.
std::string nrrd_header(const std::string& type, const std::string& sizes) {
  return "NRRD0004\ntype: " + type + "\ndimension: 3\nsizes: " + sizes + "\nencoding: raw\n\n";
}

// A MetaImage header of `dim_size` (x y z) and `element_type`, the data to follow it (LOCAL).
std::string mha_header(const std::string& dim_size, const std::string& element_type) {
  return "NDims = 3\nDimSize = " + dim_size + "\nElementType = " + element_type + "\nElementDataFile = LOCAL\n";
}

// d/name holding `content`: reading it is refused with every fragment.
void expect_file_refused(const TempDir& d, const std::string& name, const std::string& content,
                         std::initializer_list<std::string> fragments) {
  test::put_file(d / name, content);
  expect_input_error([&] { read_volume(d / name); }, fragments);
}

// name.raw of `bytes` bytes beside the sidecar name.json: reading it is refused with every fragment.
void expect_raw_refused(const TempDir& d, const std::string& name, std::size_t bytes, const std::string& sidecar,
                        std::initializer_list<std::string> fragments) {
  write_raw(d, name, bytes, sidecar);
  expect_input_error([&] { read_volume(d / (name + ".raw")); }, fragments);
}

}  // namespace

TEST(IoBadInput, NonexistentPath) {
  TempDir d;
  for (const std::string name : {"missing.tif", "missing.raw", "missing.nrrd", "missing.mha", "missing.h5", "missing.h5:/x"})
    expect_input_error([&] { read_volume(d / name); }, {"missing", "no such file"});
  expect_input_error([&] { read_volume(d / "missing_folder"); }, {"missing_folder", "no such file"});
}

TEST(IoBadInput, DirectoryWhereAFileIsExpected) {
  TempDir d;
  for (const std::string name : {"dir.tif", "dir.raw", "dir.nrrd", "dir.mha", "dir.h5"}) {
    fs::create_directory(d / name);
    expect_input_error([&] { read_volume(d / name); }, {name, "is a directory"});
  }
  fs::create_directory(d / "empty");
  expect_input_error([&] { read_volume(d / "empty"); }, {"empty", "no .tif slices"});
  // A directory as output where a file is expected.
  Volume<uint8_t> v = Volume<uint8_t>::filled({1, 2, 2}, {}, 1);
  expect_input_error([&] { write_volume(d / "dir.tif", v); }, {"dir.tif", "directory"});
}

TEST(IoBadInput, TruncatedRaw) {
  TempDir d;
  write_raw(d, "t", 2 * 3 * 4 * 2 - 1, R"({"shape": [2, 3, 4], "dtype": "uint16"})");
  expect_input_error([&] { read_volume(d / "t.raw"); }, {"t.raw", "truncated", "48"});
  expect_file_refused(d, "t.nrrd", nrrd_header("uint8", "4 3 2") + std::string(10, 'x'), {"t.nrrd", "truncated"});
  expect_file_refused(d, "t.mha", mha_header("4 3 2", "MET_UCHAR") + std::string(5, 'x'), {"t.mha", "truncated"});
}

TEST(IoBadInput, TruncatedCompressedData) {
  TempDir d;
  Volume<uint16_t> v = test::random_volume<uint16_t>({8, 16, 16}, {}, 3);
  WriteOptions w;
  w.compress = true;
  for (const std::string name : {"c.nrrd", "c.mha"}) {
    write_volume(d / name, v, w);
    std::string bytes = test::read_text(d / name);
    test::put_file(d / ("cut_" + name), bytes.substr(0, bytes.size() - 200));
    expect_input_error([&] { read_volume(d / ("cut_" + name)); }, {"cut_" + name});
  }
  write_volume(d / "c.tif", v);
  std::string bytes = test::read_text(d / "c.tif");
  expect_file_refused(d, "cut.tif", bytes.substr(0, bytes.size() / 2), {"cut.tif"});
  write_volume(d / "c.h5", v);
  bytes = test::read_text(d / "c.h5");
  expect_file_refused(d, "cut.h5", bytes.substr(0, bytes.size() / 2), {"cut.h5"});
}

TEST(IoBadInput, HeaderDisagreesWithFileSize) {
  TempDir d;
  write_raw(d, "big", 2 * 3 * 4 + 5, R"({"shape": [2, 3, 4], "dtype": "uint8"})");
  expect_input_error([&] { read_volume(d / "big.raw"); }, {"big.raw", "disagrees", "24"});
  test::put_file(d / "v.nhdr", "NRRD0004\ntype: uint8\ndimension: 3\nsizes: 4 3 2\nencoding: raw\ndata file: v.bin\n");
  test::put_file(d / "v.bin", std::string(30, 'x'));
  expect_input_error([&] { read_volume(d / "v.nhdr"); }, {"v.bin", "disagrees"});
}

TEST(IoBadInput, UnsupportedDtype) {
  TempDir d;
  expect_raw_refused(d, "f64", 8, R"({"shape": [1, 1, 1], "dtype": "float64"})",
                     {"f64.json", "unsupported dtype", "float64"});
  expect_file_refused(d, "d.nrrd", nrrd_header("double", "1 1 1") + "12345678",
                      {"d.nrrd", "unsupported NRRD type", "double"});
  expect_file_refused(d, "d.mha", mha_header("1 1 1", "MET_DOUBLE") + "12345678",
                      {"d.mha", "unsupported MetaImage ElementType", "MET_DOUBLE"});
  // A 64-bit float TIFF: patch BitsPerSample of a float32 file of our own to 64.
  Volume<float> v = Volume<float>::filled({1, 1, 2}, {}, 1.f);
  write_volume(d / "f.tif", v);
  std::string bytes = test::read_text(d / "f.tif");
  const std::string tag = std::string("\x02\x01\x03\x00\x01\x00\x00\x00\x20\x00", 10);  // tag 258 SHORT 1 = 32
  const auto at = bytes.find(tag);
  ASSERT_NE(at, std::string::npos);
  bytes[at + 8] = 64;
  expect_file_refused(d, "f64.tif", bytes, {"f64.tif", "unsupported TIFF dtype float64"});
}

TEST(IoBadInput, UnsupportedCompressionOrEncoding) {
  TempDir d;
  expect_file_refused(d, "b.nrrd", "NRRD0004\ntype: uint8\ndimension: 3\nsizes: 1 1 1\nencoding: bzip2\n\nx",
                      {"b.nrrd", "unsupported NRRD encoding", "bzip2"});
  // TIFF compression scheme 34712 (JPEG 2000) is not built into libtiff here.
  Volume<uint8_t> v = Volume<uint8_t>::filled({1, 2, 2}, {}, 1);
  write_volume(d / "u.tif", v);
  std::string bytes = test::read_text(d / "u.tif");
  const std::string tag = std::string("\x03\x01\x03\x00\x01\x00\x00\x00\x01\x00", 10);  // tag 259 SHORT 1 = none
  const auto at = bytes.find(tag);
  ASSERT_NE(at, std::string::npos);
  bytes[at + 8] = static_cast<char>(34712 & 0xff);
  bytes[at + 9] = static_cast<char>(34712 >> 8);
  expect_file_refused(d, "j2k.tif", bytes, {"j2k.tif", "compression"});
}

TEST(IoBadInput, ZeroOrNegativeShape) {
  TempDir d;
  expect_raw_refused(d, "z", 0, R"({"shape": [0, 3, 4], "dtype": "uint8"})", {"z.json", "positive"});
  expect_raw_refused(d, "n", 0, R"({"shape": [2, -3, 4], "dtype": "uint8"})", {"n.json", "positive"});
  expect_file_refused(d, "z.nrrd", nrrd_header("uint8", "4 0 2"), {"z.nrrd", "positive"});
  expect_file_refused(d, "z.mha", mha_header("4 -1 2", "MET_UCHAR"), {"z.mha", "positive"});
}

TEST(IoBadInput, ShapeWhoseByteSizeOverflows) {
  TempDir d;
  expect_raw_refused(d, "o", 1, R"({"shape": [3000000000, 3000000000, 3000000000], "dtype": "uint16"})",
                     {"o.json", "overflows"});
  expect_file_refused(d, "o.nrrd", nrrd_header("float", "4000000000 4000000000 4000000000"), {"o.nrrd", "overflows"});
  expect_file_refused(d, "o2.nrrd", nrrd_header("float", "99999999999999999999 1 1"), {"o2.nrrd", "sizes"});
}

TEST(IoBadInput, MalformedHeaders) {
  TempDir d;
  test::put_file(d / "bad.json", "{not json");
  expect_file_refused(d, "bad.raw", "x", {"bad.json", "not valid JSON"});
  expect_file_refused(d, "nos.raw", "x", {"nos.raw", "sidecar", "nos.json"});
  expect_file_refused(d, "magic.nrrd", "NRRX0004\n", {"magic.nrrd", "not a NRRD file"});
  expect_file_refused(d, "nodata.mha", "NDims = 3\nDimSize = 1 1 1\n", {"nodata.mha", "ElementDataFile"});
  expect_file_refused(d, "junk.tif", "this is not a tiff file at all", {"junk.tif", "TIFF"});
  expect_file_refused(d, "junk.h5", "this is not an hdf5 file", {"junk.h5", "not an HDF5 file"});
  expect_input_error([&] { read_volume(d / "v.xyz"); }, {"v.xyz", "no such file"});
  expect_file_refused(d, "v.xyz", "x", {"v.xyz", "unknown volume format"});
}

TEST(IoBadInput, Hdf5DatasetChoice) {
  TempDir d;
  Volume<uint8_t> v = Volume<uint8_t>::filled({2, 2, 2}, {}, 1);
  write_volume(d / "a.h5", v);
  expect_input_error([&] { read_volume(d / "a.h5:/nothing/here"); }, {"a.h5:/nothing/here", "no such dataset"});
  EXPECT_EQ(read_info(d / "a.h5").shape, (Shape{2, 2, 2}));
  EXPECT_EQ(read_info(d / "a.h5:/volume").shape, (Shape{2, 2, 2}));
}

TEST(IoBadInput, OutputEqualToInputIsRefusedAndInputUntouched) {
  TempDir d;
  Volume<uint16_t> v = test::random_volume<uint16_t>({2, 3, 4}, {}, 4);
  write_volume(d / "v.tif", v);
  const std::string before = test::read_text(d / "v.tif");
  expect_input_error([&] { convert_volume(d / "v.tif", d / "v.tif"); }, {"v.tif", "equals the input"});
  expect_input_error([&] { convert_volume(d / "v.tif", d.path().string() + "/./v.tif"); }, {"equals the input"});
  EXPECT_EQ(before, test::read_text(d / "v.tif"));
  write_volume(d / "v.h5", v);
  expect_input_error([&] { convert_volume(d / "v.h5:/volume", d / "v.h5:/volume"); }, {"equals the input"});
  expect_input_error([&] { convert_volume(d / "v.raw", d / "v.raw"); }, {"v.raw"});
  // A detached NRRD header writes v.raw beside it: that is the input's data file.
  write_volume(d / "v.raw", v);
  const std::string raw = test::read_text(d / "v.raw"), side = test::read_text(d / "v.json");
  expect_input_error([&] { convert_volume(d / "v.raw", d / "v.nhdr"); }, {"v.raw", "equals the input"});
  expect_input_error([&] { convert_volume(d / "v.raw", d / "v.mhd"); }, {"v.raw", "equals the input"});
  EXPECT_EQ(raw, test::read_text(d / "v.raw"));
  EXPECT_EQ(side, test::read_text(d / "v.json"));
  EXPECT_FALSE(fs::exists(d / "v.nhdr"));
}

bool same_voxels(const Volume<uint16_t>& x, const Volume<uint16_t>& y) {
  return x.nz() == y.nz() && x.ny() == y.ny() && x.nx() == y.nx() &&
         std::memcmp(x.data(), y.data(), x.bytes()) == 0;
}

// Writing a dataset into an existing HDF5 file adds it (on a copy renamed at the end) and keeps the
// file's other datasets; a dataset of the same path is replaced; a group there is refused.
TEST(IoHdf5, WritingADatasetKeepsTheOtherDatasets) {
  TempDir d;
  const Volume<uint16_t> a = test::random_volume<uint16_t>({2, 3, 4}, {}, 1), b = test::random_volume<uint16_t>({3, 2, 2}, {}, 2),
                         c = test::random_volume<uint16_t>({1, 5, 2}, {}, 3);
  write_volume(d / "m.h5:/a", a);
  write_volume(d / "m.h5:/g/b", b);
  write_volume(d / "c.tif", c);
  convert_volume(d / "c.tif", d / "m.h5:/c");
  EXPECT_TRUE(same_voxels(read_volume(d / "m.h5:/a").as<uint16_t>(), a));
  EXPECT_TRUE(same_voxels(read_volume(d / "m.h5:/g/b").as<uint16_t>(), b));
  EXPECT_TRUE(same_voxels(read_volume(d / "m.h5:/c").as<uint16_t>(), c));
  convert_volume(d / "m.h5:/a", d / "m.h5:/d");  // reading one dataset of the file while adding another
  EXPECT_TRUE(same_voxels(read_volume(d / "m.h5:/d").as<uint16_t>(), a));
  write_volume(d / "m.h5:/a", c);  // the same path: replaced, the others kept
  EXPECT_TRUE(same_voxels(read_volume(d / "m.h5:/a").as<uint16_t>(), c));
  EXPECT_TRUE(same_voxels(read_volume(d / "m.h5:/g/b").as<uint16_t>(), b));
  const std::string before = test::read_text(d / "m.h5");
  expect_input_error([&] { write_volume(d / "m.h5:/g", c); }, {"m.h5:/g", "group"});
  EXPECT_EQ(before, test::read_text(d / "m.h5"));
}

TEST(IoBadInput, FailedConversionLeavesNoPartialOutput) {
  TempDir d;
  write_raw(d, "t", 2 * 64 * 64 - 1, R"({"shape": [2, 64, 64], "dtype": "uint8"})");
  for (const std::string out : {"o.tif", "o.raw", "o.nrrd", "o.nhdr", "o.mha", "o.mhd", "o.h5", "o_dir/"})
    expect_input_error([&] { convert_volume(d / "t.raw", d / out); }, {"t.raw", "truncated"});
  EXPECT_EQ(test::entry_count(d.path()), 2u);  // t.raw and t.json only
  // A truncated compressed stream fails midway through writing: still nothing left behind.
  Volume<uint16_t> v = test::random_volume<uint16_t>({64, 32, 32}, {}, 5);
  WriteOptions w;
  w.compress = true;
  write_volume(d / "c.nrrd", v, w);
  std::string bytes = test::read_text(d / "c.nrrd");
  test::put_file(d / "cut.nrrd", bytes.substr(0, bytes.size() * 3 / 4));
  for (const std::string out : {"p.tif", "p.raw", "p.h5", "p_dir/"})
    expect_input_error([&] { convert_volume(d / "cut.nrrd", d / out); }, {"cut.nrrd"});
  EXPECT_EQ(test::entry_count(d.path()), 4u);
}

TEST(IoBadInput, OutputFolderMustExist) {
  TempDir d;
  Volume<uint8_t> v = Volume<uint8_t>::filled({1, 2, 2}, {}, 1);
  expect_input_error([&] { write_volume(d / "no/such/dir/v.tif", v); }, {"v.tif", "does not exist"});
  fs::create_directory(d / "full");
  test::put_file(d / "full/x.tif", "x");
  expect_input_error([&] { write_volume(d / "full/", v); }, {"full", "not empty"});
}

TEST(IoBadInput, SlabOutsideVolume) {
  TempDir d;
  Volume<uint8_t> v = Volume<uint8_t>::filled({3, 2, 2}, {}, 1);
  write_volume(d / "v.raw", v);
  expect_input_error([&] { read_slab(d / "v.raw", 2, 5); }, {"v.raw", "outside"});
  expect_input_error([&] { read_slab(d / "v.raw", 2, 2); }, {"v.raw", "empty"});
}

TEST(IoBadInput, SidecarFieldsAreChecked) {
  EXPECT_THROW(io::parse_raw_sidecar(R"({"shape": [1, 2], "dtype": "uint8", "byte_order": "middle"})", "s"), InputError);
  EXPECT_THROW(io::parse_raw_sidecar(R"({"shape": [1, 2, 3], "dtype": "uint8", "voxel_um": -1})", "s"), InputError);
  EXPECT_THROW(io::parse_raw_sidecar(R"({"shape": [1.5, 2, 3], "dtype": "uint8"})", "s"), InputError);
  EXPECT_THROW(io::parse_raw_sidecar(R"({"shape": [1, 2, 3]})", "s"), InputError);
  const auto s = io::parse_raw_sidecar(R"({"shape": [1, 2, 3], "dtype": ">u2"})", "s");
  EXPECT_TRUE(s.big_endian);
  EXPECT_EQ(s.dtype, DType::u16);
}
